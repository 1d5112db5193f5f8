import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { DEFAULT_MAX_BODY_BYTES, HttpSender } from '../../src/core/http/index';
import type { SendResult } from '../../src/core/types';
import { startHttpServer } from './helpers/servers';
import type { TestServer } from './helpers/servers';

const MiB = 1024 * 1024;
const BIG = 200 * MiB;
const BUDGET = DEFAULT_MAX_BODY_BYTES + 32 * MiB;
const BOUND = { timeout: 30_000 };

/** Writes `total` bytes of `chunk` repeats with backpressure, stopping when the client goes away. */
function stream(res: ServerResponse, chunk: Buffer, total: number): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (sent >= total) res.end();
  };
  res.on('error', () => undefined);
  pump();
}

/** Runs `work` while sampling RSS and array buffer memory; returns the peak growth over the start. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; rss: number; arrayBuffers: number }> {
  const start = process.memoryUsage();
  let rss = 0;
  let arrayBuffers = 0;
  const sample = (): void => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss - start.rss);
    arrayBuffers = Math.max(arrayBuffers, now.arrayBuffers - start.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, rss, arrayBuffers };
  } finally {
    clearInterval(timer);
  }
}

function response(result: SendResult) {
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
  return result.response;
}

describe('large and hostile response bodies', () => {
  let server: TestServer;
  let served = 0;
  // One gzip member of 16 MiB of zeros; 64 of them back to back decode to 1 GiB.
  const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  const sender = new HttpSender();

  before(async () => {
    server = await startHttpServer((req, res) => {
      served += 1;
      const block = Buffer.alloc(64 * 1024, 0x61);
      if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(BIG) });
        stream(res, block, BIG);
      } else if (req.url === '/big-chunked') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        stream(res, block, BIG);
      } else if (req.url === '/bomb') {
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
        stream(res, member, member.length * 64);
      }
    });
  });
  after(async () => {
    await sender.close();
    await server.close();
  });

  test('a 200 MiB body keeps only the cap, reports the full size, and memory stays flat', BOUND, async () => {
    const { result, rss, arrayBuffers } = await peakGrowth(() => sender.send({ method: 'GET', url: `${server.origin}/big`, headers: [], body: null }));
    const body = response(result);
    assert.equal(body.truncated, true);
    assert.equal(body.size, DEFAULT_MAX_BODY_BYTES);
    assert.equal(body.body.length, DEFAULT_MAX_BODY_BYTES);
    assert.equal(body.fullSize, BIG);
    assert.equal(body.body[body.body.length - 1], 0x61);
    assert.ok(rss < BUDGET, `RSS grew ${(rss / MiB).toFixed(1)} MiB`);
    assert.ok(arrayBuffers < BUDGET, `array buffers grew ${(arrayBuffers / MiB).toFixed(1)} MiB`);
  });

  test('a 200 MiB chunked body is cut at the cap with no full size known', BOUND, async () => {
    const { result, rss } = await peakGrowth(() =>
      sender.send({ method: 'GET', url: `${server.origin}/big-chunked`, headers: [], body: null }, { maxBodyBytes: MiB }),
    );
    const body = response(result);
    assert.equal(body.truncated, true);
    assert.equal(body.size, MiB);
    assert.equal(body.fullSize, undefined);
    assert.ok(rss < MiB + 32 * MiB, `RSS grew ${(rss / MiB).toFixed(1)} MiB`);
  });

  test('a gzip bomb (1 GiB of zeros) is decoded only up to the cap, quickly', BOUND, async () => {
    const started = performance.now();
    const { result, rss, arrayBuffers } = await peakGrowth(() => sender.send({ method: 'GET', url: `${server.origin}/bomb`, headers: [], body: null }));
    const elapsed = performance.now() - started;
    const body = response(result);
    assert.equal(body.truncated, true);
    assert.equal(body.size, DEFAULT_MAX_BODY_BYTES);
    assert.ok(body.body.every((byte) => byte === 0));
    assert.equal(body.fullSize, undefined);
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)} ms`);
    assert.ok(rss < BUDGET, `RSS grew ${(rss / MiB).toFixed(1)} MiB`);
    assert.ok(arrayBuffers < BUDGET, `array buffers grew ${(arrayBuffers / MiB).toFixed(1)} MiB`);
  });

  test('each capped send asked the server once, and the sender stays usable', BOUND, async () => {
    assert.equal(served, 3);
    const ok = response(await sender.send({ method: 'GET', url: `${server.origin}/big`, headers: [], body: null }, { maxBodyBytes: 10 }));
    assert.equal(ok.size, 10);
  });
});
