/**
 * Manager figures side by side with Python's managers, in one run:
 *   npx tsx bench/manager.ts [getCalls] [queueItems]
 * dict get awaited one at a time (parent, child), dict get pipelined (1000 in flight), Manager
 * Queue child -> parent (await get() loop, and for await), Manager() to its first proxy vs a
 * bare Node start (in turns), and the server's heap across a million set/get calls. Medians of three trials.
 */
import { fork, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainProcess, Process } from '@proc/core';
import { type DictProxy, Manager, type QueueProxy } from '@proc/managers';

const N_GET = Number(process.argv[2] ?? 20000);
const N_Q = Number(process.argv[3] ?? 50000);
const here = path.dirname(fileURLToPath(import.meta.url));

async function gets(d: DictProxy, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await d.get('x');
  return n / ((performance.now() - t) / 1000);
}

async function pipelined(d: DictProxy, n: number, inFlight = 1000): Promise<number> {
  const t = performance.now();
  for (let done = 0; done < n; done += inFlight) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < inFlight; i++) batch.push(d.get('x'));
    await Promise.all(batch);
  }
  return n / ((performance.now() - t) / 1000);
}

export async function childGets(d: DictProxy, out: DictProxy, n: number, key: string): Promise<void> {
  await out.set(key, await gets(d, n));
}

export async function produce(q: QueueProxy<number | null>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
  await q.put(null);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = (x: number) => `${(x / 1000).toFixed(1)} k/s`;

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
async function main(): Promise<void> {
  // Manager() to its first proxy, in turns with a bare Node start (fork of an empty script to
  // its first IPC message): process starts here swing between a fast and a slow mode, and
  // taking them in turns lets both figures see the same machine. Medians of nine.
  const bare: number[] = [];
  const starts: number[] = [];
  const empty = path.join(here, 'empty-ready.mjs');
  for (let i = 0; i < 9; i++) {
    let t = performance.now();
    const cp = fork(empty, [], { execArgv: [], stdio: 'ignore' });
    await new Promise((r) => cp.once('message', r));
    bare.push(performance.now() - t);
    await new Promise((r) => cp.once('exit', r));
    t = performance.now();
    const m = await Manager();
    await m.dict();
    starts.push(performance.now() - t);
    await m.shutdown();
  }

  log('starts done');
  await using m = await Manager({ execArgv: ['--expose-gc'] });
  const d = await m.dict<string, unknown>();
  await d.set('x', 1);
  const out = await m.dict<string, number>();
  await gets(d, 2000); // warm up
  const parent = median([await gets(d, N_GET), await gets(d, N_GET), await gets(d, N_GET)]);
  log(`parent ${parent}`);
  const piped = median([await pipelined(d, N_GET * 5), await pipelined(d, N_GET * 5), await pipelined(d, N_GET * 5)]);
  log(`piped ${piped}`);
  const child: number[] = [];
  for (let i = 0; i < 3; i++) {
    const p = new Process({ target: childGets, args: [d, out, N_GET, `c${i}`] });
    await p.start();
    await p.join();
    child.push((await out.get(`c${i}`)) as number);
  }
  log(`child ${child}`);
  const q = await m.Queue<number | null>();
  const qGet: number[] = [];
  const qIter: number[] = [];
  for (let i = 0; i < 3; i++) {
    const p = new Process({ target: produce, args: [q, N_Q] });
    await p.start();
    let t = performance.now();
    let n = 0;
    while ((await q.get()) !== null) n++;
    qGet.push(n / ((performance.now() - t) / 1000));
    await p.join();
    const p2 = new Process({ target: produce, args: [q, N_Q] });
    await p2.start();
    t = performance.now();
    n = 0;
    for await (const item of q) {
      if (item === null) break;
      n++;
    }
    qIter.push(n / ((performance.now() - t) / 1000));
    await p2.join();
  }

  log(`queue ${qGet} ${qIter}`);
  // Memory: a million set/get calls (200 rounds of 5000, pipelined), the server's heap before and
  // after (after a GC: the server runs with --expose-gc here).
  const heap = async () => ((await m.debugInfo()) as unknown as { heapUsed?: number }).heapUsed ?? Number.NaN;
  const h0 = await heap();
  for (let round = 0; round < 200; round++) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < 5000; i++) batch.push(i % 2 ? d.set(`k${i % 100}`, i) : d.get(`k${i % 100}`));
    await Promise.all(batch);
  }
  const h1 = await heap();

  const py = spawnSync('python3', [path.join(here, 'manager_peer.py'), String(N_GET), String(N_Q)], { encoding: 'utf8' });
  const pyr = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;

  const row = (name: string, ours: number, theirs: number, fmt = k) =>
    console.log(`${name.padEnd(34)} ${fmt(ours).padStart(12)} ${fmt(theirs).padStart(12)} ${(ours / theirs).toFixed(2).padStart(7)}x`);
  console.log(`${'figure'.padEnd(34)} ${'proc'.padStart(12)} ${'python'.padStart(12)} ${'ratio'.padStart(8)}`);
  row('dict get, parent (awaited)', parent, pyr.dict_get_parent);
  row('dict get, child (awaited)', median(child), pyr.dict_get_child);
  row('dict get, pipelined 1000 vs py seq', piped, pyr.dict_get_parent);
  row('Queue child->parent, await get()', median(qGet), pyr.queue_child_to_parent);
  row('Queue child->parent, for await', median(qIter), pyr.queue_child_to_parent);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`Manager() to its first proxy ${ms(median(starts))}, bare node start ${ms(median(bare))}: ${(median(starts) / median(bare)).toFixed(2)}x (python Manager() ${ms(pyr.start_ms)})`);
  console.log(`server heap before/after 1M set/get: ${(h0 / 1e6).toFixed(1)} MB / ${(h1 / 1e6).toFixed(1)} MB`);
}

if (isMainProcess()) await main();
