/**
 * Reading OpenAPI documents (docs/architecture.md, "Contracts"): JSON or YAML, OpenAPI 3.0/3.1 or Swagger 2.0, with
 * `$ref`s across files, bundled by @apidevtools/swagger-parser into one object with internal `$ref`s only. A local read
 * never touches the network: a `$ref` to a URL is an error there, and a URL document is fetched only by
 * `fetchContract`, which writes the bundled document to a cache file that later reads use.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { isPrivateHost } from '../http/privateNetwork';
import { readTextFile } from '../textFile';
import { readContractDocument, type ContractDocument } from './model';

/** A document read, with every file it was read from (the editor watches them). */
export type LoadResult =
  { readonly ok: true; readonly doc: ContractDocument; readonly files: readonly string[] } | { readonly ok: false; readonly error: string };

/** Reads and bundles a local document. Never throws; the message names the file (and line, for YAML). */
export async function loadContractFile(path: string): Promise<LoadResult> {
  const read = await readTextFile(path);
  if (!read.ok) return { ok: false, error: `${path}: ${read.error}` };
  const parser = new SwaggerParser();
  try {
    const bundled: unknown = await parser.bundle(path, { resolve: { http: false } } as SwaggerParser.Options);
    const doc = readContractDocument(bundled);
    if (!doc.ok) return { ok: false, error: `${path}: ${doc.error}` };
    return { ok: true, doc: doc.doc, files: parser.$refs.paths('file') };
  } catch (error) {
    return { ok: false, error: parserMessage(error) };
  }
}

/** Reads an already parsed document object (tests, benchmarks, and the cache of a fetched one). */
export async function loadContractObject(api: object): Promise<LoadResult> {
  try {
    const bundled: unknown = await new SwaggerParser().bundle(
      structuredClone(api) as never,
      { resolve: { http: false, file: false } } as SwaggerParser.Options,
    );
    const doc = readContractDocument(bundled);
    return doc.ok ? { ok: true, doc: doc.doc, files: [] } : { ok: false, error: doc.error };
  } catch (error) {
    return { ok: false, error: parserMessage(error) };
  }
}

/** The cache file of a URL's document inside a cache folder. */
export function contractCacheFile(cacheDir: string, url: string): string {
  return `${cacheDir}/${createHash('sha256').update(url).digest('hex').slice(0, 32)}.json`;
}

/**
 * Fetches a document by URL (and the `$ref`s it makes to other URLs), bundles it and writes it to `cacheFile` as JSON,
 * replacing the file only once the whole document was read. Only on the user's request: a command, `--fetch-contracts`.
 */
export async function fetchContract(url: string, cacheFile: string): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    // The parser refuses local and private hosts unless told otherwise. A document the user named on such a host is
    // theirs to fetch; a public document still may not make it reach into the local network through its `$ref`s.
    const safeUrlResolver = !isLocalUrl(url);
    const bundled: unknown = await new SwaggerParser().bundle(url, {
      resolve: { file: false, http: { timeout: 30_000, safeUrlResolver } },
    } as SwaggerParser.Options);
    const doc = readContractDocument(bundled);
    if (!doc.ok) return { ok: false, error: `${url}: ${doc.error}` };
    await mkdir(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(bundled));
    await rename(tmp, cacheFile);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: parserMessage(error) };
  }
}

/** True for a URL on a loopback, private or link-local host (by name or literal address). */
function isLocalUrl(url: string): boolean {
  try {
    return isPrivateHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The parser's message, on one line, without a stack. */
function parserMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? 'the document could not be read').trim();
  return line.replace('[object Object]', 'the document').replace(/is not a valid Openapi API definition/i, 'is not a valid OpenAPI or Swagger document');
}
