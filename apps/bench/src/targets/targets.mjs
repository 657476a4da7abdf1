// Child-process targets for the figures. Plain JavaScript on purpose: a child that runs a
// compiled target needs no TypeScript loader, so start and memory figures measure proc, not tsx
// (issue 2 sets its start aims "with a compiled target"). Figures pass this module's URL as the
// `module` option, since the targets live outside the module that calls `new Process`.
// Measurements made in a child are written to a file named by the parent, so a figure depends
// on nothing but what it measures.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Up to this many sends in flight before a sender awaits one (Python's send never waits). */
const WINDOW = 256;

export function noop() {}

/** What a producer puts between its warm-up items and the n it is timed on. */
const GO = 'go';

/** Puts `item(i)`, 64 at a time, until `ms` milliseconds from now. */
async function putFor(q, ms, item) {
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; ) for (let k = 0; k < 64; k++, i++) await q.put(item(i));
}

/**
 * Puts items for `warmSeconds` (V8 compiles the hot path of a fresh process late; the consumer
 * warms up too), then GO, then items for `seconds`, then null. The consumer times GO to null,
 * so the figure is the end-to-end rate, backlog drained included, with no calibration run.
 */
async function produce(q, seconds, warmSeconds, item) {
  await putFor(q, warmSeconds * 1000, item);
  await q.put(GO);
  await putFor(q, seconds * 1000, item);
  await q.put(null);
}

export function queuePut(q, seconds, warmSeconds) {
  return produce(q, seconds, warmSeconds, (i) => i & 0xff);
}

export function queuePutBytes(q, seconds, size, warmSeconds) {
  const payload = new Uint8Array(size).fill(1);
  return produce(q, seconds, warmSeconds, () => payload);
}

export async function pipeSender(conn, n) {
  let last;
  for (let i = 0; i < n; i++) {
    last = conn.send(i & 0xff);
    if (i % WINDOW === WINDOW - 1) await last;
  }
  await last;
  await conn.send(null);
  await conn.close();
}

export async function pipeEcho(conn) {
  for (;;) {
    const x = await conn.recv();
    if (x === null) break;
    await conn.send(x);
  }
  await conn.close();
}

/** Client from @proc/processing, or from its home package while processing lacks it. */
async function loadClient() {
  const { Client } = await import('@proc/processing');
  return Client ?? (await import('@proc/connection')).Client;
}

export async function clientSender(address, keyHex, n, size) {
  const Client = await loadClient();
  const c = await Client(address, { authkey: Buffer.from(keyHex, 'hex') });
  const msg = Buffer.alloc(size, 0x78);
  let last;
  for (let i = 0; i < n; i++) {
    last = c.sendBytes(msg);
    if (i % WINDOW === WINDOW - 1) await last;
  }
  await last;
  await c.sendBytes(Buffer.alloc(0));
  await c.close();
}

export async function clientEcho(address, keyHex) {
  const Client = await loadClient();
  const c = await Client(address, { authkey: Buffer.from(keyHex, 'hex') });
  for (;;) {
    const b = await c.recvBytes();
    if (b.length === 0) break;
    await c.sendBytes(b);
  }
  await c.close();
}

async function rateFor(seconds, warmSeconds, op) {
  // Warm up for a while (V8 compiles the hot path after some thousands of calls), then time.
  const warmEnd = performance.now() + warmSeconds * 1000;
  while (performance.now() < warmEnd) for (let i = 0; i < 64; i++) await op();
  let ops = 0;
  const t0 = performance.now();
  for (;;) {
    for (let i = 0; i < 64; i++) await op();
    ops += 64;
    const el = (performance.now() - t0) / 1000;
    if (el >= seconds) return ops / el;
  }
}

export async function dictGetLoop(d, seconds, warmSeconds, outFile) {
  const rate = await rateFor(seconds, warmSeconds, () => d.get('x'));
  writeFileSync(outFile, String(rate));
}

export async function lockLoop(lock, seconds, warmSeconds, outFile) {
  const rate = await rateFor(seconds, warmSeconds, async () => {
    await lock.acquire();
    await lock.release();
  });
  writeFileSync(outFile, String(rate));
}

export function reportRss(outFile) {
  writeFileSync(outFile, String(process.memoryUsage().rss / 1048576));
}
