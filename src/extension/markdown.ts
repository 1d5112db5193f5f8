import { lookupPath, valueToText } from '../core/sample';
import type { PathSegment } from '../core/template';
import type { Sample } from '../core/types';

const CELL_MAX = 80;

/** Escapes text for a Markdown table cell: no pipes, no line breaks, no active Markdown. */
export function cell(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, '⏎').replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
  return flat.length > CELL_MAX ? `${flat.slice(0, CELL_MAX)}…` : flat;
}

/** A Markdown table of a path's value in every sample. */
export function valuesTable(samples: readonly Sample[], path: readonly Pick<PathSegment, 'name' | 'indexes'>[], separator: string): string {
  if (samples.length === 0) return '';
  const rows = samples.map((s) => {
    const v = lookupPath(s.data, path);
    const text = !v.found ? '*absent — renders empty*' : v.value === null ? '*null — renders empty*' : cell(valueToText(v.value, separator)) || '*empty*';
    return `| ${cell(s.name)} | ${text} |`;
  });
  return ['| Sample | Value |', '| --- | --- |', ...rows].join('\n');
}
