/**
 * Execution log records (docs/architecture.md, "Execution records"): built from a send, stored as JSON lines (newest N kept),
 * and printed as compact text for the terminal.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, appendFile, chmod, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { escapeForTerminal } from './text';
import type { CheckResult, ExecutionRecord, PlainRequest, SendResult } from './types';

/** Default cap of the response body preview kept in a record. */
export const DEFAULT_PREVIEW_BYTES = 64 * 1024;

/** What one send contributes to its log record. The request must already be redacted. */
export interface RecordInput {
  readonly file: string;
  readonly sample: string;
  readonly request: PlainRequest;
  readonly result: SendResult;
  readonly inbox?: boolean;
  readonly now?: Date;
  readonly id?: string;
  /** Bytes of the response body kept as preview text; default 64 KiB. */
  readonly maxPreviewBytes?: number;
  /** The results of the action's `expect`, when it has one and a response came. */
  readonly checks?: readonly CheckResult[];
}

/**
 * Builds the record of one send. The preview is the body decoded as UTF-8 (invalid bytes replaced) up
 * to the cap; `truncated` is set when either the sender or the preview cap cut the body.
 */
export function buildRecord(input: RecordInput): ExecutionRecord {
  const base = {
    id: input.id ?? randomUUID(),
    time: (input.now ?? new Date()).toISOString(),
    file: input.file,
    sample: input.sample,
    request: copyRequest(input.request),
    timings: { ...input.result.timings },
    ...(input.inbox ? { inbox: true } : {}),
  };
  const result = input.result;
  if (!result.ok) return { ...base, outcome: 'network-error', error: { ...result.error } };
  const response = result.response;
  const cap = input.maxPreviewBytes ?? DEFAULT_PREVIEW_BYTES;
  const cut = response.body.length > cap;
  return {
    ...base,
    outcome: result.outcome,
    response: {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers.map(([name, value]) => [name, value] as const),
      bodyPreview: previewText(response.body, cap, cut || response.truncated),
      size: response.size,
      ...(response.fullSize !== undefined ? { fullSize: response.fullSize } : {}),
      truncated: response.truncated || cut,
      redirects: response.redirects.map((r) => ({ status: r.status, location: r.location })),
    },
    ...(input.checks !== undefined ? { checks: input.checks.map((c) => ({ ...c, range: { ...c.range } })) } : {}),
  };
}

function copyRequest(request: PlainRequest): PlainRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers.map(([name, value]) => [name, value] as const),
    body: request.body,
  };
}

function previewText(body: Uint8Array, cap: number, cutShort: boolean): string {
  const bytes = body.length > cap ? body.subarray(0, cap) : body;
  // A body cut short may end inside a UTF-8 sequence: streaming mode drops that incomplete tail
  // instead of showing a replacement character for bytes that were never all there.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes, { stream: cutShort });
}

// One queue per file, shared by every log object on it, so appends in this process never interleave.
const queues = new Map<string, Promise<unknown>>();

/** Largest file taken for an execution log: 500 records with 64 KiB previews fit well within it. */
const MAX_LOG_BYTES = 256 * 1024 * 1024;
/** How long an append waits for another process's lock, and when a lock counts as abandoned. */
const LOCK_WAIT_MS = 5000;
const LOCK_STALE_MS = 15_000;

/** Why records cannot be kept in a file: it is not ours, not a file, too large or not writable. */
export class LogFileError extends Error {}

/**
 * Stores execution records as JSON lines in one file, keeping the newest `keep`. It never rewrites a
 * file that is not an execution log (refuses instead), keeps the file's mode and any symlink to it when
 * it trims, and holds a lock file while it writes, so several processes on one log lose no record.
 */
export class JsonLinesLog {
  /** Lines in the file and its size after this process last wrote it; a different size means another writer. */
  private known: { lines: number; size: number } | undefined;

  /** A log in `file`, trimmed to the newest `keep` records. */
  constructor(
    private readonly file: string,
    private readonly keep = 500,
  ) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a positive integer, got ${keep}`);
  }

  /** Why records cannot be appended to this file, or undefined when they can; reads nothing but the file. */
  async check(): Promise<string | undefined> {
    try {
      await this.inspect();
      return undefined;
    } catch (error) {
      if (error instanceof LogFileError) return error.message;
      throw error;
    }
  }

  /** Appends a record; the file is rewritten with only the newest records once it grows past `keep`. */
  append(record: ExecutionRecord): Promise<void> {
    return this.serialise(() =>
      this.locked(async () => {
        const state = await this.inspect();
        const line = JSON.stringify(record) + '\n';
        await appendFile(this.file, state.dangling ? '\n' + line : line, 'utf8');
        const lines = state.lines + 1;
        this.known = { lines, size: state.size + Buffer.byteLength(line) + (state.dangling ? 1 : 0) };
        // A little slack so a full log is not rewritten on every single append.
        if (lines > this.keep + Math.floor(this.keep / 10)) await this.trim();
      }),
    );
  }

  /** The newest `keep` records, newest first. Unreadable lines are skipped; a missing file is empty. */
  list(): Promise<ExecutionRecord[]> {
    return this.serialise(async () => {
      const text = await this.readText();
      return parseLines(text).slice(-this.keep).reverse();
    });
  }

  /** Removes every record; refuses a file that is not an execution log. */
  clear(): Promise<void> {
    return this.serialise(() =>
      this.locked(async () => {
        await this.inspect();
        await rm(this.file, { force: true });
        this.known = undefined;
      }),
    );
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const key = resolve(this.file);
    const next = (queues.get(key) ?? Promise.resolve()).then(work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  }

  /**
   * Runs `work` holding `<file>.lock`, created exclusively; waits for another holder, and takes over a
   * lock left behind by a process that died.
   */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    // No lock file beside something that is not a file (a folder, /dev/full): refuse it first.
    const existing = await stat(this.file).catch(() => undefined);
    if (existing && !existing.isFile()) throw new LogFileError(`${this.file} is not a regular file; give a file for the execution log`);
    await mkdir(dirname(this.file), { recursive: true });
    const lock = `${await this.target()}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await writeFile(lock, String(process.pid), { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > LOCK_STALE_MS) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new LogFileError(`${this.file}: another process has held its lock for ${Math.round(age / 1000)} s`);
        else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { force: true });
    }
  }

  /** The file a symlink points to, or the path itself. */
  private async target(): Promise<string> {
    try {
      return await realpath(this.file);
    } catch {
      return this.file;
    }
  }

  /** Checks that the file is ours to write; its line count and whether its last line lacks a newline. */
  private async inspect(): Promise<{ lines: number; size: number; dangling: boolean }> {
    let info;
    try {
      info = await stat(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new LogFileError(`${this.file}: ${(error as Error).message}`);
      await access(dirname(this.file), constants.W_OK).catch((e: Error) => {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new LogFileError(`${this.file}: its folder is not writable`);
      });
      return { lines: 0, size: 0, dangling: false };
    }
    if (!info.isFile()) throw new LogFileError(`${this.file} is not a regular file; give a file for the execution log`);
    if (info.size > MAX_LOG_BYTES) throw new LogFileError(`${this.file} is larger than an execution log can be; give another file`);
    await access(this.file, constants.W_OK).catch(() => {
      throw new LogFileError(`${this.file} is not writable`);
    });
    if (this.known && this.known.size === info.size) return { lines: this.known.lines, size: info.size, dangling: false };
    const text = await this.readText();
    const foreign = firstForeignLine(text);
    if (foreign !== undefined) {
      throw new LogFileError(
        `${this.file} is not an execution log (line ${foreign} is not a record), so it is left as it is; give a new file or an existing log`,
      );
    }
    return {
      lines: text === '' ? 0 : text.split('\n').filter((line) => line.trim() !== '').length,
      size: info.size,
      dangling: text !== '' && !text.endsWith('\n'),
    };
  }

  private async readText(): Promise<string> {
    try {
      return await readFile(this.file, 'utf8');
    } catch {
      return '';
    }
  }

  private async trim(): Promise<void> {
    const newest = parseLines(await this.readText()).slice(-this.keep);
    // Rewrite the file a symlink points to, in its own folder, with its own mode: the link stays a link.
    const target = await this.target();
    const mode = (await stat(target)).mode & 0o7777;
    const temporary = `${target}.${process.pid}.${randomUUID()}.tmp`;
    const text = newest.map((record) => JSON.stringify(record) + '\n').join('');
    try {
      await writeFile(temporary, text, { encoding: 'utf8', mode });
      await chmod(temporary, mode);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    this.known = { lines: newest.length, size: Buffer.byteLength(text) };
  }
}

/**
 * The 1-based number of the first line that is neither a record nor a record cut short by an interrupted
 * write (records start `{"id":`), or undefined when every line is one of ours.
 */
function firstForeignLine(text: string): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('{"id":')) continue;
    return i + 1;
  }
  return undefined;
}

function parseLines(text: string): ExecutionRecord[] {
  const records: ExecutionRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isRecord(value)) records.push(value);
    } catch {
      // A corrupt line (a write cut short, a hand edit) costs that record only.
    }
  }
  return records;
}

function isRecord(value: unknown): value is ExecutionRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    typeof v['time'] === 'string' &&
    typeof v['outcome'] === 'string' &&
    typeof v['request'] === 'object' &&
    v['request'] !== null
  );
}

const OUTCOME_TEXT: Record<ExecutionRecord['outcome'], string> = {
  accepted: 'accepted',
  redirect: 'redirect',
  rejected: 'rejected — usually authentication or payload format',
  'receiver-error': 'receiver error',
  'network-error': 'network error',
};

/** Formats a byte count for people: `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * A compact human text of a record for the terminal: status, outcome, timings, headers, body preview.
 * Control characters from the response are escaped.
 */
export function formatRecord(record: ExecutionRecord): string {
  return escapeForTerminal(formatLines(record));
}

function formatLines(record: ExecutionRecord): string {
  const lines: string[] = [];
  const response = record.response;
  const where = record.inbox ? ' (local inbox)' : '';
  lines.push(`${record.request.method} ${record.request.url}${where}`);
  if (response) {
    lines.push(`→ ${response.status} ${response.statusText}`.trimEnd() + ` · ${OUTCOME_TEXT[record.outcome]}`);
  } else if (record.error) {
    lines.push(`→ ${OUTCOME_TEXT[record.outcome]} (${record.error.code}): ${record.error.message}`);
    if (record.error.hint) lines.push(`  hint: ${record.error.hint}`);
  } else {
    lines.push(`→ ${OUTCOME_TEXT[record.outcome]}`);
  }
  const timing = [`${Math.round(record.timings.totalMs)} ms total`];
  if (record.timings.firstByteMs !== undefined) timing.push(`${Math.round(record.timings.firstByteMs)} ms to first byte`);
  lines.push(`  ${timing.join(', ')} · ${record.time} · ${record.file} · sample ${record.sample}`);
  if (record.checks && record.checks.length > 0) {
    const failed = record.checks.filter((c) => !c.passed).length;
    lines.push('', `Expectations (${record.checks.length - failed} of ${record.checks.length} passed):`);
    for (const c of record.checks) lines.push(c.passed ? `  ✓ ${c.name}: ${c.actual}` : `  ✗ ${c.name}: expected ${c.expected}, got ${c.actual}`);
  }
  if (!response) return lines.join('\n');
  for (const hop of response.redirects) lines.push(`  redirected: ${hop.status} → ${hop.location}`);
  lines.push('', 'Response headers:');
  for (const [name, value] of response.headers) lines.push(`  ${name}: ${value}`);
  const size =
    response.fullSize !== undefined && response.fullSize !== response.size
      ? `${formatBytes(response.size)} of ${formatBytes(response.fullSize)}`
      : formatBytes(response.size);
  lines.push('', `Body (${size}${response.truncated ? ', truncated' : ''}):`);
  lines.push(response.bodyPreview === '' ? '  (empty)' : response.bodyPreview);
  return lines.join('\n');
}
