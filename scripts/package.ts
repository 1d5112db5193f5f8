// `npm run package`: a production build packed into a `.vsix` with `vsce` (dependencies are bundled, so
// `--no-dependencies`), then the archive's file list and sizes printed and checked against what an installed
// extension needs: every file of the list below is inside, and nothing else.
// Usage: node --import tsx scripts/package.ts [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
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
  /** Offset of the entry's local header. */
  offset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Lists the entries of a zip archive (a VSIX is one) from its central directory. */
export function readZipEntries(zip: Buffer): Result<ZipEntry[]> {
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KiB.
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return { ok: false, error: 'not a zip archive: no end-of-central-directory record' };
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) return { ok: false, error: `corrupt central directory at entry ${i}` };
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, value: entries };
}

/** The uncompressed bytes of one entry of a zip archive. */
export function readZipFile(zip: Buffer, entry: ZipEntry): Result<Buffer> {
  if (zip.readUInt32LE(entry.offset) !== LOCAL_SIGNATURE) return { ok: false, error: `no local header for ${entry.name}` };
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return { ok: true, value: Buffer.from(raw) };
  if (entry.method === 8) return { ok: true, value: inflateRawSync(raw) };
  return { ok: false, error: `${entry.name}: unsupported compression method ${entry.method}` };
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
export function inspectVsix(file: string): Result<{ entries: ZipEntry[]; bytes: number }> {
  const zip = readFileSync(file);
  const listed = readZipEntries(zip);
  if (!listed.ok) return listed;
  const entries = listed.value;
  const width = Math.max(...entries.map((e) => e.name.length));
  for (const e of entries) console.log(`  ${e.name.padEnd(width)}  ${kib(e.size).padStart(10)}`);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  const shown = relative(process.cwd(), file);
  console.log(`${shown && !shown.startsWith('..') ? shown : file}: ${entries.length} files, ${kib(statSync(file).size)} (${kib(unpacked)} unpacked)`);
  const check = checkVsixEntries(entries.map((e) => e.name));
  const problems = [
    ...check.missing.map((name) => `missing: ${name}`),
    ...check.unexpected.map((name) => `should not be packaged: ${name}`),
  ];
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
  const inspected = packed.ok ? inspectVsix(out) : packed;
  if (!inspected.ok) {
    console.error(inspected.error);
    process.exit(1);
  }
}
