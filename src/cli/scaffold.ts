/** `webhook-studio scaffold --openapi DOC --operation ID`: writes a new action for an OpenAPI operation. */
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isContractUrl } from '../core/contract/link';
import { scaffoldAction } from '../core/contract/scaffold';
import { escapeForTerminal } from '../core/text';
import { parseCommandArgs } from './args';
import { CliContracts, contractCacheDir } from './contracts';
import type { CliIo } from './io';
import { shownPath, UsageError } from './session';
import { USAGE } from './usage';

/** Runs `scaffold`; resolves with the exit code. */
export async function runScaffold(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      openapi: { type: 'string' },
      operation: { type: 'string' },
      out: { type: 'string' },
      'fetch-contracts': { type: 'boolean' },
      'contract-cache': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.out(`${USAGE['scaffold']}\n`);
    return 0;
  }
  if (values.openapi === undefined) throw new UsageError('--openapi DOC is required', true);
  if (values.operation === undefined) throw new UsageError('--operation ID is required', true);
  const location = values.openapi;
  const url = isContractUrl(location);
  const out = resolve(io.cwd, values.out ?? `${values.operation.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'action'}.webhook.json`);
  if (!out.endsWith('.webhook.json')) throw new UsageError(`--out must name a *.webhook.json file, not ${escapeForTerminal(values.out ?? '')}`);

  const contracts = new CliContracts(contractCacheDir(values['contract-cache'], io.env, io.cwd), values['fetch-contracts'] === true);
  // Relative paths are the user's, from the working directory; the action refers to the document from its own folder.
  const docPath = url ? location : resolve(io.cwd, location);
  const loaded = await contracts.documentFor(resolve(io.cwd, 'scaffold.webhook.json'), docPath);
  if (!loaded.ok) {
    io.err(`webhook-studio: ${escapeForTerminal(loaded.error)}\n`);
    return 2;
  }
  const written = url ? location : relative(dirname(out), docPath).split('\\').join('/');
  const result = scaffoldAction(loaded.doc, values.operation, written);
  if (!result.ok) {
    io.err(`webhook-studio: ${escapeForTerminal(result.error)}\n`);
    return 2;
  }
  try {
    // `wx`: an existing file is never overwritten.
    await writeFile(out, result.text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' ? 'it exists; nothing was written (choose another --out)' : escapeForTerminal(error instanceof Error ? error.message : String(error));
    io.err(`webhook-studio: cannot write ${shownPath(out, io.cwd)}: ${why}\n`);
    return 2;
  }
  io.out(
    `wrote ${shownPath(out, io.cwd)} for operation ${escapeForTerminal(values.operation)}; check it with: webhook-studio validate ${shownPath(out, io.cwd)}\n`,
  );
  return 0;
}
