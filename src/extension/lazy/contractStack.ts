/**
 * The contract stack, bundled as its own file (`dist/contractStack.js`) and required the first time an open action has
 * a `"contract"`: the OpenAPI parser and the JSON Schema validator stay out of the code loaded at activation.
 */
export * from '../../core/contract/stack';
