/**
 * Literal secrets of an action file, found and moved out by the `hardcoded-secret` lint's own quick
 * fixes (one mechanism: what the editor offers one by one, an import offers all at once).
 */
import { BUILTIN_SAMPLE } from './builtinSample';
import { parseActionDocument } from './document';
import { lint } from './lint';
import { emptySecrets, noTokens } from './secretSources';
import type { QuickFix } from './types';

/** The `hardcoded-secret` quick fixes of an action file's text, in file order. */
export function literalSecretFixes(text: string): QuickFix[] {
  const doc = parseActionDocument(text);
  if (doc.syntax.some((d) => d.severity === 'error')) return [];
  const { diagnostics } = lint(doc, {
    samples: [BUILTIN_SAMPLE],
    selected: BUILTIN_SAMPLE,
    options: { escaping: 'json', arraySeparator: ', ', secrets: emptySecrets, tokens: noTokens },
  });
  return diagnostics.flatMap((d) => (d.code === 'hardcoded-secret' ? (d.fixes ?? []).filter((f) => f.storeSecret !== undefined).slice(0, 1) : []));
}

/** What moving every literal secret out of a file gave: the new text and the values to store, by name. */
export interface MovedSecrets {
  readonly text: string;
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/**
 * Applies every `hardcoded-secret` fix to `text`, one at a time (each fix rewrites a whole JSON string,
 * so the file is linted again after each). A name already taken by another value gets a number.
 */
export function moveLiteralSecrets(text: string): MovedSecrets {
  const secrets: Array<{ name: string; value: string }> = [];
  let current = text;
  for (let round = 0; round < 50; round++) {
    const fix = literalSecretFixes(current)[0];
    if (!fix?.storeSecret) break;
    let { name } = fix.storeSecret;
    const { value } = fix.storeSecret;
    const same = secrets.find((s) => s.name === name);
    if (same && same.value !== value) {
      let k = 2;
      while (secrets.some((s) => s.name === `${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    if (!secrets.some((s) => s.name === name)) secrets.push({ name, value });
    const renamed =
      name === fix.storeSecret.name
        ? fix.edits
        : fix.edits.map((e) => ({ ...e, newText: e.newText.split(`{{secrets.${fix.storeSecret!.name}}}`).join(`{{secrets.${name}}}`) }));
    for (const e of [...renamed].sort((a, b) => b.range.start - a.range.start))
      current = current.slice(0, e.range.start) + e.newText + current.slice(e.range.end);
  }
  return { text: current, secrets };
}
