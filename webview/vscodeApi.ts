/** The host bridge of a VS Code webview, typed with the panel protocol. */
import type { PanelState, WebviewToHost } from '../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The bridge to the extension host: posts protocol messages and persists the panel state. */
export interface HostBridge {
  post(message: WebviewToHost): void;
  saveState(state: PanelState): void;
  loadState(): unknown;
}

/** Acquires the VS Code API once (it may be acquired only once per page). */
export function connectHost(): HostBridge {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    saveState: (state) => api.setState(state),
    loadState: () => api.getState(),
  };
}
