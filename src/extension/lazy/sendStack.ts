/**
 * The sending stack, bundled as its own file (`dist/sendStack.js`) and required on the first send, so
 * undici and what depends on it are not loaded at activation.
 */
export { HttpSender } from '../../core/http/sender';
export { buildRecord, JsonLinesLog } from '../../core/executionLog';
export { OAuthTokens, shouldRefreshOn } from '../../core/oauth';
