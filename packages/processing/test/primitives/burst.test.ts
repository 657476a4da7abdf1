/**
 * Puts not awaited one by one (several in flight in the same synchronous run) leave in one
 * write per batch after the first direct write: order, exactly once, bounded or not.
 */
import { Empty, Process, Queue } from '@proc/processing';
import { expect, it } from 'vitest';

const fixture = new URL('./burst-fixture.ts', import.meta.url).href;
const { putInFlight } = await import(fixture);

for (const maxsize of [0, 16]) {
  it(`a child's puts in flight arrive once each, in order (maxsize ${maxsize})`, async () => {
    const q = new Queue({ maxsize });
    const n = 3000;
    const p = new Process({ target: putInFlight, module: fixture, args: [q, n, 100] });
    await p.start();
    const got: unknown[] = [];
    for (let i = 0; i < n; i++) got.push(await q.get({ timeout: 30_000 }));
    expect(await q.get({ timeout: 30_000 })).toBe('done');
    await p.join();
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    await expect(q.get({ block: false })).rejects.toBeInstanceOf(Empty);
  }, 60_000);
}
