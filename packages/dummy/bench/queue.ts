/**
 * The Queue figure alone, in alternating turns with Python's queue.Queue (dummy, Python,
 * dummy, Python...), each pair's ratio printed and the medians at the end.
 * Run: node --import tsx packages/dummy/bench/queue.ts [pairs=5] [items=1000000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Process, Queue } from '@proc/dummy';
import { produce } from './targets.js';

const module = new URL('./targets.ts', import.meta.url).href;
const PAIRS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 1_000_000);
const script = fileURLToPath(new URL('./queue_threads.py', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function dummy(): Promise<number> {
  const q = new Queue();
  const p = new Process({ target: produce, args: [q, N], module });
  await p.start();
  const t0 = performance.now();
  let n = 0;
  while ((await q.get()) !== -1) n++;
  const rate = n / ((performance.now() - t0) / 1000);
  await p.join();
  return rate;
}

const ours: number[] = [];
const py: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < PAIRS; i++) {
  const a = await dummy();
  const b = Number(execFileSync(process.env.PYTHON ?? 'python3', [script, String(N)], { encoding: 'utf8' }).trim());
  ours.push(a);
  py.push(b);
  ratios.push(a / b);
  console.log(`pair ${i + 1}: dummy ${Math.round(a)}/s  python ${b}/s  ratio ${(a / b).toFixed(2)}`);
}
console.log(`median: dummy ${Math.round(median(ours))}/s  python ${Math.round(median(py))}/s  ratio ${median(ratios).toFixed(2)} (median of pair ratios)`);
process.exit(0);
