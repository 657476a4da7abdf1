/**
 * Map results: chunks travel as dense arrays of numbers where they can (packed by the codec)
 * and are joined in input order; this checks the values survive exactly, whatever the chunking.
 */
import { Pool } from '@proc/processing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mixed, same, square } from './numbers.js';

const module = new URL('./numbers.ts', import.meta.url).href;

function pool(): Pool {
  const p = new Pool({ processes: 2, module });
  onTestFinished(() => p.terminate());
  return p;
}

function expectSame(a: unknown[], b: unknown[]): void {
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) throw new Error(`[${i}]: ${String(a[i])} became ${String(b[i])}`);
  }
}

describe('map results', () => {
  it('100 k items at the default chunksize: every square, in order (past int32 too)', async () => {
    const p = pool();
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const out = await p.map(square, xs);
    expectSame(
      xs.map((x) => x * x),
      out,
    );
  });

  it('keeps -0, NaN, the infinities and fractions exactly, in chunks of every size', async () => {
    const p = pool();
    const specials = [-0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 1.5, -(2 ** 31), 2 ** 31 - 1];
    const xs = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? specials[i % specials.length] : i * 1000));
    for (const chunksize of [undefined, 1, 3, 16, 17, 500]) expectSame(xs, await p.map(same, xs, { chunksize }));
  });

  it('more chunks than one join takes at once, and results of mixed kinds', async () => {
    const p = pool();
    const xs = Array.from({ length: 3000 }, (_, i) => i);
    // chunksize 2: 1,500 chunks.
    expectSame(
      xs.map(mixed),
      await p.map(mixed, xs, { chunksize: 2 }),
    );
    expectSame(
      xs.map(mixed),
      await p.map(mixed, xs),
    );
  });

  it('an empty input and a single chunk', async () => {
    const p = pool();
    expect(await p.map(square, [])).toEqual([]);
    expect(await p.map(square, [1, 2, 3], { chunksize: 10 })).toEqual([1, 4, 9]);
  });
});
