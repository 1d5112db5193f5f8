// ESLint for the whole project: typed rules for every TypeScript file, and the layer rules of
// docs/architecture.md as per-folder import restrictions.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Relative specifiers are matched as written: `(\.\./)+` climbs out of the importing folder, so
// `../extension/x` from src/core and `../../extension/x` from src/core/http both match.
const up = String.raw`^(\.\./)+`;
const vscode = { name: 'vscode', message: 'Only src/extension may import the VS Code API.' };
const webview = { regex: `${up}webview(/|$)`, message: 'webview/ is the browser bundle; nothing in src imports it.' };
const into = (folders, message) => ({ regex: `${up}(src/)?(${folders.join('|')})(/|$)`, message });

/** `import(...)` is not an import declaration: the same restrictions as selectors (a slash inside a selector's regex is written \x2f). */
const dynamicImports = (paths, patterns) => [
  ...paths.map(({ name, message }) => ({ selector: `ImportExpression[source.value='${name}']`, message })),
  ...patterns.map(({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', String.raw`\x2f`)}/]`, message })),
];

/** One folder's import restrictions, for static imports and re-exports and for `import(...)`. */
const layer = (files, paths, patterns, rules = {}) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
    'no-restricted-syntax': ['error', ...dynamicImports(paths, patterns)],
    ...rules,
  },
});

export default defineConfig(
  {
    ignores: [
      'dist/',
      'out/',
      'node_modules/',
      '.vscode-test/',
      'test-results/',
      'test/fixtures/',
      'src/core/schemaValidators.generated.ts',
      'src/core/inboxSchemaValidator.generated.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Each file is checked with the nearest tsconfig.json: webview/tsconfig.json for the browser bundle,
        // the root one for everything else; the config files themselves get a default program.
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits; a subtest (t.test) still needs await.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: true }],
      // tsc's noUnusedLocals/noUnusedParameters already report these, with the same `_` convention.
      '@typescript-eslint/no-unused-vars': 'off',
      // A caught error or a stream's `error` argument is `unknown`; handing it on to reject() unchanged is right.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // The sanitisers strip control characters on purpose: a regex naming them is the point, not a typo.
      'no-control-regex': 'off',
      // An async function without await is how a synchronous throw becomes a rejection; not a bug.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests assert on parsed JSON (CLI output, captured requests): `any` there is checked by the assertions.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // The node:test allowance above also covers TestContext#test, whose promise must be awaited: an
      // unawaited subtest is cancelled when its parent ends.
      'no-restricted-syntax': [
        'error',
        { selector: "ExpressionStatement > CallExpression[callee.type='MemberExpression'][callee.property.name='test']", message: 'Await the subtest.' },
      ],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },

  // Layers (docs/architecture.md). `require()` of any module is already refused by
  // @typescript-eslint/no-require-imports outside the one lazy loader that needs it.
  layer(
    ['src/core/**/*.ts'],
    [{ ...vscode, message: 'src/core is pure: it must not import the VS Code API.' }],
    [into(['extension', 'cli', 'protocol'], 'src/core must not import the adapters (src/extension, src/cli) or src/protocol.'), webview],
    // No DOM types in core either: the browser bundle has its own tsconfig.
    { '@typescript-eslint/triple-slash-reference': ['error', { lib: 'never', path: 'never', types: 'prefer-import' }] },
  ),
  layer(['src/cli/**/*.ts'], [vscode], [into(['extension'], 'src/cli must not import src/extension.'), webview]),
  layer(
    ['src/protocol/**/*.ts'],
    [vscode],
    [into(['extension', 'cli'], 'src/protocol is shared with the webview: it must not import src/extension or src/cli.'), webview],
  ),
  layer(['src/extension/**/*.ts'], [], [into(['cli'], 'src/extension must not import src/cli; shared code belongs in src/core.'), webview]),
  layer(
    ['webview/**/*.ts'],
    [{ ...vscode, message: 'The webview runs in a browser: it must not import the VS Code API.' }],
    [
      { regex: String.raw`^\.\./src/(core|extension|cli)(/|$)`, message: 'webview/ may import only src/protocol from the source tree.' },
      {
        // Anything else outside its own folder, src/protocol and its UI libraries (node builtins included).
        regex: String.raw`^(?!\./|\.\./src/(protocol|core|extension|cli)/|@vscode-elements/elements(/|$)|@vscode/codicons(/|$)|vscode$)`,
        message: 'webview/ may import only its own files, src/protocol and its UI libraries (@vscode-elements/elements, @vscode/codicons).',
      },
    ],
  ),
);
