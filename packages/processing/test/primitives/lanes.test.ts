/**
 * FIFO lanes (src/primitives/host/fifo-lanes.ts): a child's frames to a host go through a named
 * pipe of its own, unlinked once taken; a client that dies right after a put or a get resolved
 * has what it left in the lane served first (nothing lost, nothing doubled); a lane that does not
 * start with its nonce gets its client cut off; a client that claims a lane it never opened is
 * still dropped when it goes; `PROC_FIFO_LANE=0` turns lanes off.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { currentProcess, reduceSymbol } from '@proc/core';
import { Empty, Event, Process, Queue } from '@proc/processing';
import { expect, it, onTestFinished } from 'vitest';
import { shmNative } from '../../dist/primitives/shm.js';

const fixture = new URL('./lanes-fixture.ts', import.meta.url).href;
const { reportLanes, putThenDie, getThenDie, hostAndReport } = await import(fixture);
const addressKey = Symbol.for('proc.primitives.address');
const linux = process.platform === 'linux';
const addon = fs.existsSync(new URL('../../dist/native/proc_shm.node', import.meta.url));

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

it.runIf(linux)("a child's frames go through a FIFO lane of its own, whose path is unlinked once taken", async () => {
  const q = new Queue();
  const stop = new Event();
  const p = new Process({ target: reportLanes, module: fixture, args: [q, stop] });
  onTestFinished(async () => {
    await stop.set();
    await p.join();
  });
  await p.start();
  expect(await q.get({ timeout: 30_000 })).toBe('hello');
  const lanes = (await q.get({ timeout: 30_000 })) as string[];
  expect(lanes).toHaveLength(1);
  const dir = (q as unknown as Record<symbol, string>)[addressKey].replace(/\/host\.sock$/, '');
  expect(lanes[0].startsWith(`${dir}/lane-`)).toBe(true);
  // The host unlinks the path when the child answers its offer: no one else can open it now.
  const lanePath = lanes[0].replace(/ \(deleted\)$/, '');
  expect(await eventually(() => !fs.existsSync(lanePath))).toBe(true);
});

it('a producer killed the moment its last put resolved loses none of its items', async () => {
  const q = new Queue();
  const n = 2000;
  const p = new Process({ target: putThenDie, module: fixture, args: [q, n] });
  await p.start();
  await p.join();
  expect(p.exitCode).not.toBe(0);
  const got: unknown[] = [];
  for (let i = 0; i < n; i++) got.push(await q.get({ timeout: 30_000 }));
  expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  await expect(q.get({ timeout: 200 })).rejects.toBeInstanceOf(Empty);
}, 60_000);

it('a consumer killed the moment its last get resolved had its acks served first: nothing doubled', async () => {
  const q = new Queue();
  const n = 3000;
  const k = 1000;
  for (let i = 0; i < n; i++) await q.put(i);
  for (let round = 0; round < 3; round++) {
    const p = new Process({ target: getThenDie, module: fixture, args: [q, k] });
    await p.start();
    await p.join();
    expect(p.exitCode).not.toBe(0);
  }
  await expect(q.get({ timeout: 200 })).rejects.toBeInstanceOf(Empty);
  expect(await q.qsize()).toBe(0);
}, 60_000);

/** A hand-made client of `q`'s host: it proves the key and reads the lane offer. */
async function rawClient(q: Queue) {
  const address = (q as unknown as Record<symbol, string>)[addressKey];
  const key = currentProcess().authkey;
  const socket = net.connect(address);
  onTestFinished(() => {
    socket.destroy();
  });
  let got = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  socket.on('data', (c: Buffer) => {
    got = Buffer.concat([got, c]);
  });
  const need = async (n: number) => {
    while (got.length < n) await new Promise((r) => socket.once('data', r));
  };
  await need(32);
  const mine = randomBytes(32);
  const proof = createHmac('sha256', key).update('proc.primitives.client').update(got.subarray(0, 32)).digest();
  got = got.subarray(32);
  socket.write(Buffer.concat([proof, mine]));
  await need(32 + 2);
  const len = got.readUInt16LE(32);
  expect(len).toBeGreaterThan(16);
  await need(32 + 2 + len);
  // The offer's body: nonce, u16 length and the FIFO's path, then the ring's path (if any).
  const nonce = Buffer.from(got.subarray(32 + 2, 32 + 2 + 16));
  const n = got.readUInt16LE(32 + 2 + 16);
  const lanePath = got.subarray(32 + 2 + 16 + 2, 32 + 2 + 16 + 2 + n).toString('utf8');
  const ringPath = got.subarray(32 + 2 + 16 + 2 + n, 32 + 2 + len).toString('utf8');
  got = got.subarray(32 + 2 + len);
  return { socket, closed, lanePath, ringPath, nonce, received: () => got, need };
}

it.runIf(linux)('a lane that does not start with its nonce gets its client cut off, and the host serves others', async () => {
  const q = new Queue();
  const { socket, closed, lanePath } = await rawClient(q);
  const fd = fs.openSync(lanePath, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  onTestFinished(() => fs.closeSync(fd));
  fs.writeSync(fd, Buffer.alloc(16, 7));
  socket.write(Buffer.of(1));
  await closed;
  // Everyone else is still served.
  const p = new Process({ target: putThenDie, module: fixture, args: [q, 3] });
  await p.start();
  await p.join();
  expect([await q.get({ timeout: 30_000 }), await q.get({ timeout: 30_000 }), await q.get({ timeout: 30_000 })]).toEqual([0, 1, 2]);
});

it.runIf(linux && addon)('a client that writes a corrupt ring header gets cut off, and the host serves others', async () => {
  const q = new Queue();
  const { socket, closed, lanePath, ringPath, nonce } = await rawClient(q);
  expect(ringPath).toMatch(/^\/proc\/\d+\/fd\/\d+$/);
  const ring = new Int32Array((shmNative() as NonNullable<ReturnType<typeof shmNative>>).open(ringPath));
  const fd = fs.openSync(lanePath, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  onTestFinished(() => fs.closeSync(fd));
  fs.writeSync(fd, Buffer.concat([nonce, Buffer.of(2)]));
  socket.write(Buffer.of(1));
  // The write position claims 4 GiB - 1 bytes; then a wake-up.
  Atomics.store(ring, 0, -1);
  fs.writeSync(fd, Buffer.of(0));
  await closed;
  const p = new Process({ target: putThenDie, module: fixture, args: [q, 3] });
  await p.start();
  await p.join();
  expect([await q.get({ timeout: 30_000 }), await q.get({ timeout: 30_000 }), await q.get({ timeout: 30_000 })]).toEqual([0, 1, 2]);
});

it.runIf(linux)('a client that claims its lane but never opens it is still dropped when it goes (its lent item comes back)', async () => {
  const q = new Queue();
  await q.put('lent');
  const { socket, need, received } = await rawClient(q);
  socket.write(Buffer.of(1));
  // A blocking Get (op 5) for one item, on the socket: the host lends it the item.
  const prim = (q as unknown as { [reduceSymbol](): { state: { prim: number } } })[reduceSymbol]().state.prim;
  const frame = Buffer.alloc(4 + 28);
  frame.writeUInt32LE(28, 0);
  frame[4] = 5;
  frame.writeUInt32LE(prim, 5);
  frame.writeUInt32LE(1, 9);
  frame.writeDoubleLE(-1, 13);
  frame.writeInt32LE(1, 21);
  frame.writeInt32LE(1, 25);
  socket.write(frame);
  await need(4 + 28);
  expect(received()[4]).toBe(64); // Deliver
  await expect(q.get({ block: false })).rejects.toBeInstanceOf(Empty);
  socket.destroy();
  // Dropped after the grace for a lane whose nonce never came: the item is back.
  expect(await q.get({ timeout: 10_000 })).toBe('lent');
}, 30_000);

it.runIf(linux)('PROC_FIFO_LANE=0 keeps every frame on the socket', async () => {
  const out = new Queue();
  const p = new Process({ target: hostAndReport, module: fixture, args: [out], env: { ...process.env, PROC_FIFO_LANE: '0' } });
  await p.start();
  const r = (await out.get({ timeout: 30_000 })) as { hello: string; lanes: string[] };
  await p.join();
  expect(r).toEqual({ hello: 'hello', lanes: [] });
  // And the same child's report with lanes on names one, so the check above can fail.
  const p2 = new Process({ target: hostAndReport, module: fixture, args: [out] });
  await p2.start();
  const r2 = (await out.get({ timeout: 30_000 })) as { hello: string; lanes: string[] };
  await p2.join();
  expect(r2.lanes).toHaveLength(1);
}, 60_000);
