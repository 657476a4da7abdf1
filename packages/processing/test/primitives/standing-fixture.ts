import type { Queue } from '@proc/processing';

/** Puts 0..n-1, awaiting each put. */
export async function putEach(q: Queue, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
}

/** Tells the parent it is about to wait, gets `n` items (plain blocking gets), sends them back. */
export async function getSome(q: Queue, n: number, out: Queue): Promise<void> {
  await out.put('waiting');
  const got: unknown[] = [];
  for (let i = 0; i < n; i++) got.push(await q.get());
  await out.put(got);
}
