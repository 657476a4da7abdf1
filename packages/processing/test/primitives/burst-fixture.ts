import type { Queue } from '@proc/processing';

/** Puts 0..n-1 keeping `window` puts in flight (not awaited one by one), then 'done'. */
export async function putInFlight(q: Queue, n: number, window: number): Promise<void> {
  let pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    pending.push(q.put(i));
    if (pending.length >= window) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await q.put('done');
}
