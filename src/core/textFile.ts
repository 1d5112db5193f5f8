/**
 * Reading the text files a user names (actions, samples, env files) with messages they can act on:
 * only regular files, never more than a bounded number of bytes (a FIFO or `/dev/zero` cannot hang or
 * exhaust memory), UTF-8 or UTF-16 with a byte-order mark, and where the text is not, where it breaks.
 */
import { lstat, open, readlink, stat } from 'node:fs/promises';

/** The largest file read as text; well beyond any action or sample a platform accepts. */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

/** A text file's content, or a message saying why it cannot be read. */
export type ReadTextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/** Reads a text file (UTF-8, or UTF-16 with its byte-order mark; a UTF-8 BOM is dropped). Never throws. */
export async function readTextFile(path: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<ReadTextResult> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { ok: false, error: 'is a directory, not a file' };
    if (!info.isFile()) return { ok: false, error: 'is not a regular file (a device, pipe or socket), so it is not read' };
    if (info.size > maxBytes) return { ok: false, error: `is ${formatSize(info.size)}; files over ${formatSize(maxBytes)} are not read` };
    bytes = await readAtMost(path, maxBytes, info.size);
  } catch (error) {
    return { ok: false, error: (await brokenLinkMessage(path, error)) ?? readErrorMessage(error) };
  }
  if (bytes.length > maxBytes) return { ok: false, error: `grew past ${formatSize(maxBytes)} while it was read; files over that are not read` };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const nul = bytes.indexOf(0);
  const utf16 = nul >= 0 ? utf16WithoutBom(bytes) : undefined;
  if (utf16)
    return { ok: false, error: `looks like UTF-16${utf16 === 'le' ? 'LE' : 'BE'} text without a byte-order mark, which is not read; save it as UTF-8` };
  if (nul >= 0) return { ok: false, error: `is a binary file, not text (a NUL byte at ${where(bytes, nul)})` };
  const bad = firstInvalidUtf8(bytes);
  if (bad !== undefined) return { ok: false, error: `is not valid UTF-8 text (the first invalid byte is at ${where(bytes, bad)}); save it as UTF-8` };
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/**
 * `le` or `be` when the bytes look like UTF-16 text without a byte-order mark: mostly characters below U+0100,
 * so one byte of nearly every pair is 0 and always the same one. Binary data has no such pattern.
 */
export function utf16WithoutBom(bytes: Uint8Array): 'le' | 'be' | undefined {
  const pairs = Math.floor(Math.min(bytes.length, 4096) / 2);
  if (pairs < 2) return undefined;
  let highZero = 0;
  let lowZero = 0;
  for (let i = 0; i < pairs; i++) {
    const [first, second] = [bytes[2 * i]!, bytes[2 * i + 1]!];
    if (first === 0 && second === 0) return undefined;
    if (second === 0) highZero++;
    else if (first === 0) lowZero++;
  }
  if (highZero >= pairs * 0.9 && lowZero === 0) return 'le';
  if (lowZero >= pairs * 0.9 && highZero === 0) return 'be';
  return undefined;
}

/**
 * Reads up to `max + 1` bytes, so a file that grows while it is read is noticed without reading it all.
 * The bytes go into one buffer of the size `stat` gave (plus the byte that notices growth), grown only
 * when the file did: reading in chunks and joining them held the file's bytes twice.
 */
async function readAtMost(path: string, max: number, expected: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(Math.min(Math.max(expected + 1, 64 * 1024), max + 1));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > max) break;
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, max + 1));
        buffer.copy(bigger, 0, 0, total);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) break;
    }
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
}

/** The offset of the first byte that breaks UTF-8 (bad lead, bad continuation, overlong, surrogate, cut short). */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}

/** `line L, column C` (1-based, columns in characters) of a byte offset in UTF-8-ish bytes. */
function where(bytes: Buffer, offset: number): string {
  const before = bytes.subarray(0, offset).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (before.charCodeAt(i) === 10) line++;
  return `line ${line}, column ${[...before.slice(lineStart)].length + 1}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** For a path that is a symbolic link whose target does not exist, says so and where it points. */
async function brokenLinkMessage(path: string, error: unknown): Promise<string | undefined> {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return undefined;
  try {
    if (!(await lstat(path)).isSymbolicLink()) return undefined;
    return `is a symbolic link to ${JSON.stringify(await readlink(path))}, which does not exist`;
  } catch {
    return undefined;
  }
}

function readErrorMessage(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'file not found (a part of the path is not a directory)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'ELOOP':
      return 'is a symlink loop';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}
