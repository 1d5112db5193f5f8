import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
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
  return track(server as unknown as HttpServer, 'https');
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
