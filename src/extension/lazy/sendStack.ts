/**
 * The sending stack, bundled as its own file (`dist/sendStack.js`) and required on the first send, so
 * undici and what depends on it are not loaded at activation. The send pipeline itself, the record
 * and the log live in `dist/extension.js`; this file holds only the HTTP client, the OAuth client, the JSON Schema compiler of `expect.schema` and the
 * CSV reader of *Import Samples from CSV…*.
 */
export { HttpSender } from '../../core/http/sender';
export { OAuthTokens } from '../../core/oauth';
export { compileResponseSchema } from '../../core/responseSchema';
export { columnTarget, csvHeader, csvSamples, CsvSampleError, mappingProblem } from '../../core/csvSamples';
