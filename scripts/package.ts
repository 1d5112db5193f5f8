// `npm run package`: a production build packed into a `.vsix` with `vsce` (dependencies are bundled, so
// `--no-dependencies`), then the archive's file list and sizes printed and checked against what an installed
// extension needs: every file of the list below is inside, and nothing else.
// Usage: node --import tsx scripts/package.ts [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import yauzl from 'yauzl';
import { repoRoot } from './vscodeServer';
import type { Result } from './vscodeServer';

/** One file of a zip archive, from its central directory. */
export interface ZipEntry {
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** Size inside the archive in bytes. */
  compressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Opens a zip archive held in memory, with entries read one at a time. */
async function openZip(zip: Buffer): Promise<Result<yauzl.ZipFile>> {
  try {
    return { ok: true, value: await yauzl.fromBufferPromise(zip, { lazyEntries: true, strictFileNames: true }) };
  } catch (error) {
    return { ok: false, error: `not a zip archive: ${messageOf(error)}` };
  }
}

/** Lists the entries of a zip archive (a VSIX is one) from its central directory. */
export async function readZipEntries(zip: Buffer): Promise<Result<ZipEntry[]>> {
  const opened = await openZip(zip);
  if (!opened.ok) return opened;
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of opened.value.eachEntry()) {
      entries.push({ name: entry.fileName, size: entry.uncompressedSize, compressedSize: entry.compressedSize, method: entry.compressionMethod });
    }
  } catch (error) {
    return { ok: false, error: `corrupt zip archive: ${messageOf(error)}` };
  } finally {
    opened.value.close();
  }
  return { ok: true, value: entries };
}

/** The uncompressed bytes of the entry named `name` of a zip archive. */
export async function readZipFile(zip: Buffer, name: string): Promise<Result<Buffer>> {
  const opened = await openZip(zip);
  if (!opened.ok) return opened;
  const file = opened.value;
  try {
    for await (const entry of file.eachEntry()) {
      if (entry.fileName !== name) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await file.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      return { ok: true, value: Buffer.concat(chunks) };
    }
    return { ok: false, error: `${name}: not in the archive` };
  } catch (error) {
    return { ok: false, error: `${name}: ${messageOf(error)}` };
  } finally {
    file.close();
  }
}

/** Files every VSIX of this extension must hold, by their path inside the archive. */
export const requiredVsixFiles: readonly string[] = [
  'extension.vsixmanifest',
  '[Content_Types].xml',
  'extension/package.json',
  'extension/package.nls.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/sendStack.js',
  'extension/dist/contractStack.js',
  'extension/dist/webview.js',
  'extension/dist/webview.css',
  'extension/dist/codicon.css',
  'extension/dist/codicon.ttf',
  'extension/schemas/webhook-action.schema.json',
  'extension/schemas/webhook-sample.schema.json',
  'extension/media/icon.png',
];

/** Files a VSIX may hold besides the required ones: the walkthrough's pages and pictures. */
export const optionalVsixFiles: readonly RegExp[] = [/^extension\/media\/walkthrough\/[a-z0-9-]+\.(md|png|svg)$/];

/** What a VSIX's file list lacks and what it holds that it should not. */
export interface VsixCheck {
  missing: string[];
  unexpected: string[];
}

/** Compares the paths inside a VSIX with the required and optional files. */
export function checkVsixEntries(names: readonly string[]): VsixCheck {
  const present = new Set(names);
  const required = new Set(requiredVsixFiles);
  return {
    missing: requiredVsixFiles.filter((name) => !present.has(name)),
    unexpected: names.filter((name) => !name.endsWith('/') && !required.has(name) && !optionalVsixFiles.some((re) => re.test(name))),
  };
}

/** The file name `vsce` gives the package by default: `<name>-<version>.vsix` in the repository root. */
export function defaultVsixPath(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
}

/** Runs `vsce package` (whose `vscode:prepublish` makes the production build) into `outFile`. */
export function packVsix(outFile: string): Result<string> {
  mkdirSync(dirname(outFile), { recursive: true });
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const res = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', outFile], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) return { ok: false, error: `vsce package failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`})` };
  return { ok: true, value: outFile };
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** Prints the archive's files with their sizes; fails when a file is missing or one is there that should not be. */
export async function inspectVsix(file: string): Promise<Result<{ entries: ZipEntry[]; bytes: number }>> {
  const zip = readFileSync(file);
  const listed = await readZipEntries(zip);
  if (!listed.ok) return listed;
  const entries = listed.value;
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const e of entries) console.log(`  ${e.name.padEnd(width)}  ${kib(e.size).padStart(10)}`);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  const shown = relative(process.cwd(), file);
  console.log(`${shown && !shown.startsWith('..') ? shown : file}: ${entries.length} files, ${kib(statSync(file).size)} (${kib(unpacked)} unpacked)`);
  const check = checkVsixEntries(entries.map((e) => e.name));
  const problems = [...check.missing.map((name) => `missing: ${name}`), ...check.unexpected.map((name) => `should not be packaged: ${name}`)];
  if (problems.length > 0) return { ok: false, error: `the VSIX is not as it should be (fix .vscodeignore or the build):\n  ${problems.join('\n  ')}` };
  return { ok: true, value: { entries, bytes: statSync(file).size } };
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

if (require.main === module) {
  const out = resolve(option(process.argv.slice(2), '--out') ?? defaultVsixPath());
  const packed = packVsix(out);
  void (packed.ok ? inspectVsix(out) : Promise.resolve(packed)).then((inspected) => {
    if (!inspected.ok) {
      console.error(inspected.error);
      process.exit(1);
    }
  });
}
