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

/** Gets until null, every third get with a timeout (mixing the plain and the timed paths). */
export async function getMixedUntilNull(q: Queue, out: Queue): Promise<void> {
  const got: unknown[] = [];
  for (let i = 0; ; i++) {
    const x = i % 3 === 2 ? await q.get({ timeout: 30_000 }) : await q.get();
    if (x === null) break;
    got.push(x);
  }
  await out.put(got);
}
