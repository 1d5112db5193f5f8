/** The HTTP sender: puts rendered requests on the wire and classifies what comes back. */
export { HttpSender, classifyStatus, redirectedRequest, DEFAULT_MAX_BODY_BYTES } from './sender';
export type { SenderConfig, SendOptions, PrivateAddressPolicy } from './sender';
export { proxyFromEnv, proxyFor, proxyUrl, bypassesProxy, parseNoProxy } from './proxy';
export { ProxyRoutes } from './proxyRoute';
export type { ProxyAgentOptions, ProxyRoute } from './proxyRoute';
export type { ProxyConfig } from './proxy';
export { isPrivateAddress, isPrivateHost } from './privateNetwork';
