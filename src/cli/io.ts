/**
 * The terminal the CLI writes to, passed to every command so output, colours and the secret
 * redaction of last resort are decided in one place.
 */
import { redactText } from '../core/redact';
import { escapeForTerminal } from '../core/text';

/** The process's streams and environment as the commands see them. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Writes to stdout, with every secret value seen so far redacted. */
  out(text: string): void;
  /** Writes to stderr, with every secret value seen so far redacted. */
  err(text: string): void;
  /** Writes to stdout as is: only for output the user asked to hold secrets (`--reveal-secrets`). */
  outRaw(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Secret and token values resolved in this run: never printed. */
  readonly seen: Set<string>;
  /** Present when the process can receive Ctrl+C; resolves on the first SIGINT. */
  interrupted(): Promise<void>;
  /** Reads all of standard input as UTF-8 (`import-curl -`). */
  readStdin(): Promise<string>;
  readonly stdinIsTTY: boolean;
}

/** The real process as a CliIo. */
export function processIo(): CliIo {
  return redactingIo({
    cwd: process.cwd(),
    env: process.env,
    write: (stream, text) => void (stream === 'out' ? process.stdout : process.stderr).write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    interrupted: () => new Promise<void>((resolve) => process.once('SIGINT', () => resolve())),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    stdinIsTTY: process.stdin.isTTY === true,
  });
}

/** A CliIo that keeps what the commands print, for running them in-process (tests). */
export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  readonly stdout: string;
  /** Everything written to stderr so far. */
  readonly stderr: string;
  /** Stands for Ctrl+C: resolves `interrupted()`. */
  interrupt(): void;
}

/** What a captured run starts from: the working directory, the environment and which streams are terminals. */
export interface CapturedIoOptions {
  readonly cwd: string;
  /** Default: empty, so nothing of the calling process leaks in. */
  readonly env?: NodeJS.ProcessEnv;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  /** What standard input holds; default: nothing. */
  readonly stdin?: string;
}

/** A CliIo whose output is kept in memory, with the same redaction as the real process. */
export function capturedIo(options: CapturedIoOptions): CapturedIo {
  const written = { out: '', err: '' };
  let interrupt = (): void => undefined;
  const interruptedOnce = new Promise<void>((resolve) => (interrupt = resolve));
  const io = redactingIo({
    cwd: options.cwd,
    env: options.env ?? {},
    write: (stream, text) => void (written[stream] += text),
    stdoutIsTTY: options.stdoutIsTTY === true,
    stderrIsTTY: options.stderrIsTTY === true,
    interrupted: () => interruptedOnce,
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    stdinIsTTY: false,
  });
  return {
    ...io,
    get stdout() {
      return written.out;
    },
    get stderr() {
      return written.err;
    },
    interrupt: () => interrupt(),
  };
}

interface IoParts {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Writes text as is. */
  write(stream: 'out' | 'err', text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  interrupted(): Promise<void>;
  readStdin(): Promise<string>;
  readonly stdinIsTTY: boolean;
}

/**
 * The CliIo over raw streams: `out` and `err` redact every secret value seen so far, `outRaw` does not.
 * This is the last resort: what the commands print is redacted field by field before it is formatted, and
 * a secret too short to search text for safely is left to that (see `MIN_SEARCHED_SECRET_LENGTH`).
 */
function redactingIo(parts: IoParts): CliIo {
  const seen = new Set<string>();
  const redact = (text: string) => redactText(text, seen);
  return {
    cwd: parts.cwd,
    env: parts.env,
    out: (text) => parts.write('out', redact(text)),
    err: (text) => parts.write('err', redact(text)),
    outRaw: (text) => parts.write('out', text),
    stdoutIsTTY: parts.stdoutIsTTY,
    stderrIsTTY: parts.stderrIsTTY,
    seen,
    interrupted: () => parts.interrupted(),
    readStdin: () => parts.readStdin(),
    stdinIsTTY: parts.stdinIsTTY,
  };
}

/** ANSI styles, or identity functions when colour is off. */
export interface Colors {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly blue: (s: string) => string;
  readonly green: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

/** Colours only on a terminal, and never when NO_COLOR is set to anything non-empty. */
export function colorsFor(isTTY: boolean, env: NodeJS.ProcessEnv): Colors {
  const on = isTTY && !env['NO_COLOR'];
  const style = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    red: style(31, 39),
    yellow: style(33, 39),
    blue: style(34, 39),
    green: style(32, 39),
    dim: style(2, 22),
    bold: style(1, 22),
  };
}

/** Text received from the network, safe to print: controls and bidirectional controls escaped, carriage returns dropped. */
export function printable(text: string): string {
  return escapeForTerminal(text, true);
}

/** Shows a spinner on stderr while `work` runs longer than a moment; only on a terminal. */
export async function withSpinner<T>(io: CliIo, label: string, work: Promise<T>): Promise<T> {
  if (!io.stderrIsTTY) return work;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  let shown = false;
  let ticker: NodeJS.Timeout | undefined;
  const start = setTimeout(() => {
    ticker = setInterval(() => {
      shown = true;
      io.err(`\r${frames[frame++ % frames.length]} ${label}`);
    }, 80);
  }, 300);
  try {
    return await work;
  } finally {
    clearTimeout(start);
    if (ticker) clearInterval(ticker);
    if (shown) io.err('\r\x1b[K');
  }
}
