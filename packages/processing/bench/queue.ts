/**
 * Queue and Lock throughput, side by side with Python's multiprocessing in the same run:
 *   node --import tsx bench/queue.ts [items=200000] [lockPairs=5000] [trials=3]
 * plus (info) the small-ints queue with a producer that keeps 64 puts in flight, and the other
 * direction: the parent puts small ints for one and for two child consumers.
 * (from packages/processing, after `npx tsc -p tsconfig.build.json`). Reports the median of
 * the trials, in items (or acquire/release pairs) per second, and the ratio to Python.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainProcess, Lock, Process, Queue } from '@proc/processing';

export async function produce(q: Queue, n: number, size: number): Promise<void> {
  const payload = new Uint8Array(size).fill(120);
  for (let i = 0; i < n; i++) await q.put(size ? payload : i);
  await q.put(null);
}

/** Puts `window` items at a time without awaiting each one (Python's put never waits). */
export async function producePipelined(q: Queue, n: number, size: number, window: number): Promise<void> {
  const payload = new Uint8Array(size).fill(120);
  let pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(q.put(size ? payload : i));
    if (pending.length >= window) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await q.put(null);
}

export async function lockLoop(lock: Lock, n: number, out: Queue): Promise<void> {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    await lock.release();
  }
  await out.put(n / ((performance.now() - t) / 1000));
}

/** Gets until null; tells how many it got. */
export async function consumeAll(q: Queue, out: Queue): Promise<void> {
  let got = 0;
  while ((await q.get()) !== null) got++;
  await out.put(got);
}

/** The parent puts `n` small ints for `k` child consumers; items per second until all got theirs. */
async function toChildrenRate(n: number, k: number): Promise<number> {
  const q = new Queue();
  const out = new Queue();
  const ps = Array.from({ length: k }, () => new Process({ target: consumeAll, args: [q, out] }));
  for (const p of ps) await p.start();
  const t = performance.now();
  for (let i = 0; i < n; i++) await q.put(i & 0xff);
  for (let i = 0; i < k; i++) await q.put(null);
  for (let i = 0; i < k; i++) await out.get();
  const rate = n / ((performance.now() - t) / 1000);
  for (const p of ps) await p.join();
  return rate;
}

async function queueRate(n: number, size: number, window = 1): Promise<number> {
  const q = new Queue();
  const p =
    window > 1
      ? new Process({ target: producePipelined, args: [q, n, size, window] })
      : new Process({ target: produce, args: [q, n, size] });
  await p.start();
  await q.get();
  const t = performance.now();
  for (let i = 0; i < n - 1; i++) await q.get();
  const rate = (n - 1) / ((performance.now() - t) / 1000);
  await q.get();
  await p.join();
  return rate;
}

async function lockRate(n: number): Promise<number> {
  const lock = new Lock();
  const out = new Queue();
  const p = new Process({ target: lockLoop, args: [lock, n, out] });
  await p.start();
  const rate = (await out.get()) as number;
  await p.join();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => `${Math.round(x / 1000)} k/s`;

if (isMainProcess()) {
  const n = Number(process.argv[2] ?? 200_000);
  const locks = Number(process.argv[3] ?? 5000);
  const trials = Number(process.argv[4] ?? 3);
  const py = fileURLToPath(new URL('./queue_py.py', import.meta.url));
  const ours = { ints: [] as number[], kib: [] as number[], lock: [] as number[], intsPipe: [] as number[], down1: [] as number[], down2: [] as number[] };
  const theirs = { ints: [] as number[], kib: [] as number[], lock: [] as number[], down1: [] as number[], down2: [] as number[] };
  for (let t = 0; t < trials; t++) {
    ours.ints.push(await queueRate(n, 0));
    ours.kib.push(await queueRate(Math.floor(n / 4), 1024));
    ours.lock.push(await lockRate(locks));
    ours.intsPipe.push(await queueRate(n, 0, 64));
    ours.down1.push(await toChildrenRate(n, 1));
    ours.down2.push(await toChildrenRate(n, 2));
    const r = JSON.parse(execFileSync('python3', [py, String(n), String(locks)], { encoding: 'utf8' })) as Record<string, number>;
    theirs.ints.push(r.ints);
    theirs.kib.push(r.kib);
    theirs.lock.push(r.lock);
    theirs.down1.push(r.down1);
    theirs.down2.push(r.down2);
  }
  const rows: [string, number, number, number][] = [
    ['Queue child->parent, small ints', median(ours.ints), median(theirs.ints), 2],
    ['Queue child->parent, 1 KiB', median(ours.kib), median(theirs.kib), 1.5],
    ['Lock acquire+release from a child (Python: manager Lock)', median(ours.lock), median(theirs.lock), 1],
  ];
  // The aims are judged in apps/bench, whose producers warm up before the clock starts; here a
  // fresh producer starts cold, which weighs most on the shorter 1 KiB run.
  console.log('(producers start cold here; apps/bench times them warmed up, as the aims are judged)');
  for (const [name, o, p, aim] of rows) {
    console.log(`${name}: proc ${fmt(o)}, Python ${fmt(p)}, ratio ${(o / p).toFixed(2)}x (aim >= ${aim}x)`);
  }
  // Not an aim: the producer keeps 64 puts in flight instead of awaiting each (they leave in one
  // write per batch); Python's put never waits, so its row above is the same loop.
  const pipe = median(ours.intsPipe);
  console.log(
    `(info) Queue child->parent, small ints, 64 puts in flight: proc ${fmt(pipe)}, ratio ${(pipe / median(theirs.ints)).toFixed(2)}x to Python's small ints`,
  );
  for (const [k, o, p] of [
    [1, median(ours.down1), median(theirs.down1)],
    [2, median(ours.down2), median(theirs.down2)],
  ] as const) {
    console.log(`(info) Queue parent->${k} child consumer(s), small ints: proc ${fmt(o)}, Python ${fmt(p)}, ratio ${(o / p).toFixed(2)}x`);
  }
}
