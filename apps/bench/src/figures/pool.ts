import type { PoolClass, PoolLike } from '../api.ts';
import { dummy, processing } from '../api.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { now, runTrials, timedLoop } from '../harness/trial.ts';
import type { Measure } from './support.ts';

/**
 * The pool's task, exported from the module that calls `pool.map` (the seed's shape): a pool
 * locates functions as Process does, and issue 6 names no option for a function that lives in
 * another module. Pool workers therefore load this module (compiled under `pnpm bench`; through
 * tsx when the app runs from source).
 */
export function square(x: number): number {
  return x * x;
}

const POOL_SIZE = 2;

/** One pool for all trials of a figure (Python's peer does the same), warmed by a small map. */
async function withPool<T>(Pool: PoolClass, body: (pool: PoolLike) => Promise<T>): Promise<T> {
  return withCleanup(async (c) => {
    const pool = new Pool({ processes: POOL_SIZE });
    c.add('pool.terminate()', async () => {
      await pool.terminate();
      await pool.join();
    });
    await pool.map(square, [1, 2, 3, 4]);
    return body(pool);
  });
}

function mapFigure(load: () => Promise<{ Pool: PoolClass }>, count: (n: number) => number, chunksize?: number): Measure {
  return async (ctx) => {
    const { Pool } = await load();
    const xs = Array.from({ length: count(ctx.poolTasks) }, (_, i) => i);
    const opts = chunksize === undefined ? undefined : { chunksize };
    return withPool(Pool, (pool) => {
      const once = async () => {
        const t0 = now();
        const out = await pool.map(square, xs, opts);
        const s = (now() - t0) / 1000;
        if (out.length !== xs.length || out[3] !== 9) throw new Error('map returned wrong results');
        return xs.length / s;
      };
      // Maps for three times ctx.warm first (twice in a quick run: a second): the first maps of
      // a fresh pool run before V8 has compiled the codec and dispatch paths of parent and
      // workers (100 k tasks took 300, 130, 80 ms, then 25-50 ms, and 8-10 ms after about a
      // second of maps here). Python's pool has no such warm-up to do.
      const warmUp = async () => {
        const end = now() + (ctx.quick ? 2 : 3) * ctx.warm * 1000;
        do await once();
        while (now() < end);
      };
      return runTrials(ctx, once, warmUp);
    });
  };
}

/** 100 k tasks, Python's default chunksize formula. */
export const pool_map_default_tasks_per_s: Measure = mapFigure(() => processing('Pool'), () => 100_000);
export const pool_map_chunk1_tasks_per_s: Measure = mapFigure(() => processing('Pool'), (n) => n, 1);
export const dummy_pool_map_chunk1_tasks_per_s: Measure = mapFigure(() => dummy('Pool'), (n) => n, 1);

export const pool_apply_tasks_per_s: Measure = async (ctx) => {
  const { Pool } = await processing('Pool');
  // Warmed up for ctx.warm: a one-trial warm-up was mostly the workers' start, and a quick
  // run's trials then timed cold round trips (4 k/s against 20-30 k warm).
  return withPool(Pool, (pool) => {
    const applies = async (k: number) => {
      for (let i = 0; i < k; i++) await pool.apply(square, [3]);
    };
    return runTrials(ctx, () => timedLoop(ctx.dur, applies), () => timedLoop(ctx.warm, applies));
  });
};

export const pool_apply_async_tasks_per_s: Measure = async (ctx) => {
  const { Pool } = await processing('Pool');
  return withPool(Pool, (pool) =>
    runTrials(ctx, async () => {
      const t0 = now();
      const rs = Array.from({ length: ctx.poolTasks }, (_, i) => pool.applyAsync(square, [i]));
      for (const r of rs) await r.get();
      return ctx.poolTasks / ((now() - t0) / 1000);
    }),
  );
};
