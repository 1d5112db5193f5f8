import type { LookupFunction } from '../../../src/core/http/privateNetwork';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { spawn } from 'node:child_process';
import { connect, createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';

/** A test server listening on 127.0.0.1 with a random port; `close()` also ends every open connection. */
export interface TestServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` (or https). */
  readonly origin: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

function track(server: NetServer | HttpServer, scheme: 'http' | 'https'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        origin: `${scheme}://127.0.0.1:${port}`,
        connections: () => accepted,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A raw TCP server: `onSocket` gets every accepted connection and writes whatever bytes the test needs. */
export function startRawServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const server = createNetServer(onSocket);
  return track(server, 'http');
}

/** A node:http server running `handler` for every request. */
export function startHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createHttpServer({ maxHeaderSize: 1024 * 1024 }, handler);
  return track(server, 'http');
}

/** A node:https server with the given key and certificate. */
export function startHttpsServer(
  tls: { key: string | Buffer; cert: string | Buffer },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server = createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
  return track(server, 'https');
}

/** Reads one HTTP/1.1 request (head plus a Content-Length body) from a raw socket, as bytes. */
export function readRawRequest(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = data.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (data.length >= end + 4 + length) {
        socket.off('data', onData);
        resolve(data.subarray(0, end + 4 + length));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Reads a request (body included) on a node:http server and returns its body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A TCP listener on 127.0.0.1 that never accepts: it lives in a child process whose event loop is blocked, with
 * a backlog of 1, and `fill` connections are parked in its queue so later connection attempts get no answer.
 */
export async function startStuckListener(fill = 4): Promise<{ readonly port: number; close(): Promise<void> }> {
  const script =
    "const s=require('net').createServer();" +
    "s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{require('fs').writeSync(1,String(s.address().port)+'\\n');" +
    'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0);});';
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('error', reject);
    child.once('exit', () => reject(new Error('stuck listener exited')));
  });
  const parked: Socket[] = [];
  for (let i = 0; i < fill; i++) {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    parked.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    close: async () => {
      for (const socket of parked) socket.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * A resolver over a fixed table, like a hosts file: names not in it fail with ENOTFOUND. Tests use it so
 * that no query ever leaves the machine for the system's DNS server.
 */
export function hostsLookup(table: Record<string, string[]> = {}): LookupFunction {
  return (hostname, _options, callback) => {
    const addresses = table[hostname.toLowerCase()];
    queueMicrotask(() => {
      if (!addresses) {
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), []);
      } else {
        callback(
          null,
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        );
      }
    });
  };
}

/** A forward proxy on 127.0.0.1 that really forwards: what it was asked for, in order. */
export interface ForwardProxy extends TestServer {
  /** `GET http://host/path` for forwarded requests, `CONNECT host:port` for tunnels. */
  readonly seen: string[];
}

/**
 * A working forward proxy: absolute-form http requests are forwarded and CONNECT opens a tunnel. `route`
 * maps a requested host:port to where the proxy actually connects (default: as asked), so a test can use
 * names that only the proxy can reach (`auth.invalid`), which proves a request went through it.
 */
export async function startForwardProxy(
  route: (hostPort: string) => { host: string; port: number } | undefined = () => undefined,
  tls?: { key: string | Buffer; cert: string | Buffer },
): Promise<ForwardProxy> {
  const seen: string[] = [];
  const upstreamOf = (host: string, port: number): { host: string; port: number } => route(`${host}:${port}`) ?? { host, port };
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const to = upstreamOf(target.hostname, Number(target.port || 80));
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: to.host, port: to.port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, forward) : createHttpServer(forward);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    const at = (req.url ?? '').lastIndexOf(':');
    const to = upstreamOf((req.url ?? '').slice(0, at), Number((req.url ?? '').slice(at + 1)));
    const upstream = connect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const tracked = await track(server, tls ? 'https' : 'http');
  return { ...tracked, seen };
}
