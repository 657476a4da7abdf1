import fs from 'node:fs';
import { type Event, Process, Queue } from '@proc/processing';

/** The FIFO lanes this process holds open (readlink of its fds; Linux). */
export function openLanes(): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (/\/lane-\d+/.test(target)) out.push(target);
    } catch {}
  }
  return out;
}

/** Puts one item, reports its open lanes, then waits for `stop`. */
export async function reportLanes(q: Queue, stop: Event): Promise<void> {
  await q.put('hello');
  await q.put(openLanes());
  await stop.wait();
}

/** Puts 0..n-1 and kills itself the moment the last put resolved. */
export async function putThenDie(q: Queue, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
  process.kill(process.pid, 'SIGKILL');
}

/** Hosts a queue here, has a child put into it and report its lanes, and passes that on. */
export async function hostAndReport(out: Queue): Promise<void> {
  const q = new Queue();
  const p = new Process({ target: reportLanesAndGo, module: import.meta.url, args: [q] });
  await p.start();
  const hello = await q.get({ timeout: 30_000 });
  const lanes = await q.get({ timeout: 30_000 });
  await p.join();
  await out.put({ hello, lanes });
}

export async function reportLanesAndGo(q: Queue): Promise<void> {
  await q.put('hello');
  await q.put(openLanes());
}

/** Gets `k` items and kills itself the moment the last get resolved (its acks are in the kernel). */
export async function getThenDie(q: Queue, k: number): Promise<void> {
  for (let i = 0; i < k; i++) await q.get();
  process.kill(process.pid, 'SIGKILL');
}

/** Puts how many lane rings (memfds from proc's addon) this process has mapped, then waits. */
export async function reportRings(q: Queue, stop: Event): Promise<void> {
  await q.put('warm-up');
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  const rings = new Set(maps.split('\n').filter((l) => l.includes('memfd:proc-lane')).map((l) => l.split(/\s+/)[4]));
  await q.put(rings.size);
  await stop.wait();
}

/** Puts `n` items of `size` bytes (item i starts with i) as fast as its puts resolve, then null. */
export async function putBig(q: Queue, n: number, size: number): Promise<void> {
  const item = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    new DataView(item.buffer).setUint32(0, i, true);
    await q.put(item);
  }
  await q.put(null);
}
