/**
 * Pool figures, side by side in one run: proc's Pool, Python's multiprocessing.Pool
 * (bench/pool_peer.py, start method fork) and piscina (2 threads, one task per message).
 *
 *   node --import tsx bench/pool.ts [--quick]
 *
 * Every figure is the median of K trials after a warm-up trial, on one pool of 2 workers
 * (the same two cores for everyone). Prints a table of tasks/s and the ratios the issue asks
 * for, then the imap memory figure.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getContext } from '@proc/core';
import { isMainProcess, Pool } from '@proc/processing';

export function square(x: number): number {
  return x * x;
}

/** The imap memory figure's task: an item in, a small result out. */
export function inc(x: number): number {
  return x + 1;
}

const quick = process.argv.includes('--quick');
const TRIALS = quick ? 3 : 5;
const TASKS = 100_000;
const C1_TASKS = quick ? 20_000 : 100_000;
const PY_C1_TASKS = 20_000;
const DUR = quick ? 0.2 : 0.5;
const IMAP_ITEMS = quick ? 1_000_000 : 10_000_000;
const now = () => performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function trials(trial: () => Promise<number>): Promise<number> {
  await trial();
  const out: number[] = [];
  for (let i = 0; i < TRIALS; i++) out.push(await trial());
  return median(out);
}

type Figure = 'map_default' | 'map_chunk1' | 'apply_seq' | 'apply_async' | 'apply_all';

/** proc's figures, each followed at once by Python's same figure (so both see the same load). */
async function procFigures(): Promise<{ ours: Record<string, number>; py: Record<string, number>; pyError?: string }> {
  await using pool = new Pool({ processes: 2 });
  await pool.map(square, [1, 2, 3, 4]);
  const xs = Array.from({ length: TASKS }, (_, i) => i);
  const xs1 = xs.slice(0, C1_TASKS);
  const figures: Record<Figure, () => Promise<number>> = {
    map_default: async () => {
      const t = now();
      const r = await pool.map(square, xs);
      if (r[3] !== 9) throw new Error('wrong result');
      return TASKS / ((now() - t) / 1000);
    },
    map_chunk1: async () => {
      const t = now();
      await pool.map(square, xs1, { chunksize: 1 });
      return C1_TASKS / ((now() - t) / 1000);
    },
    apply_seq: async () => {
      let ops = 0;
      const t = now();
      while (now() - t < DUR * 1000) {
        for (let i = 0; i < 64; i++) await pool.apply(square, [3]);
        ops += 64;
      }
      return ops / ((now() - t) / 1000);
    },
    apply_async: async () => {
      const t = now();
      const rs = xs1.map((i) => pool.applyAsync(square, [i]));
      for (const r of rs) await r.get();
      return C1_TASKS / ((now() - t) / 1000);
    },
    // The piscina peer's shape: N calls at once, each its own promise.
    apply_all: async () => {
      const t = now();
      await Promise.all(xs.map((i) => pool.apply(square, [i])));
      return TASKS / ((now() - t) / 1000);
    },
  };
  const ours: Record<string, number> = {};
  const py: Record<string, number> = {};
  let pyError: string | undefined;
  for (const [name, trial] of Object.entries(figures)) {
    ours[name] = await trials(trial);
    if (name === 'apply_all') continue;
    const r = await python(name);
    if ('error' in r) pyError = String(r.error);
    else Object.assign(py, r);
  }
  return { ours, py, pyError };
}

async function startFigures(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const method of ['spawn', 'forkserver'] as const) {
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = now();
      await using pool = new Pool({ processes: 2, context: getContext(method) });
      await pool.map(square, [1, 2, 3, 4], { chunksize: 1 });
      ms.push(now() - t);
    }
    out[`start_${method}_ms`] = median(ms);
  }
  return out;
}

async function piscinaFigures(): Promise<Record<string, number>> {
  const url = new URL('../../../apps/bench/node_modules/piscina/dist/index.js', import.meta.url);
  const { Piscina } = (await import(url.href)) as typeof import('piscina');
  const filename = fileURLToPath(new URL('../../../apps/bench/src/peers/piscina_square.mjs', import.meta.url));
  const pool = new Piscina({ filename, minThreads: 2, maxThreads: 2 });
  try {
    await Promise.all([pool.run(1), pool.run(2)]);
    const all = await trials(async () => {
      const t = now();
      const ps = new Array<Promise<number>>(TASKS);
      for (let i = 0; i < TASKS; i++) ps[i] = pool.run(i);
      await Promise.all(ps);
      return TASKS / ((now() - t) / 1000);
    });
    return { piscina_all: all };
  } finally {
    await pool.destroy();
  }
}

async function imapMemory(): Promise<Record<string, number>> {
  await using pool = new Pool({ processes: 2 });
  await pool.map(inc, [1, 2]);
  function* lazy() {
    for (let i = 0; i < IMAP_ITEMS; i++) yield i;
  }
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t = now();
  let n = 0;
  let sum = 0;
  for await (const y of pool.imap(inc, lazy(), { chunksize: 1000 })) {
    n++;
    sum += y;
    if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (n !== IMAP_ITEMS || sum !== (IMAP_ITEMS * (IMAP_ITEMS + 1)) / 2) throw new Error('imap lost items');
  return { imap_items_per_s: n / ((now() - t) / 1000), imap_peak_rss_mb: peak / 2 ** 20, imap_base_rss_mb: base / 2 ** 20 };
}

function python(only: string): Promise<Record<string, number> | { error: string }> {
  const script = fileURLToPath(new URL('./pool_peer.py', import.meta.url));
  const args = [script, '--trials', String(TRIALS), '--tasks', String(TASKS), '--c1-tasks', String(PY_C1_TASKS), '--dur', String(DUR), '--only', only];
  return new Promise((resolve) => {
    execFile('python3', args, { timeout: 600_000 }, (err, stdout) => {
      if (err) return resolve({ error: err.message });
      resolve((JSON.parse(stdout.trim().split('\n').pop() as string) as { figures: Record<string, number> }).figures);
    });
  });
}

const fmt = (v: number | undefined) => (v === undefined ? '-' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(2));
const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}x` : '-');

/** The imap figure runs in a process of its own, so its RSS is its own. */
function imapInChild(): Promise<Record<string, number>> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--imap-only', ...(quick ? ['--quick'] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 900_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`imap figure failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, number>);
    });
  });
}

// Workers import this module to find `square`: only the main process runs the figures.
if (isMainProcess() && process.argv.includes('--imap-only')) {
  process.stdout.write(`${JSON.stringify(await imapMemory())}\n`);
} else if (isMainProcess()) {
  const { ours, py: pyf, pyError } = await procFigures();
  const starts = await startFigures();
  const pisc = await piscinaFigures();
  if (pyError) console.log(`python peer failed: ${pyError}`);
  const rows: [string, number | undefined, number | undefined, string, string][] = [
    ['map 100k, default chunksize (tasks/s)', ours.map_default, pyf.map_default, ratio(ours.map_default, pyf.map_default), '>= 1x'],
    ['map chunksize 1 (tasks/s)', ours.map_chunk1, pyf.map_chunk1, ratio(ours.map_chunk1, pyf.map_chunk1), '>= 2x'],
    ['apply awaited one at a time (calls/s)', ours.apply_seq, pyf.apply_seq, ratio(ours.apply_seq, pyf.apply_seq), '>= 1x'],
    ['applyAsync x N, then get() each (tasks/s)', ours.apply_async, pyf.apply_async, ratio(ours.apply_async, pyf.apply_async), ''],
  ];
  console.log(`\nPool figures (2 workers, median of ${TRIALS} trials after a warm-up; Python's Pool with fork, run right after each figure)\n`);
  console.log(['figure', 'proc', 'Python', 'ratio', 'aim'].join(' | '));
  for (const [name, a, b, r, aim] of rows) console.log([name, fmt(a), fmt(b), r, aim].join(' | '));
  console.log(
    ['100k trivial tasks, all at once: proc apply x N vs piscina run x N', fmt(ours.apply_all), fmt(pisc.piscina_all), ratio(ours.apply_all, pisc.piscina_all), '>= 2x'].join(' | '),
  );
  console.log(['100k trivial tasks: proc map chunksize 1 vs piscina', fmt(ours.map_chunk1), fmt(pisc.piscina_all), ratio(ours.map_chunk1, pisc.piscina_all), '>= 2x'].join(' | '));
  console.log(`\npool start + first map of 4 (ms): spawn ${fmt(starts.start_spawn_ms)}, forkserver ${fmt(starts.start_forkserver_ms)}`);
  const mem = await imapInChild();
  console.log(
    `imap over ${IMAP_ITEMS.toLocaleString('en')} lazily generated items, chunksize 1000: ${fmt(mem.imap_items_per_s)} items/s, parent RSS peak ${mem.imap_peak_rss_mb.toFixed(0)} MB (before: ${mem.imap_base_rss_mb.toFixed(0)} MB; aim < 200 MB)`,
  );
}
