/**
 * A lane's shared-memory ring (src/primitives/lane-ring.ts): frames go into the ring, overflow
 * and wake-ups go as records through a real FIFO, and the reader sees every byte in order;
 * a child process's lane uses the ring when proc's addon is built, and not with PROC_SHM_LANE=0.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Event, Process, Queue } from '@proc/processing';
import { expect, it, onTestFinished } from 'vitest';
import { fifoSide, LaneRingReader } from '../../dist/primitives/lane-ring.js';
import { RING_HEADER_BYTES, RingWriter } from '../../dist/primitives/ring.js';

const linux = process.platform === 'linux';
const addon = fs.existsSync(new URL('../../dist/native/proc_shm.node', import.meta.url));
const fixture = new URL('./lanes-fixture.ts', import.meta.url).href;
const { reportRings } = await import(fixture);

it.runIf(linux)('carries every byte in order through the ring, its overflow and wake-ups in a FIFO', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-lane-ring-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fifo = path.join(dir, 'lane');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const rfd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const wfd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  const memory = new SharedArrayBuffer(RING_HEADER_BYTES + 4096);
  const got: Buffer[] = [];
  let bytes = 0;
  const reader = new LaneRingReader(memory, (b: Buffer) => {
    got.push(Buffer.from(b));
    bytes += b.length;
  });
  const input = new net.Socket({ fd: rfd, readable: true, writable: false });
  input.on('data', (c: Buffer) => expect(reader.records(c)).toBe(true));
  const output = new net.Socket({ fd: wfd, readable: false, writable: true });
  onTestFinished(() => {
    reader.stop();
    input.destroy();
    output.destroy();
  });
  const writer = new RingWriter(memory, fifoSide(output));
  const sizes = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 5000 : 1 + ((i * 37) % 900)));
  let k = 0;
  let pendingWrites = 0;
  for (let i = 0; i < sizes.length; i++) {
    const b = Buffer.alloc(sizes[i] as number);
    for (let j = 0; j < b.length; j++) b[j] = k++ & 0xff;
    if (!writer.write(b, () => pendingWrites--)) pendingWrites++;
    // Now and then let the reader catch up, so the ring is used again after overflowing.
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const end = Date.now() + 10_000;
  while (bytes < total && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(pendingWrites).toBe(0);
  const all = Buffer.concat(got);
  expect(all.length).toBe(total);
  let bad = -1;
  for (let j = 0; j < all.length; j++) {
    if (all[j] !== (j & 0xff)) {
      bad = j;
      break;
    }
  }
  expect(bad).toBe(-1);
});

it.runIf(linux)('a malformed record is refused', () => {
  const reader = new LaneRingReader(new SharedArrayBuffer(RING_HEADER_BYTES + 4096), () => {});
  onTestFinished(() => reader.stop());
  expect(reader.records(Buffer.of(0, 0))).toBe(true);
  expect(reader.records(Buffer.of(7))).toBe(false);
});

it.runIf(linux && addon)("a child's lane writes into a shared-memory ring, and PROC_SHM_LANE=0 turns that off", async () => {
  const report = async (env?: NodeJS.ProcessEnv) => {
    const q = new Queue();
    const stop = new Event();
    const p = new Process({ target: reportRings, module: fixture, args: [q, stop], env });
    await p.start();
    expect(await q.get({ timeout: 30_000 })).toBe('warm-up');
    const rings = (await q.get({ timeout: 30_000 })) as number;
    await stop.set();
    await p.join();
    return rings;
  };
  expect(await report()).toBe(1);
  expect(await report({ ...process.env, PROC_SHM_LANE: '0' })).toBe(0);
}, 60_000);

it.runIf(linux && addon)('every child of a burst gets a lane of its own (the addon makes a FIFO when none is in stock)', async () => {
  const q = new Queue();
  const stop = new Event();
  const children = Array.from({ length: 8 }, () => new Process({ target: reportRings, module: fixture, args: [q, stop] }));
  onTestFinished(async () => {
    await stop.set();
    await Promise.all(children.map((p) => p.join()));
  });
  await Promise.all(children.map((p) => p.start()));
  const got: unknown[] = [];
  for (let i = 0; i < 16; i++) got.push(await q.get({ timeout: 60_000 }));
  expect(got.filter((x) => x === 'warm-up')).toHaveLength(8);
  expect(got.filter((x) => x !== 'warm-up')).toEqual(Array(8).fill(1));
}, 120_000);
