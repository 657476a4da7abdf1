/**
 * Ctrl-C with pools alive. Workers ignore SIGINT (a terminal sends it to the whole process
 * group), so the pools must end them: while a pool is alive and nobody else listens for SIGINT,
 * this listener stops every pool's workers, waits for them (bounded), then lets the process die
 * of SIGINT as it would have. A program with its own SIGINT listener is in charge instead.
 */
import type { PoolEngine } from './engine.js';

/** How long the pools get to stop their workers before the process dies anyway. */
const STOP_BOUND_MS = 2000;

const live = new Set<PoolEngine>();
let sigintInstalled = false;

function onSigint(): void {
  // Someone else handles Ctrl-C: they decide what happens to the pools.
  if (process.listenerCount('SIGINT') > 1) return;
  process.off('SIGINT', onSigint);
  sigintInstalled = false;
  const pools = [...live];
  let timer: NodeJS.Timeout | undefined;
  void Promise.race([
    Promise.allSettled(pools.map((p) => p.stopForExit())),
    new Promise((r) => {
      timer = setTimeout(r, STOP_BOUND_MS);
    }),
  ]).then(() => {
    clearTimeout(timer);
    // Die of SIGINT as if nobody had listened (exit status 130 in a shell).
    process.kill(process.pid, 'SIGINT');
  });
}

export function register(engine: PoolEngine): void {
  live.add(engine);
  if (!sigintInstalled) {
    sigintInstalled = true;
    process.on('SIGINT', onSigint);
  }
}

export function unregister(engine: PoolEngine): void {
  live.delete(engine);
  if (live.size === 0 && sigintInstalled) {
    sigintInstalled = false;
    process.off('SIGINT', onSigint);
  }
}
