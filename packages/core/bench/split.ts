import { Packr } from 'msgpackr';
import { deserialize, serialize } from '../src/serialize/index.js';

const p = new Packr({ moreTypes: true, useRecords: false });
const small = { id: 1, name: 'x', tags: ['a', 'b'] };
const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, i % 3 === 0 ? { a: i, b: [i, 's'] } : i % 3 === 1 ? `value ${i}` : i * 1.5]));
const best = new Map<string, number>();
function t(name: string, f: () => unknown, N: number) { const t0 = performance.now(); for (let i = 0; i < N; i++) f(); const r = N / (performance.now() - t0) / 1000; best.set(name, Math.max(best.get(name) ?? 0, r)); }
const which = process.argv[2] ?? 'small';
for (let round = 0; round < 7; round++)
for (const [n, v, N] of [['small', small, 2e5], ['big', big, 4e3]] as const) {
  if (which !== 'all' && which !== n) continue;
  const b = serialize(v); const pb = p.pack(v);
  t(`${n} proc enc`, () => serialize(v), N); t(`${n} proc dec`, () => deserialize(b), N);
  t(`${n} msgpackr enc`, () => p.pack(v), N); t(`${n} msgpackr dec`, () => p.unpack(pb), N);
}
for (const [k, r] of best) console.log(k.padEnd(20), r.toFixed(2), 'M/s');
