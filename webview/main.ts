/** Entry of the preview panel's browser bundle: registers the UI components used, then starts the panel. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import './panel.css';
import { startPanel } from './panel';
import { connectHost } from './vscodeApi';

const root = document.getElementById('app');
if (root) startPanel(root, connectHost());
