/** The HTTP sender: puts rendered requests on the wire and classifies what comes back. */
export { HttpSender, classifyStatus, redirectedRequest, DEFAULT_MAX_BODY_BYTES } from './sender';
export type { SenderConfig, SendOptions, PrivateAddressPolicy } from './sender';
export { proxyFromEnv, bypassesProxy, parseNoProxy } from './proxy';
export type { ProxyConfig } from './proxy';
export { isPrivateAddress, isPrivateHost } from './privateNetwork';
