import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Measure } from '../figures/support.ts';
import { median, now, runTrials } from '../harness/trial.ts';

// Bare Node: what a process costs without proc. Children get an empty execArgv, so no loader
// (tsx) is counted.

const child = (name: string) => fileURLToPath(new URL(`./children/${name}`, import.meta.url));

const exited = (cp: { exitCode: number | null; once(e: 'exit', f: () => void): unknown }) =>
  new Promise<void>((r) => {
    if (cp.exitCode !== null) r();
    else cp.once('exit', () => r());
  });

/** `child_process.fork` of an empty script to its exit, in ms. */
export async function forkExit(): Promise<number> {
  const t0 = now();
  const cp = fork(child('empty.mjs'), [], { execArgv: [], stdio: 'ignore' });
  await exited(cp);
  return now() - t0;
}

/** `child_process.fork` of a script to its first IPC message, in ms. */
export async function forkReady(): Promise<number> {
  const t0 = now();
  const cp = fork(child('ready.mjs'), [], { execArgv: [], stdio: 'ignore' });
  await new Promise((r) => cp.once('message', r));
  const ms = now() - t0;
  await exited(cp);
  return ms;
}

const medianOf = (reps: number, f: () => Promise<number>) => async () => {
  const lat: number[] = [];
  for (let i = 0; i < reps; i++) lat.push(await f());
  return median(lat);
};

/** child_process.fork of an empty script, start to exit. */
export const fork_exit_ms: Measure = (ctx) => runTrials(ctx, medianOf(ctx.startReps, forkExit), forkExit);

/** child_process.fork to the child's first IPC message. */
export const fork_ready_ms: Measure = (ctx) => runTrials(ctx, medianOf(ctx.startReps, forkReady), forkReady);

/** A bare node process's RSS, in MiB. */
export const node_rss_mb: Measure = (ctx) =>
  runTrials(ctx, async () => {
    const cp = spawn(process.execPath, [child('rss.mjs')], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    cp.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    await exited(cp);
    const v = Number(out);
    if (!Number.isFinite(v)) throw new Error(`bare node printed ${JSON.stringify(out)}`);
    return v;
  });

