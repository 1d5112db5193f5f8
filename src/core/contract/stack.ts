/**
 * What reading and checking a contract needs that the rest does not: the OpenAPI parser and the JSON Schema validator.
 * The faces load it only for actions that have a `"contract"` block (the CLI as `dist/cli-contract.js`, the editor as
 * `dist/contractStack.js`), so neither start pays for it.
 */
export { contractCheck, contractProblem, type ContractCheck } from './check';
export { contractCacheFile, fetchContract, loadContractFile, loadContractObject, type LoadResult } from './load';
