// Builds the bundles: the extension host entry (and its lazily loaded send stack), the webview script and
// the CLI (a dispatcher and one file per command, see scripts/cliBuild.mjs).
// `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { rm } from 'node:fs/promises';
import { cliBuild } from './scripts/cliBuild.mjs';
import { leanSwaggerParser } from './scripts/leanSwaggerParser.mjs';
import { GENERATED_PATH, writeSchemaValidators } from './scripts/schemaValidators.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

/** Resolves every `undici` import but the one inside undiciParts.ts itself to src/core/http/undiciParts.ts. */
/** @type {import('esbuild').Plugin} */
const undiciParts = {
  name: 'undici-parts',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) =>
      /[\\/]undiciParts\.ts$/.test(args.importer) ? undefined : { path: fileURLToPath(new URL('src/core/http/undiciParts.ts', import.meta.url)) },
    );
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    // The send stack (undici and what needs it) is its own entry: the extension requires it at run time on
    // the first send, so it stays out of the code loaded at activation.
    // The contract stack (the OpenAPI parser and the schema validator) likewise, required for the first action with a
    // "contract".
    entryPoints: {
      extension: 'src/extension/extension.ts',
      sendStack: 'src/extension/lazy/sendStack.ts',
      contractStack: 'src/extension/lazy/contractStack.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // `undici` is only the parts of it the core uses (src/core/http/undiciParts.ts), as in the CLI.
    plugins: [undiciParts, leanSwaggerParser],
  },
  cliBuild({ ...common, outdir: 'dist' }),
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.ttf': 'file' },
  },
  {
    // The codicon stylesheet and font, emitted into dist/: the webview may load only from there.
    ...common,
    sourcemap: false,
    entryPoints: { codicon: 'node_modules/@vscode/codicons/dist/codicon.css' },
    outdir: 'dist',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
];

// `--tests` builds only the integration tests the extension host loads: one CommonJS file per suite file,
// so the test index can pick a suite folder at run time.
if (process.argv.includes('--tests')) {
  await rm('out/test/integration', { recursive: true, force: true });
  await esbuild.build({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: ['test/integration/index.ts', 'test/integration/**/*.test.ts'],
    outbase: '.',
    outdir: 'out',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
  process.exit(0);
}

// The schema validators are compiled ahead of time into a source module; a schema change shows up here.
if (writeSchemaValidators()) console.log(`${GENERATED_PATH} regenerated from the schemas`);

if (!watch) await rm('dist', { recursive: true, force: true });
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
