// Pool: map, imap and imapUnordered (async iterables), applyAsync with AsyncResult.get, a task
// that throws (the error arrives with its class), and `await using` (Python's `with Pool()`).
import { isMainProcess, Pool } from '@proc/processing';

export function square(x: number): number {
  return x * x;
}

export async function slowAdd(a: number, b: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 50));
  return a + b;
}

export function checkPositive(x: number): number {
  if (x < 0) throw new RangeError(`${x} is negative`);
  return x;
}

if (isMainProcess()) {
  await using pool = new Pool({ processes: 2 });

  console.log('map', await pool.map(square, [1, 2, 3, 4, 5]));

  const ordered: number[] = [];
  for await (const r of pool.imap(square, [6, 7, 8])) ordered.push(r);
  console.log('imap', ordered);

  // imapUnordered yields in completion order: sort for a stable printout.
  const unordered: number[] = [];
  for await (const r of pool.imapUnordered(square, [9, 10, 11], { chunksize: 1 })) unordered.push(r);
  console.log('imapUnordered (sorted)', unordered.sort((a, b) => a - b));

  const res = pool.applyAsync(slowAdd, [20, 22]);
  console.log('applyAsync ready at once?', res.ready());
  console.log('applyAsync get', await res.get({ timeout: 10_000 }));
  console.log('successful', res.successful());

  try {
    await pool.map(checkPositive, [1, -2, 3]);
  } catch (err) {
    console.log('map failed:', `${(err as Error).name}: ${(err as Error).message}`);
  }
  // The worker lives on after a task throws.
  console.log('apply after the error', await pool.apply(square, [12]));
} // pool.terminate() runs here
