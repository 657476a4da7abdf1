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
import { ClientLane } from '../../dist/primitives/client/fifo-lane.js';
import { fifoSide, LANE_RING_BYTES, LANE_RING_SIZE, LaneRingReader } from '../../dist/primitives/lane-ring.js';
import { RING_HEADER_BYTES, RingDrain, RingWriter } from '../../dist/primitives/ring.js';
import { shmNative } from '../../dist/primitives/shm.js';
import { firstMisplacedByte } from './byte-order.js';

const linux = process.platform === 'linux';
const addon = fs.existsSync(new URL('../../dist/native/proc_shm.node', import.meta.url));
const fixture = new URL('./lanes-fixture.ts', import.meta.url).href;
const { reportRings, putBig } = await import(fixture);

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
  let bad = 0;
  const reader = new LaneRingReader(
    memory,
    (b: Buffer) => {
      got.push(Buffer.from(b));
      bytes += b.length;
    },
    () => bad++,
  );
  const input = new net.Socket({ fd: rfd, readable: true, writable: false });
  input.on('data', (c: Buffer) => reader.records(c));
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
  expect(bad).toBe(0);
  const all = Buffer.concat(got);
  expect(all.length).toBe(total);
  expect(firstMisplacedByte(all)).toBe(-1);
});

it.runIf(linux && addon)("a client's frame that finds its ring full waits for room, in order, and its put resolves only then", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-lane-ring-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fifo = path.join(dir, 'lane');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const rfd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  onTestFinished(() => fs.closeSync(rfd));
  const [fd, memory] = (shmNative() as NonNullable<ReturnType<typeof shmNative>>).create(LANE_RING_SIZE);
  const got: Buffer[] = [];
  const host = new RingDrain(memory, (b: Buffer) => got.push(Buffer.from(b)));
  const lane = new ClientLane(fifo, Buffer.alloc(16, 1), `/proc/self/fd/${fd}`, () => {});
  fs.closeSync(fd);
  onTestFinished(() => lane.close());
  const head = Buffer.alloc(17);
  expect(fs.readSync(rfd, head)).toBe(17);
  expect(head[16]).toBe(2); // mode: the ring
  const frame = (i: number) => Buffer.alloc(LANE_RING_BYTES / 4, i);
  const done: number[] = [];
  const now: boolean[] = [];
  for (let i = 0; i < 6; i++) now.push(lane.write(frame(i), () => done.push(i)));
  // Four fill the ring; the fifth and sixth wait (not in the FIFO: it holds no overflow record).
  expect(now).toEqual([true, true, true, true, false, false]);
  await new Promise((r) => setTimeout(r, 20));
  expect(done).toEqual([]);
  expect(() => fs.readSync(rfd, Buffer.alloc(64))).toThrow(/EAGAIN/);
  host.drain();
  const end = Date.now() + 5000;
  while (done.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  expect(done).toEqual([4, 5]);
  host.drain();
  expect(Buffer.concat(got).equals(Buffer.concat([0, 1, 2, 3, 4, 5].map(frame)))).toBe(true);
});

it.runIf(linux)('a malformed record or a corrupt ring header breaks the lane, once, without throwing', () => {
  let bad = 0;
  const reader = new LaneRingReader(new SharedArrayBuffer(RING_HEADER_BYTES + 4096), () => {}, () => bad++);
  onTestFinished(() => reader.stop());
  reader.records(Buffer.of(0, 0));
  expect(bad).toBe(0);
  reader.records(Buffer.of(7));
  reader.records(Buffer.of(7));
  expect(bad).toBe(1);
  // A header whose write position claims more than the ring holds (4 GiB - 1 bytes).
  const memory = new SharedArrayBuffer(RING_HEADER_BYTES + 4096);
  let bad2 = 0;
  let got = 0;
  const reader2 = new LaneRingReader(memory, () => got++, () => bad2++);
  onTestFinished(() => reader2.stop());
  Atomics.store(new Int32Array(memory), 0, -1);
  reader2.records(Buffer.of(0));
  expect(bad2).toBe(1);
  expect(got).toBe(0);
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

it.runIf(linux && addon)('every child of a burst gets a lane of its own (the addon makes each client FIFO as it connects)', async () => {
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

it('96 MiB of 64 KiB items from a child through its ring, the consumer busy at first: every item arrives, in order', async () => {
  const q = new Queue();
  // Around a 1 MiB ring many times over, while this main thread (the consumer) does not read at first.
  const n = 1536;
  const p = new Process({ target: putBig, module: fixture, args: [q, n, 64 * 1024] });
  await p.start();
  const busy = Date.now() + 300;
  while (Date.now() < busy);
  for (let i = 0; i < n; i++) {
    const item = (await q.get({ timeout: 60_000 })) as Uint8Array;
    expect(item.byteLength).toBe(64 * 1024);
    expect(new DataView(item.buffer, item.byteOffset).getUint32(0, true)).toBe(i);
  }
  expect(await q.get({ timeout: 60_000 })).toBeNull();
  await p.join();
  expect(p.exitCode).toBe(0);
}, 120_000);
