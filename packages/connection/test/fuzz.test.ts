/**
 * Thousands of random and mutated byte streams thrown at a Listener, with and without an
 * authkey: it never crashes, never hangs, every failure is a typed error, and a good client is
 * served afterwards.
 */
import net from 'node:net';
import { ProcError } from '@proc/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Client, type Connection, Listener } from '../src/index.js';

const STREAMS = 2000;
const CONCURRENCY = 64;

/** A small seeded PRNG (xorshift32): failures can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function frame(payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeInt32BE(payload.length);
  return Buffer.concat([h, payload]);
}

/** Random bytes, or valid frames (some handshake-shaped) with a few bytes flipped or cut. */
function makeStream(rand: () => number): { bytes: Buffer; chunks: number; hangUp: 'end' | 'reset' } {
  const kind = rand();
  let bytes: Buffer;
  if (kind < 0.3) {
    bytes = Buffer.alloc(Math.floor(rand() * 64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  } else {
    const parts: Buffer[] = [];
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const r = rand();
      const payload =
        r < 0.3
          ? Buffer.from(`{sha256}${'x'.repeat(32)}`)
          : r < 0.5
            ? Buffer.from(`#CHALLENGE#{sha256}${'y'.repeat(40)}`)
            : Buffer.alloc(Math.floor(rand() * 300), Math.floor(rand() * 256));
      parts.push(frame(payload));
    }
    bytes = Buffer.concat(parts);
    const flips = Math.floor(rand() * 4);
    for (let i = 0; i < flips && bytes.length > 0; i++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    if (rand() < 0.3) bytes = bytes.subarray(0, Math.floor(rand() * bytes.length));
  }
  return { bytes, chunks: 1 + Math.floor(rand() * 4), hangUp: rand() < 0.2 ? 'reset' : 'end' };
}

/** Sends one stream; resolves when the socket is fully closed (by either side). */
function throwAt(address: string, s: ReturnType<typeof makeStream>): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect(address);
    sock.on('error', () => {});
    sock.resume();
    sock.once('close', () => resolve());
    sock.once('connect', () => {
      const step = Math.max(1, Math.ceil(s.bytes.length / s.chunks));
      for (let i = 0; i < s.bytes.length; i += step) sock.write(s.bytes.subarray(i, i + step));
      if (s.hangUp === 'reset') sock.destroy();
      else sock.end();
    });
  });
}

async function fuzz(address: string, seed: number): Promise<void> {
  const rand = rng(seed);
  let next = 0;
  const worker = async () => {
    while (next < STREAMS) {
      next++;
      await throwAt(address, makeStream(rand));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function expectTyped(err: unknown): void {
  if (!(err instanceof ProcError)) throw new Error(`untyped error: ${String(err)}`, { cause: err });
}

describe('fuzz', () => {
  for (const authkey of [null, 'fuzz key']) {
    it(`a Listener ${authkey ? 'with' : 'without'} an authkey survives ${STREAMS} bad streams`, async () => {
      const listener = new Listener(undefined, { authkey, handshakeTimeout: 2000, maxMessageSize: 1 << 20 });
      onTestFinished(() => listener.close());
      await listener.listening;
      const address = listener.address as string;
      const served: Connection[] = [];
      const wanted: ((c: Connection) => void)[] = [];
      let failures = 0;
      const drained: Promise<void>[] = [];
      const loop = (async () => {
        for (;;) {
          let conn: Connection;
          try {
            conn = await listener.accept();
          } catch (err) {
            if (listener.closed) return;
            expectTyped(err);
            expect((err as ProcError).code).toBe('PROC_ERR_AUTH');
            failures++;
            continue;
          }
          if (authkey) {
            const w = wanted.shift();
            if (w) w(conn);
            else served.push(conn);
            continue;
          }
          // No authkey: every garbage peer is a connection; read it until it breaks.
          drained.push(
            (async () => {
              for (;;) {
                try {
                  await conn.recvBytes();
                } catch (err) {
                  expectTyped(err);
                  failures++;
                  await conn.close();
                  return;
                }
              }
            })(),
          );
        }
      })();

      await fuzz(address, authkey ? 0xc0ffee : 0xbadf00d);
      await Promise.all(drained);
      expect(failures).toBeGreaterThan(0);

      // The listener still serves a good client.
      const good = await Client(address, { authkey, timeout: 5000 });
      onTestFinished(() => good.close());
      let server: Connection;
      if (authkey) server = served.shift() ?? (await new Promise<Connection>((r) => wanted.push(r)));
      else {
        // without a key the loop above drains every connection: talk through it instead
        await good.sendBytes(Buffer.from('ping'));
        await good.close();
        await listener.close();
        await loop;
        return;
      }
      onTestFinished(() => server.close());
      await good.send({ still: 'serving' });
      expect(await server.recv()).toEqual({ still: 'serving' });
      await listener.close();
      await loop;
    });
  }
});
