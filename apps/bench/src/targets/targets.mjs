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

export async function queuePut(q, n) {
  for (let i = 0; i < n; i++) await q.put(i & 0xff);
  await q.put(null);
}

export async function queuePutBytes(q, n, size) {
  const payload = new Uint8Array(size).fill(1);
  for (let i = 0; i < n; i++) await q.put(payload);
  await q.put(null);
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
