/** Help texts of the `webhook-studio` command line. */

/** Sends `test` makes at once by default: enough to keep a receiver busy without looking like an attack. */
export const DEFAULT_CONCURRENCY = 4;

const COMMON = `Common options (validate, render, send, run, test):
  --sample S             a sample file path or a sample's "name"; default: the first
                         *.sample.json under the current directory, else the built-in sample
  --secret NAME=VALUE    a value for {{secrets.NAME}} (repeatable); wins over the environment
                         variable WEBHOOK_STUDIO_SECRET_NAME, which wins over --env-file
  --env-file F           a dotenv file with NAME=VALUE lines (or WEBHOOK_STUDIO_SECRET_NAME=VALUE)
  --escaping text|json   how templates enter the body: text (default) pastes values
                         unescaped, as the platform does, then the body must parse as
                         JSON (body-not-json); json: escaped (not what the platform does)
  --array-separator S    joins array values; default ", "
  --now ISO              the time {{right_now.*}} is read at, e.g. 2026-12-01T15:07:05Z
                         (reproducible renders); default: the current time
  --time-zone Z          IANA zone of {{right_now.*}} when the sample has no location.timezone;
                         default UTC
  --unknown-tag empty|marker
                         what a tag that is neither a platform field nor in the sample renders
                         as: empty (default) or marker, ##{}## (one report says the platform
                         sends that; its behaviour is not documented)
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
  webhook-studio validate [globs|folders…]      schema + lint; exit 1 when any error
  webhook-studio render <file> [--sample S] [--format http|json|curl] [--reveal-secrets] [--platform-form]
  webhook-studio send <file> [--sample S] [--inbox] [--timeout MS] [--json] [--log FILE]
  webhook-studio inbox [--port N] [--status CODE] [--body TEXT] [--rules F] [--forward URL]
  webhook-studio replay <log file> [--id ID] [--to URL] [--inbox] [--edit FILE]
  webhook-studio demo [DIR]                     inbox + every example sent to it, printed
  webhook-studio import-curl [file|-] [-o out.webhook.json] [--move-secrets]
  webhook-studio diff <capture> <action> [--sample S]   a real delivery against the rendering
  webhook-studio run <workflow> [--sample S] [--inbox] [--json]
                                                the steps of a *.workflow.json in order
  webhook-studio test [globs…] [--data F.csv] [--inbox] [--reporter junit|json|tap|github[:PATH]]
                                                every action × every sample, checked against expect
  webhook-studio scaffold --openapi DOC --operation ID [--out FILE]
                                                a new action for an OpenAPI operation

  webhook-studio <command> --help               options of a command
  webhook-studio --version

Exit codes (validate, render, send, test):
  0  ok
  1  checks failed: a lint or schema error, an expectation, a refused send, a non-2xx response
  2  usage error, a missing file, unreadable input
  3  network, TLS or timeout failures only (the receiver could not be reached)`,

  validate: `Usage: webhook-studio validate [globs|folders…] [options]

Checks every matched action file against the schema and the lint rules, and every sample file
under the current directory. Default glob: **/*.webhook.json (node_modules, dist, out and hidden
directories are skipped, as in the extension; \\ escapes a glob character). A folder stands for
the actions and samples under it: \`validate examples\` checks and lints against examples/ alone.
Prints "file:line:col severity code message", the files checked and a summary line.

An action with a "contract" is also checked, for every sample, against the receiver's OpenAPI
operation (path, query, headers, auth, body); each violation is a contract-violation.

Options:
  --json                 print one JSON object instead of lines
  --fetch-contracts      fetch contracts given by URL (and the URLs they refer to) into the cache
                         first; without it a URL contract is read from the cache only
  --contract-cache DIR   where fetched contracts are kept; default
                         $XDG_CACHE_HOME/webhook-studio/contracts, else ~/.cache/webhook-studio/contracts
${COMMON}`,

  render: `Usage: webhook-studio render <file> [options]

Prints the exact request the action renders to; secrets are masked (••••••) unless
--reveal-secrets is given. Exit 1 when the action has errors (the request is printed anyway).

Options:
  --format http|json|curl  http (default): the request as HTTP/1.1 text; json: one object
                           {method,url,headers,body,unresolved,diagnostics}; curl: a cURL command
  --reveal-secrets         print secret values instead of the mask
  --platform-form          print instead what to type into the platform's form: method, URL,
                           auth, header and query rows, Content-Type and body text, templates
                           intact (nothing rendered, no secret read)
${COMMON}

${OAUTH}`,

  send: `Usage: webhook-studio send <file> [options]

Renders the action and sends it. Prints status, outcome, timings, the results of the action's
"expect" (each check with the expected and the actual value), headers and the body preview.
Exit 0 on a 2xx response (or the status "expect" names) whose checks all pass; 1 on a failed
check, another status or a refused request; 3 on a network, TLS or timeout failure.
HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.

Options:
  --inbox                send to a local inbox instead (only the origin is replaced) and print
                         the request as it was received
  --timeout MS           overall deadline in milliseconds; default 30000, the platform's
  --json                 print the execution record as JSON
  --log FILE             append the execution record (secrets masked) to FILE as a JSON line
${COMMON}

${OAUTH}`,

  inbox: `Usage: webhook-studio inbox [options]

Starts a capture server on 127.0.0.1, prints its URL, then every request it receives exactly
as received and the rule that answered it, until Ctrl+C. A web page that reaches it under
another host name (Origin or Sec-Fetch-Site with a Host that is not loopback) is refused with
403 and not kept; a request with those headers is never forwarded.

Options:
  --port N               port to listen on; default: any free port
  --status CODE          status of the default answer (200–599); default 200
  --body TEXT            body of the default answer; default {"ok":true,"id":"{{request.id}}"}
                         ({{request.id}}: the number of the request)
  --rules F              answer by the rules of F (a *.inbox.json file): each rule matches
                         method, path glob, headers and body paths, and answers with a status,
                         headers, a body (templates such as {{request.body.email}}) and a delay;
                         --status and --body then replace the file's default answer
  --forward URL          pass every request on to the receiver at URL (its path prefix, then
                         the request's path and query) and print what it answered; bodies over
                         the inbox's cap are not passed on, each forward times out after 30 s
  -h, --help             this help`,

  test: `Usage: webhook-studio test [globs…] [options]

Sends every matched action (default **/*.webhook.json) once per sample and checks each response
against the action's "expect"; without an expected status, anything but a 2xx fails. Each action ×
sample is a test; each action's lint (schema and lint errors) is one more. Failures are printed as
they come, with the file:line:col of the "expect" entry, then a summary line.

Samples:
  (default)              every *.sample.json under the current directory, else the built-in one
  --sample S             only this sample (a path or a sample's "name")
  --data F.csv           one sample per row of a contacts export instead (streamed): "First Name"
                         → contact.first_name, "Tags" split on commas, "opportunity.stage" as is,
                         any other column → contact.<snake_case> (a custom field)
  --map M.json           with --data: {"Column header": "contact.field" | null, …} overrides the
                         guess (null leaves the column out)

Sending:
  --inbox                send to a local inbox instead of the receivers (only the origin changes)
  --inbox-status CODE    status of the inbox's answers (200–599); default 200
  --inbox-body TEXT      body of the inbox's answers; default {"ok":true,"id":"{{request.id}}"}
  --rules F              with --inbox: answer by the rules of F (a *.inbox.json file, see
                         inbox --help); --inbox-status and --inbox-body replace its default
  --concurrency N        sends at once (1–256); default ${DEFAULT_CONCURRENCY}
  --rate N               at most N sends started per second; default: no limit
  --timeout MS           deadline of each send in milliseconds; default 30000
  --bail                 start no more sends after the first failure (those under way finish)
  --fail-on error|warning  warning: lint warnings fail an action too; default error
  --fetch-contracts      fetch the OpenAPI documents actions name by URL (see validate --help);
  --contract-cache DIR   a "contract" is checked as validate checks it, against every sample

Reports (written whether tests pass or fail; they never change the exit code):
  --reporter NAME[:PATH] junit, json, tap or github; repeatable. Without PATH the report goes to
                         stdout (one reporter at most) and the other output to stderr.
                         junit: one testsuite per action, one testcase per sample, a failure per
                         failed check, the request and response (secrets masked) as system-out
                         for tests that did not pass; github: ::error annotations at the line
                         of each failed "expect" entry.

Exit: 0 all passed; 1 a check, a lint error or a send failed; 2 usage error or unreadable
input (an action, --data, --map; a report that cannot be written); 3 only network, TLS or
timeout failures. A live progress line is shown on a terminal only; NO_COLOR turns colours off.

Options:
${COMMON}

${OAUTH}`,
  scaffold: `Usage: webhook-studio scaffold --openapi DOC --operation ID [options]

Writes a new action for an OpenAPI operation: its method, the first server's URL with the path
filled in, every required query parameter, header and body field, the auth its security asks
for (from a secret), and {{contact.*}} templates for fields named like contact fields (email,
first_name/firstName, phone…). The action's "contract" links it to the operation, so
validate checks every sample against it. An existing file is never overwritten.

Options:
  --openapi DOC          the OpenAPI document (3.0, 3.1 or Swagger 2.0; JSON or YAML): a path,
                         or an http(s) URL read from the contract cache
  --operation ID         the operationId
  --out FILE             the new *.webhook.json; default: <operationId>.webhook.json here
  --fetch-contracts      fetch a URL document into the cache first
  --contract-cache DIR   the contract cache (see validate --help)
  -h, --help             this help`,

  replay: `Usage: webhook-studio replay <log file> [options]

Sends a recorded request again, exactly as recorded (transport headers such as Host aside),
with its secrets read again from --secret, the environment or --env-file: the log holds only
masks. The log file is what send --log writes; the newest record unless --id is given.
Exit 0 on a 2xx response; 1 on any other status or a refused request; 2 for usage errors and an
unreadable log; 3 on a network, TLS or timeout failure.

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

  'import-curl': `Usage: webhook-studio import-curl [file|-] [-o out.webhook.json] [--move-secrets]

Reads a curl command (from the file, or standard input when it is - or missing) and writes the
action file that sends the same request: to stdout, or to the -o file, which is never overwritten.
Every way the action differs from what curl would send is printed as a warning on stderr.
Exit 0 when the file was written; 1 when the command cannot be imported (a multipart form, a file
upload, a method the platform lacks) or the -o file exists; 2 for usage errors.

Options:
  -o, --output FILE      write the action to FILE instead of stdout (refused when FILE exists)
  --move-secrets         write {{secrets.NAME}} for literal credentials (auth, key-like query
                         values and headers, webhook URLs that are secrets) and print the names
  -h, --help             this help`,

  diff: `Usage: webhook-studio diff <capture> <action> [options]

Compares a real delivery with the request the action renders for the sample: method, request
target, headers and body (JSON-aware), naming each difference with its likely cause (escaping,
array separator, encoding, a header the platform adds). The capture is a HAR file (its first
entry, or the one whose URL path matches), raw HTTP/1.1 request text, or the JSON a capture
service such as webhook.site exports for one request. Transport headers (Host, Content-Length,
Connection, …) are left aside. Exit 0 when they match, 1 when they differ, 2 when the capture
cannot be read (with file:line:column).

Options:
  --json                 print one JSON object {match, differences}
${COMMON}`,
  run: `Usage: webhook-studio run <workflow> [options]

Sends the steps of a *.workflow.json in order for one sample. A step whose action sets
"saveResponse": true gives its JSON response to the later steps as
{{custom_webhook.N.response.<key>}} (N: its step number). A failed step does not stop the run,
as on the platform. Prints each step's request, response and outcome in order.
Exit 0 when every step got a 2xx response; 1 when one did not, was refused or failed on the
network, or when the workflow file has errors.

Options:
  --inbox                send every step to a local inbox instead (only the origin is replaced);
                         it answers {"ok":true,"id":"N"}, N the number of the request
  --timeout MS           overall deadline of each step in milliseconds; default 30000
  --json                 print one JSON object: {workflow,sample,ok,steps:[{step,file,ok,record,saved}]}
  --log FILE             append each step's execution record (secrets masked) to FILE
${COMMON}

${OAUTH}`,
};

/** The usage text of a command or help topic given on the command line; only the table's own entries count (`help constructor` is no topic). */
export function usageOf(topic: string): string | undefined {
  return Object.hasOwn(USAGE, topic) ? (USAGE as Record<string, string>)[topic] : undefined;
}
