/**
 * The round-trip figures paired with Python's, in turns (ours, Python's, ours, ...), so a drift in
 * the machine's speed hits both sides of each pair; prints each pair's ratios and their medians:
 *   npx tsx bench/paired.ts [pairs]
 * One turn of ours is `paired.ts --one` in a fresh process (a fresh manager), Python's is
 * `paired_peer.py`: dict get awaited from the parent and from a child, and Manager Queue child to
 * parent with `await get()` one at a time.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainProcess, Process } from '@proc/core';
import { type DictProxy, Manager, type QueueProxy } from '@proc/managers';
export async function produce(q: QueueProxy<number | null>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i & 0xff);
  await q.put(null);
}
export async function childGets(d: DictProxy, out: QueueProxy, n: number): Promise<void> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await d.get('x');
  await out.put(n / ((performance.now() - t) / 1000));
}
async function one(): Promise<void> {
  const N = 20000;
  await using m = await Manager();
  const d = await m.dict<string, number>();
  await d.set('x', 1);
  for (let i = 0; i < 2000; i++) await d.get('x');
  let t = performance.now();
  for (let i = 0; i < N; i++) await d.get('x');
  const parent = N / ((performance.now() - t) / 1000);
  const out = await m.Queue<number>();
  const c = new Process({ target: childGets, args: [d, out, N] });
  await c.start();
  const child = await out.get();
  await c.join();
  const q = await m.Queue<number | null>();
  const p = new Process({ target: produce, args: [q, 50000] });
  await p.start();
  await q.get();
  t = performance.now();
  let n = 1;
  while ((await q.get()) !== null) n++;
  const queue = (n - 1) / ((performance.now() - t) / 1000);
  await p.join();
  console.log(JSON.stringify({ parent, child, queue }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function turn(cmd: string, args: string[]): Record<string, number> {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

async function pairs(n: number): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const ratios: Record<string, number[]> = { parent: [], child: [], queue: [] };
  for (let i = 0; i < n; i++) {
    const ours = turn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one']);
    const py = turn('python3', [path.join(here, 'paired_peer.py')]);
    const row = Object.keys(ratios).map((k) => {
      ratios[k].push(ours[k] / py[k]);
      return `${k} ${(ours[k] / 1000).toFixed(1)}/${(py[k] / 1000).toFixed(1)} k/s`;
    });
    console.log(`pair ${i + 1}: ${row.join(', ')}`);
  }
  for (const [k, xs] of Object.entries(ratios)) {
    console.log(`${k}: median ratio ${median(xs).toFixed(2)}x (${xs.map((x) => x.toFixed(2)).join(' ')})`);
  }
}

if (isMainProcess()) {
  if (process.argv.includes('--one')) await one();
  else await pairs(Number(process.argv[2] ?? 5));
}
