/** Help texts of the `webhook-studio` command line. */

const COMMON = `Common options (validate, render, send):
  --sample S             a sample file path or a sample's "name"; default: the first
                         *.sample.json under the current directory, else the built-in sample
  --secret NAME=VALUE    a value for {{secrets.NAME}} (repeatable); wins over the environment
                         variable WEBHOOK_STUDIO_SECRET_NAME, which wins over --env-file
  --env-file F           a dotenv file with NAME=VALUE lines (or WEBHOOK_STUDIO_SECRET_NAME=VALUE)
  --escaping json|text   how templates enter the body: json (default) escapes values;
                         text pastes them unescaped, as some platforms do
  --array-separator S    joins array values; default ", "
  -h, --help             this help`;

const OAUTH = `OAuth 2.0 (auth type "oauth2", connection NAME; NAME upper-cased, other characters as "_"):
  stored token:          --secret OAUTH_NAME_TOKEN=…  or  WEBHOOK_STUDIO_OAUTH_NAME_TOKEN=…
  client credentials:    WEBHOOK_STUDIO_OAUTH_NAME_TOKEN_URL, WEBHOOK_STUDIO_OAUTH_NAME_CLIENT_ID,
                         WEBHOOK_STUDIO_OAUTH_NAME_SCOPES (space-separated), and the client secret
                         as --secret OAUTH_NAME_CLIENT_SECRET=… (or its environment/env-file forms)`;

/** Usage of each command, printed by `--help` and after a usage error; look a name from input up with `usageOf`. */
export const USAGE = {
  main: `webhook-studio — write, check and send Custom Webhook actions (*.webhook.json)

Usage:
  webhook-studio validate [globs…]              schema + lint; exit 1 when any error
  webhook-studio render <file> [--sample S] [--format http|json|curl] [--reveal-secrets]
  webhook-studio send <file> [--sample S] [--inbox] [--timeout MS] [--json] [--log FILE]
  webhook-studio inbox [--port N] [--status CODE] [--body TEXT] [--rules F] [--forward URL]
  webhook-studio replay <log file> [--id ID] [--to URL] [--inbox] [--edit FILE]
  webhook-studio demo [DIR]                     inbox + every example sent to it, printed

  webhook-studio <command> --help               options of a command
  webhook-studio --version

Exit codes: 0 ok; 1 validation errors, a non-2xx response or a send error;
2 usage errors, missing files, unreadable input.`,

  validate: `Usage: webhook-studio validate [globs…] [options]

Checks every matched action file against the schema and the lint rules, and every sample file
under the current directory. Default glob: **/*.webhook.json (node_modules, dist, out and hidden
directories are skipped, as in the extension; \\ escapes a glob character). Prints
"file:line:col severity code message" and a summary line.

Options:
  --json                 print one JSON object instead of lines
${COMMON}`,

  render: `Usage: webhook-studio render <file> [options]

Prints the exact request the action renders to; secrets are masked (••••••) unless
--reveal-secrets is given. Exit 1 when the action has errors (the request is printed anyway).

Options:
  --format http|json|curl  http (default): the request as HTTP/1.1 text; json: one object
                           {method,url,headers,body,unresolved,diagnostics}; curl: a cURL command
  --reveal-secrets         print secret values instead of the mask
${COMMON}

${OAUTH}`,

  send: `Usage: webhook-studio send <file> [options]

Renders the action and sends it. Prints status, outcome, timings, headers and the body preview.
Exit 0 on a 2xx response, 1 on any other status, a refused request or a network error.
HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.

Options:
  --inbox                send to a local inbox instead (only the origin is replaced) and print
                         the request as it was received
  --timeout MS           overall deadline in milliseconds; default 30000
  --json                 print the execution record as JSON
  --log FILE             append the execution record (secrets masked) to FILE as a JSON line
${COMMON}

${OAUTH}`,

  inbox: `Usage: webhook-studio inbox [options]

Starts a capture server on 127.0.0.1, prints its URL, then every request it receives exactly
as received and the rule that answered it, until Ctrl+C. Requests made by web pages (with an
Origin or Sec-Fetch-Site header) are refused with 403 and not kept.

Options:
  --port N               port to listen on; default: any free port
  --status CODE          status of the default answer (200–599); default 200
  --body TEXT            body of the default answer; default {"ok":true}
  --rules F              answer by the rules of F (a *.inbox.json file): each rule matches
                         method, path glob, headers and body paths, and answers with a status,
                         headers, a body (templates such as {{request.body.email}}) and a delay;
                         --status and --body then replace the file's default answer
  --forward URL          pass every request on to the receiver at URL (its path prefix, then
                         the request's path and query) and print what it answered; bodies over
                         the inbox's cap are not passed on, each forward times out after 30 s
  -h, --help             this help`,

  replay: `Usage: webhook-studio replay <log file> [options]

Sends a recorded request again, exactly as recorded (transport headers such as Host aside),
with its secrets read again from --secret, the environment or --env-file: the log holds only
masks. The log file is what send --log writes; the newest record unless --id is given.
Exit 0 on a 2xx response, 1 on any other status, a refused request or a network error.

Options:
  --id ID                the record to replay (its id, or the start of it)
  --to URL               send to this origin instead (e.g. http://localhost:3000); the recorded
                         path and query are kept
  --inbox                send to a local inbox instead and print the request as received,
                         compared with the record
  --edit FILE            write the record as an action file to edit (secrets as
                         {{secrets.NAME}}), then send it with webhook-studio send FILE;
                         an existing FILE is never overwritten
  --timeout MS           overall deadline in milliseconds; default 30000
  --json                 print the new execution record as JSON
  --log FILE             append the new execution record (secrets masked) to FILE
  --secret NAME=VALUE    a secret value (repeatable), as for send
  --env-file F           a dotenv file with secret values, as for send
  -h, --help             this help`,

  demo: `Usage: webhook-studio demo [DIR]

Starts a local inbox, sends every DIR/*.webhook.json (default: the examples shipped with the
package) to it with fixed demo secrets, and prints for each the intended request, the request as
received and the response. Exit 0 when every capture matches its request byte for byte.

Options:
  -h, --help             this help`,
};

/** The usage text of a command or help topic given on the command line; only the table's own entries count (`help constructor` is no topic). */
export function usageOf(topic: string): string | undefined {
  return Object.hasOwn(USAGE, topic) ? (USAGE as Record<string, string>)[topic] : undefined;
}
