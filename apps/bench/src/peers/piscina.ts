import { fileURLToPath } from 'node:url';
import type { Measure } from '../figures/support.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { now, runTrials, timedLoop } from '../harness/trial.ts';

// piscina, 2 threads, one task per message: the Node pool a user would otherwise pick.

const filename = fileURLToPath(new URL('./piscina_square.mjs', import.meta.url));

async function withPiscina<T>(body: (pool: import('piscina').Piscina) => Promise<T>): Promise<T> {
  const { Piscina } = await import('piscina');
  return withCleanup(async (c) => {
    const pool = new Piscina({ filename, minThreads: 2, maxThreads: 2 });
    c.add('piscina.destroy()', () => pool.destroy());
    await Promise.all([pool.run(1), pool.run(2)]);
    return body(pool);
  });
}

async function burst(pool: import('piscina').Piscina, n: number): Promise<number> {
  const t0 = now();
  const ps = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) ps[i] = pool.run(i);
  await Promise.all(ps);
  return n / ((now() - t0) / 1000);
}

/**
 * N trivial tasks submitted at once, all awaited (30 k in a full run: the rate is steady from
 * a few thousand on). A tenth of N warms up; three trials whatever the mode.
 */
export const piscina_tasks_per_s: Measure = (ctx) =>
  withPiscina((pool) =>
    runTrials(
      { ...ctx, trials: 3 },
      () => burst(pool, ctx.piscinaTasks),
      () => burst(pool, Math.ceil(ctx.piscinaTasks / 10)),
    ),
  );

/** One task at a time, awaited: the peer of Pool.apply. */
export const piscina_sequential_tasks_per_s: Measure = (ctx) =>
  withPiscina((pool) =>
    runTrials(ctx, () =>
      timedLoop(ctx.dur, async (k) => {
        for (let i = 0; i < k; i++) await pool.run(3);
      }),
    ),
  );
