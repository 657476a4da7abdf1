import { checkWaitOptions } from '@proc/core';
import type { Connection } from '../connection/connection.js';
import { kIsReady, kWhenReadable } from '../connection/internals.js';

/**
 * Python's `multiprocessing.connection.wait`: resolves with the connections among `connections`
 * that have a message (or their end) ready, as soon as one has; with `[]` once `timeout` ms pass.
 */
export function wait(connections: Iterable<Connection>, options: { timeout?: number | null } = {}): Promise<Connection[]> {
  checkWaitOptions(options, 'options');
  const list = [...connections];
  const ready = () => list.filter((c) => c[kIsReady]());
  const now = ready();
  if (now.length > 0 || options.timeout === 0) return Promise.resolve(now);
  return new Promise<Connection[]>((resolve) => {
    const waits = list.map((c) => c[kWhenReadable]());
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      for (const w of waits) w.cancel();
      resolve(ready());
    };
    for (const w of waits) w.promise.then(finish);
    if (options.timeout !== undefined && options.timeout !== null) timer = setTimeout(finish, options.timeout);
  });
}
