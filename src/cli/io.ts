/**
 * The terminal the CLI writes to, passed to every command so output, colours and the secret
 * redaction of last resort are decided in one place.
 */
import { redactText } from '../core/redact';

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
}

/** The real process as a CliIo. */
export function processIo(): CliIo {
  const seen = new Set<string>();
  return {
    cwd: process.cwd(),
    env: process.env,
    out: (text) => void process.stdout.write(redactText(text, seen)),
    err: (text) => void process.stderr.write(redactText(text, seen)),
    outRaw: (text) => void process.stdout.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    seen,
    interrupted: () => new Promise<void>((resolve) => process.once('SIGINT', () => resolve())),
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

/** Text received from the network, safe to print: control characters other than tab and newline escaped. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => (c === '\r' ? '' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
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
