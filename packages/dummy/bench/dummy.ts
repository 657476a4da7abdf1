/**
 * @proc/dummy's figures, side by side in one run (issue 7):
 *   - a Queue between two threads vs Python's queue.Queue between two threads;
 *   - the thread Pool vs piscina on 100 k trivial tasks (two threads each);
 *   - a shared dict get from the main thread and from a worker thread vs the process manager's
 *     (a worker reuses a read-only answer while the dict is unchanged; the round-trip row shows
 *     a call that goes to the host every time).
 * Run: node --import tsx packages/dummy/bench/dummy.ts   (after `pnpm build`)
 * Each figure is the median of three trials.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Manager, Pool, Process, Queue } from '@proc/dummy';
import { dictGets, dictRoundTrips, produce, square } from './targets.js';

const module = new URL('./targets.ts', import.meta.url).href;
const TRIALS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
const rows: [string, string, string, string][] = [];

async function trials(f: () => Promise<number>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < TRIALS; i++) out.push(await f());
  return median(out);
}

// 1. Queue between two threads.
const QN = 1_000_000;
const queueRate = await trials(async () => {
  const q = new Queue();
  const p = new Process({ target: produce, args: [q, QN], module });
  await p.start();
  const t0 = performance.now();
  let n = 0;
  while ((await q.get()) !== -1) n++;
  const rate = n / ((performance.now() - t0) / 1000);
  await p.join();
  return rate;
});
let pyRate = Number.NaN;
try {
  const py = process.env.PYTHON ?? 'python3';
  const script = fileURLToPath(new URL('./queue_threads.py', import.meta.url));
  pyRate = median(Array.from({ length: TRIALS }, () => Number(execFileSync(py, [script, String(QN)], { encoding: 'utf8' }).trim())));
} catch {}
rows.push(['Queue, thread to thread, small ints', fmt(queueRate), `Python queue.Queue ${fmt(pyRate)}`, `${(queueRate / pyRate).toFixed(2)}x (aim 2x)`]);

// 2. Pool vs piscina, 100k trivial tasks, two threads, all submitted at once.
const PN = 100_000;
const pool = new Pool({ processes: 2, module });
await Promise.all(Array.from({ length: 1000 }, (_, i) => pool.apply(square, [i])));
const poolRate = await trials(async () => {
  const t0 = performance.now();
  const ps: Promise<number>[] = [];
  for (let i = 0; i < PN; i++) ps.push(pool.apply(square, [i]));
  await Promise.all(ps);
  return PN / ((performance.now() - t0) / 1000);
});
await pool.terminate();
let piscinaRate = Number.NaN;
try {
  const require = createRequire(new URL('../../../apps/bench/package.json', import.meta.url));
  const mod = (await import(require.resolve('piscina'))) as { Piscina?: unknown; default?: { Piscina?: unknown } };
  const Piscina = (mod.Piscina ?? mod.default?.Piscina ?? mod.default) as typeof import('piscina').Piscina;
  const pis = new Piscina({ filename: fileURLToPath(new URL('./piscina-task.mjs', import.meta.url)), minThreads: 2, maxThreads: 2 });
  await Promise.all(Array.from({ length: 1000 }, (_, i) => pis.run(i)));
  piscinaRate = await trials(async () => {
    const t0 = performance.now();
    const ps: Promise<number>[] = [];
    for (let i = 0; i < PN; i++) ps.push(pis.run(i));
    await Promise.all(ps);
    return PN / ((performance.now() - t0) / 1000);
  });
  await pis.destroy();
} catch (err) {
  console.error('piscina not measured:', (err as Error).message);
}
rows.push(['Pool, 100k trivial tasks (apply)', fmt(poolRate), `piscina ${fmt(piscinaRate)}`, `${(poolRate / piscinaRate).toFixed(2)}x (aim 2x)`]);

// 3. Shared dict get, awaited one at a time.
const DN = 200_000;
const manager = await Manager();
const d = await manager.dict();
await d.set('x', 42);
const mainRate = await trials(async () => {
  const t0 = performance.now();
  for (let i = 0; i < DN; i++) await d.get('x');
  return DN / ((performance.now() - t0) / 1000);
});
const workerRate = await trials(async () => {
  const out = new Queue();
  const p = new Process({ target: dictGets, args: [d, 50_000, out], module });
  await p.start();
  const rate = (await out.get()) as number;
  await p.join();
  return rate;
});
const roundTripRate = await trials(async () => {
  const out = new Queue();
  const p = new Process({ target: dictRoundTrips, args: [d, 20_000, out], module });
  await p.start();
  const rate = (await out.get()) as number;
  await p.join();
  return rate;
});
await manager.shutdown();
let processRate = Number.NaN;
try {
  const { Manager: ProcessManager } = await import('@proc/managers');
  const pm = await ProcessManager();
  const pd = await pm.dict();
  await pd.set('x', 42);
  for (let i = 0; i < 1000; i++) await pd.get('x');
  processRate = await trials(async () => {
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) await pd.get('x');
    return 20_000 / ((performance.now() - t0) / 1000);
  });
  await pm.shutdown();
} catch (err) {
  console.error('process manager not measured:', (err as Error).message);
}
const baseline = Number.isNaN(processRate) ? 30_000 : processRate;
const base = Number.isNaN(processRate) ? 'process manager n/a; ~30,000/s assumed' : `process manager ${fmt(processRate)}`;
rows.push(['dict get from the main thread', fmt(mainRate), base, `${(mainRate / baseline).toFixed(1)}x (aim 10x)`]);
rows.push(['dict get from a worker thread', fmt(workerRate), base, `${(workerRate / baseline).toFixed(2)}x (aim 1x)`]);
rows.push(['  (a round trip each: setdefault)', fmt(roundTripRate), base, `${(roundTripRate / baseline).toFixed(2)}x`]);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`@proc/dummy figures (median of ${TRIALS}), ${new Date().toISOString()}`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  |  '));
process.exit(0);
