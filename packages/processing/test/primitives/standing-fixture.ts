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

/** Gets until null (plain blocking gets), then sends what it got, in the order got. */
export async function getUntilNull(q: Queue, out: Queue): Promise<void> {
  const got: unknown[] = [];
  for (let x = await q.get(); x !== null; x = await q.get()) got.push(x);
  await out.put(got);
}
