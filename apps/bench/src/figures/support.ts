import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProcessLike } from '../api.ts';
import type { Cleanup } from '../harness/cleanup.ts';
import { type Measured, median, type TrialContext } from '../harness/trial.ts';

/** A figure's measurement, run inside a job process (src/harness/job-child.ts). */
export type Measure = (ctx: TrialContext) => Promise<Measured>;

/** The URL of the module that exports the child targets (passed as `module`). */
export const TARGETS = new URL('../targets/targets.mjs', import.meta.url).href;

/** The authkey the connection figures use, as hex (children rebuild the bytes). */
export const AUTHKEY_HEX = randomBytes(16).toString('hex');

/** A private folder for files that children write their measurements to. */
export function scratch(c: Cleanup): (name: string) => string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proc-bench-'));
  c.add('remove scratch folder', () => rmSync(dir, { recursive: true, force: true }));
  let k = 0;
  return (name) => path.join(dir, `${name}-${k++}`);
}

export function readNumber(file: string): number {
  const v = Number(readFileSync(file, 'utf8'));
  if (!Number.isFinite(v)) throw new Error(`the child wrote no number to ${file}`);
  return v;
}

/** Registers the polite stop of a started process: join briefly, then kill. */
export function stopLater(c: Cleanup, p: ProcessLike): void {
  c.add('stop child process', async () => {
    if (p.exitCode === null) {
      await p.join({ timeout: 1000 });
      if (p.exitCode === null) {
        p.kill();
        await p.join({ timeout: 1000 });
      }
    }
  });
}

/** Joins a child and fails the figure when the child did not end well. */
export async function joinOk(p: ProcessLike, timeoutMs = 10_000): Promise<void> {
  await p.join({ timeout: timeoutMs });
  if (p.exitCode === null) throw new Error(`a child did not end within ${timeoutMs} ms`);
  if (p.exitCode !== 0) throw new Error(`a child ended with exit code ${p.exitCode}`);
}

/**
 * The note of a start figure that took a bare node start in turns with each of its own: the
 * median of the pairs' ratios (process starts here swing between a fast and a slow mode, and
 * the peer column, measured in a job of its own, may have met the other one).
 */
export function pairedNote(ratios: readonly number[]): string {
  return `${median(ratios).toFixed(2)}x a bare node start taken in turns (median of ${ratios.length} pairs)`;
}
