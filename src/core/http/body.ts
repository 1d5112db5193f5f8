import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { BODY_DECODE_CODE } from './errors';

/** A response body as kept: at most the cap of decoded bytes. */
export interface BodyRead {
  readonly body: Uint8Array;
  readonly size: number;
  readonly truncated: boolean;
}

/** A response body stream that can also be read whole (undici's body). */
export interface BodyStream extends Readable {
  bytes(): Promise<Uint8Array>;
}

// Bodies up to this size with a known length are read whole; larger ones stream, with progress.
const WHOLE_READ_MAX = 256 * 1024;
const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br']);
// Bounds what zlib may buffer at once, so a tiny compressed chunk cannot turn into a large allocation.
const ZLIB_OPTIONS = { chunkSize: 64 * 1024 };

/**
 * The content codings to undo, in the order to undo them, or undefined when the body is to be kept as is
 * (no coding, or one this sender cannot decode).
 */
export function decodingsFor(contentEncoding: string | undefined): string[] | undefined {
  if (!contentEncoding) return undefined;
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c.length > 0 && c !== 'identity');
  if (codings.length === 0 || !codings.every((c) => DECODABLE.has(c))) return undefined;
  return codings.reverse();
}

function decodeError(encoding: string, cause: unknown): Error {
  return Object.assign(new Error(`cannot decode ${encoding} body`), { code: BODY_DECODE_CODE, encoding, cause });
}

function prematureClose(): Error {
  return Object.assign(new Error('the response body closed before its end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Waits until the stream has data, ends or fails; removes its listeners either way. */
function readableOrEnd(stream: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error): void => {
      stream.off('readable', onReady);
      stream.off('end', onReady);
      stream.off('error', settle);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReady = (): void => settle();
    const onClose = (): void => settle(prematureClose());
    stream.on('readable', onReady);
    stream.on('end', onReady);
    stream.on('error', settle);
    stream.on('close', onClose);
  });
}

/** Reads the first chunk of a stream without consuming it; null when the stream ends empty. */
async function peek(stream: Readable): Promise<Buffer | null> {
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      stream.unshift(chunk);
      return chunk;
    }
    if (stream.readableEnded) return null;
    await readableOrEnd(stream);
  }
}

function decoderFor(encoding: string, first: Buffer): Transform {
  if (encoding === 'br') return createBrotliDecompress({ ...ZLIB_OPTIONS, flush: constants.BROTLI_OPERATION_FLUSH });
  if (encoding === 'deflate') {
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate; the zlib header tells them apart.
    const zlibWrapped = first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;
    return zlibWrapped ? createInflate(ZLIB_OPTIONS) : createInflateRaw(ZLIB_OPTIONS);
  }
  return createGunzip(ZLIB_OPTIONS);
}

/** Reads a stream in flowing mode up to `cap` bytes; stops reading (and resolves) as soon as the cap is passed. */
function collect(stream: Readable, cap: number, onProgress?: (receivedBytes: number) => void): Promise<BodyRead> {
  return new Promise<BodyRead>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const finish = (truncated: boolean): void => {
      detach();
      if (truncated) stream.pause();
      resolve({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), size, truncated });
    };
    const onData = (chunk: Buffer): void => {
      const room = cap - size;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size = cap;
        onProgress?.(size);
        finish(true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
      onProgress?.(size);
    };
    const onEnd = (): void => finish(false);
    const onError = (err: unknown): void => {
      detach();
      reject(err);
    };
    // A stream destroyed without an error ends with 'close' alone; without this the read would never settle.
    const onClose = (): void => onError(prematureClose());
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Reads a response body with a cap on the decoded bytes kept. Past the cap it stops reading and destroys the
 * streams (which aborts the response), so memory stays flat whatever the response size or compression ratio.
 */
export async function readCappedBody(
  source: BodyStream,
  decodings: readonly string[] | undefined,
  cap: number,
  onProgress?: (receivedBytes: number) => void,
  contentLength?: number,
): Promise<BodyRead> {
  if (decodings === undefined && contentLength !== undefined && contentLength <= Math.min(cap, WHOLE_READ_MAX)) {
    // A small body of known length fits the cap by construction (the client enforces Content-Length), so the
    // client's own whole-body read is both safe and the cheapest path.
    const body = await source.bytes();
    onProgress?.(body.length);
    return { body, size: body.length, truncated: false };
  }
  let sourceError: unknown;
  // Kept attached: destroying an unfinished body emits an abort error that must not go unhandled.
  source.on('error', (err) => (sourceError ??= err));
  let stream: Readable = source;
  const streams: Readable[] = [source];
  try {
    for (const encoding of decodings ?? []) {
      const first = await peek(stream);
      if (first === null) return { body: new Uint8Array(0), size: 0, truncated: false };
      const decoder = decoderFor(encoding, first);
      const input = stream;
      decoder.on('error', (err) => (sourceError ??= decodeError(encoding, err)));
      stream = pipeline(input, decoder, () => undefined);
      streams.push(stream);
    }
    return await collect(stream, cap, onProgress);
  } catch (err) {
    throw sourceError ?? err;
  } finally {
    for (const s of streams) if (!s.destroyed) s.destroy();
  }
}
