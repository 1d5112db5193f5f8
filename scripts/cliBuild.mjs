// The esbuild options of the `webhook-studio` CLI, shared by esbuild.mjs and the CLI tests.
import { chmod } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leanSwaggerParser } from './leanSwaggerParser.mjs';

/**
 * The CLI as one small dispatcher, `dist/cli.js`, plus one file per command, `dist/cli-<command>.js`, of which
 * the dispatcher loads the one for the command it runs: `--version` loads none, `render` and `validate` not
 * undici, `send` not the schema validators. `src/cli/cli.ts` imports each command module lazily
 * (`import('./send.js')`); in the bundle each such import loads the command's own file through
 * src/cli/lazy/bundleFiles.ts, which keeps V8's code cache of it. undici is one more file,
 * `dist/cli-undici.js` (only the parts the core uses, see src/core/http/undiciParts.ts), loaded the same way by the
 * commands that send (and by a token request, should `render` ever make one). The contract stack (the OpenAPI parser and
 * the schema validator) is `dist/cli-contract.js`, loaded the same way only for actions that have a `"contract"`; ajv's
 * compiler of `expect.schema` is `dist/cli-response-schema.js`, loaded only for actions whose `expect` has a schema.
 * Its own module so tests can build the CLI into a folder of their own.
 * @param {import('esbuild').BuildOptions} options common options and the output folder
 * @returns {import('esbuild').BuildOptions}
 */
export function cliBuild(options) {
  const commands = ['validate', 'render', 'send', 'inbox', 'demo', 'importCurl', 'diff', 'run', 'test', 'scaffold', 'replay'];
  /** @type {import('esbuild').Plugin} */
  const commandFiles = {
    name: 'cli-command-files',
    setup(build) {
      const pattern = new RegExp(`^\\./(${commands.join('|')})\\.js$`);
      build.onResolve({ filter: pattern }, (args) => {
        if (!/[\\/]src[\\/]cli[\\/]cli\.ts$/.test(args.importer)) return undefined;
        return { path: `cli-${pattern.exec(args.path)[1]}.js`, namespace: 'cli-file' };
      });
      build.onResolve({ filter: /^undici$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: 'cli-undici.js', namespace: 'cli-file' }));
      // The OpenAPI parser and the schema validator of contracts: loaded only for actions that name a contract.
      build.onResolve({ filter: /^\.\.\/core\/contract\/stack\.js$/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: 'cli-contract.js', namespace: 'cli-file' } : undefined,
      );
      // ajv's compiler of `expect.schema`: loaded only for actions whose expect has a schema.
      build.onResolve({ filter: /^\.\.\/core\/responseSchema\.js$/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: 'cli-response-schema.js', namespace: 'cli-file' } : undefined,
      );
      // Each of those imports becomes a load of that file through src/cli/lazy/bundleFiles.ts (V8's code cache).
      build.onLoad({ filter: /.*/, namespace: 'cli-file' }, (args) => ({
        contents: `module.exports = require('./src/cli/lazy/bundleFiles.ts').loadBundleFile(${JSON.stringify(args.path)});\n`,
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'js',
      }));
      // undici's HTTP/1.1-or-2 client requires its HTTP/2 half up front, and with it node:http2, node:tls and
      // node:crypto, which together cost more start-up time than the rest of undici. The CLI's requests speak
      // HTTP/1.1 unless a server offers h2: the HTTP/2 half is required on the first HTTP/2 connection instead.
      build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
        /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(args.importer) ? { path: 'undici-client-h2', namespace: 'cli-lazy' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'cli-lazy' }, () => ({
        contents:
          "let connectH2;\nmodule.exports = function (...args) {\n  connectH2 ??= require('undici/lib/dispatcher/client-h2.js');\n  return connectH2.apply(this, args);\n};\n",
        resolveDir: fileURLToPath(new URL('..', import.meta.url)),
        loader: 'js',
      }));
    },
  };
  // dist/cli.js runs as a program of its own (npm's bin link, `./dist/cli.js`): executable, like the link npm makes.
  /** @type {import('esbuild').Plugin} */
  const executable = {
    name: 'cli-executable',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0 && options.outdir) await chmod(resolve(build.initialOptions.absWorkingDir ?? '.', options.outdir, 'cli.js'), 0o755);
      });
    },
  };
  return {
    absWorkingDir: fileURLToPath(new URL('..', import.meta.url)),
    ...options,
    entryPoints: {
      cli: 'src/cli/main.ts',
      ...Object.fromEntries(commands.map((c) => [`cli-${c}`, `src/cli/${c}.ts`])),
      'cli-undici': 'src/core/http/undiciParts.ts',
      'cli-contract': 'src/core/contract/stack.ts',
      'cli-response-schema': 'src/core/responseSchema.ts',
    },
    bundle: true,
    // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ESM build bundles cleanly.
    mainFields: ['module', 'main'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // What `import()` is left becomes a plain `require()`: no ES module loader at start.
    supported: { 'dynamic-import': false },
    plugins: [commandFiles, executable, leanSwaggerParser],
    // `--` ends Node's own options: Node 20 reads `--env-file` anywhere on its command line, even after the
    // script, so without it `webhook-studio render a.webhook.json --env-file F` had Node read F (a missing F made
    // Node exit before the CLI ran, /dev/urandom made it read forever) instead of the CLI's own option.
    banner: { js: '#!/usr/bin/env -S node --' },
  };
}
