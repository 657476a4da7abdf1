import { Process } from '@proc/core';
import { onTestFinished } from 'vitest';

/** Starts a child running `target(...args)` and registers its cleanup at once. */
export async function child(target: (...a: never[]) => unknown, args: unknown[]): Promise<Process> {
  const p = new Process({ target: target as never, args: args as never, module: new URL('./fixtures/targets.ts', import.meta.url).href });
  onTestFinished(async () => {
    if (p.isAlive()) {
      p.kill();
      await p.join();
    }
  });
  await p.start();
  return p;
}

/** Waits (by round trips, no timers) until `check()` holds. */
export async function until(check: () => Promise<boolean>, tries = 5000): Promise<void> {
  for (let i = 0; i < tries; i++) if (await check()) return;
  throw new Error('condition never held');
}
