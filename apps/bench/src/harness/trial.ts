import { performance } from 'node:perf_hooks';

/** How hard to measure: the CLI's mode, handed to every measurement. */
export interface TrialContext {
  quick: boolean;
  /** Trials per figure (at least three). */
  trials: number;
  /** Seconds per throughput trial. */
  dur: number;
  /**
   * Seconds of warm-up before a round-trip loop is timed: V8 compiles the hot path only after
   * some thousands of calls, and a figure of the cold path says little of a real program.
   */
  warm: number;
  /**
   * Least seconds per trial of a figure that moves items: a fresh producer needs a while before
   * its hot path is compiled, so its clock starts late (after a tenth of the items, or after a
   * queue producer's warm-up marker).
   */
  minItemSeconds: number;
  /** Seconds a producer of items runs before the clock starts (see `itemSeconds`). */
  itemWarm: number;
  /** Task counts for the pool figures. */
  poolTasks: number;
  piscinaTasks: number;
  /** Start+join repetitions per start-figure trial. */
  startReps: number;
}

export function trialContext(quick: boolean): TrialContext {
  return quick
    ? { quick, trials: 3, dur: 0.15, warm: 0.5, minItemSeconds: 0.25, itemWarm: 0.2, poolTasks: 5_000, piscinaTasks: 6_000, startReps: 3 }
    : { quick, trials: 5, dur: 0.25, warm: 0.5, minItemSeconds: 0.4, itemWarm: 0.4, poolTasks: 10_000, piscinaTasks: 30_000, startReps: 5 };
}

/** What a measurement hands back: every trial's value (the report takes the median). */
export interface Measured {
  trials: number[];
  note?: string;
}

export const now = (): number => performance.now();

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A warm-up run, then `ctx.trials` trials; each trial sets itself up (fresh processes). */
export async function runTrials(ctx: TrialContext, trial: () => Promise<number>, warmup: () => Promise<unknown> = trial): Promise<Measured> {
  await warmup();
  const trials: number[] = [];
  for (let i = 0; i < ctx.trials; i++) trials.push(await trial());
  return { trials };
}

/**
 * Trials that each start fresh processes and warm them up themselves (a hundred round trips
 * before the clock starts), so no separate warm-up run is needed.
 */
export async function freshTrials(ctx: TrialContext, trial: () => Promise<number>): Promise<Measured> {
  return runTrials(ctx, trial, async () => {});
}

/** Runs `body(k)` (k operations) until `seconds` have passed; returns operations per second. */
export async function timedLoop(seconds: number, body: (k: number) => Promise<void>, k = 64): Promise<number> {
  let ops = 0;
  const t0 = now();
  for (;;) {
    await body(k);
    ops += k;
    const el = (now() - t0) / 1000;
    if (el >= seconds) return ops / el;
  }
}

/** `timedLoop` after a warm-up of `ctx.warm` seconds running the same body. */
export async function warmTimedLoop(ctx: TrialContext, body: (k: number) => Promise<void>, k = 64): Promise<number> {
  await timedLoop(ctx.warm, body, k);
  return timedLoop(ctx.dur, body, k);
}

/** Synchronous timed loop for in-process figures (no await between operations). */
export function timedLoopSync(seconds: number, body: (k: number) => void, k = 100_000): number {
  let ops = 0;
  const t0 = now();
  for (;;) {
    body(k);
    ops += k;
    const el = (now() - t0) / 1000;
    if (el >= seconds) return ops / el;
  }
}

/**
 * For figures that move n items per run (a producer sends n, the consumer times them): warm-up
 * runs estimate the rate, then every trial moves as many items as fill about `ctx.dur` seconds
 * (at least `ctx.minItemSeconds`). `run(n)` returns items per second. A short first run measures
 * a cold producer (V8 compiles its hot path late) and would size the trials too short to leave
 * the cold range, so the warm-up run grows until it lasts a fifth of a trial.
 */
export async function calibratedTrials(ctx: TrialContext, n0: number, run: (n: number) => Promise<number>): Promise<Measured> {
  const cap = 5_000_000;
  const seconds = Math.max(ctx.dur, ctx.minItemSeconds);
  let n = n0;
  let rate = await run(n);
  while (n / rate < seconds / 5 && n < cap) {
    n = Math.min(cap, n * 4);
    rate = await run(n);
  }
  n = Math.max(n, Math.min(cap, Math.round(rate * seconds)));
  const trials: number[] = [];
  for (let i = 0; i < ctx.trials; i++) trials.push(await run(n));
  return { trials, note: `${n} items per trial` };
}

/** How long a trial of a figure that moves items runs its clock. */
export function itemSeconds(ctx: TrialContext): number {
  return Math.max(ctx.dur, ctx.minItemSeconds);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
