/** The host's store of waiting queue items (src/primitives/host/byte-queue.ts). */
import { expect, it } from 'vitest';
import { ByteQueue } from '../../dist/primitives/host/byte-queue.js';

const item = (i: number, n: number) => {
  const b = Buffer.alloc(n, i & 0xff);
  if (n >= 4) b.writeUInt32LE(i, 0);
  return b;
};

it('gives items back in order, whatever their sizes, across growth, compaction and big items', () => {
  const q = new ByteQueue();
  const sizes = (i: number) => (i % 211 === 0 ? 70_000 : i % 7 === 0 ? 0 : 1 + ((i * 37) % 3000));
  const want: Buffer[] = [];
  let next = 0;
  // Waves: push many (the store grows), take most (the rest moves to the front), again.
  for (let wave = 0; wave < 6; wave++) {
    for (let k = 0; k < 4000; k++) {
      const b = item(next, sizes(next));
      next++;
      want.push(b);
      q.push(b);
    }
    expect(q.length).toBe(want.length);
    for (let k = 0; k < 3000; k++) expect((q.shift() as Buffer).equals(want.shift() as Buffer)).toBe(true);
  }
  while (want.length > 0) expect((q.shift() as Buffer).equals(want.shift() as Buffer)).toBe(true);
  expect(q.length).toBe(0);
  expect(q.shift()).toBeUndefined();
});

it('puts items given back in front, the first given back first', () => {
  const q = new ByteQueue();
  for (let i = 0; i < 3; i++) q.push(item(i, 8));
  // As the host gives back lent items 10, 11 (in order): unshift the last first.
  q.unshift(item(11, 8));
  q.unshift(item(10, 8));
  const got: number[] = [];
  for (let b = q.shift(); b; b = q.shift()) got.push(b.readUInt32LE(0));
  expect(got).toEqual([10, 11, 0, 1, 2]);
});

it('hands out copies: an item taken stays intact while the store is reused', () => {
  const q = new ByteQueue();
  q.push(item(1, 100));
  const a = q.shift() as Buffer;
  for (let i = 0; i < 1000; i++) {
    q.push(item(7, 100));
    q.shift();
  }
  expect(a.equals(item(1, 100))).toBe(true);
});
