/**
 * cURL export and import. Export (`export.ts`) writes one option per line in POSIX shell quoting; import
 * (`import.ts`) reads a pasted command into a new `*.webhook.json` file text, splitting it into words
 * (`shellWords.ts`) and reading the options curl has (`options.ts`).
 */
export { toCurl } from './export';
export { fromCurl, type FromCurlResult } from './import';
export { shellQuote, shellWords, type WordsResult } from './shellWords';
