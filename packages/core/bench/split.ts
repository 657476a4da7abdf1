import { Packr } from 'msgpackr';
import { deserialize, serialize } from '../src/serialize/index.js';
const p = new Packr({ moreTypes: true, useRecords: false });
const small = { id: 1, name: 'x', tags: ['a', 'b'] };
const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, i % 3 === 0 ? { a: i, b: [i, 's'] } : i % 3 === 1 ? `value ${i}` : i * 1.5]));
function t(name: string, f: () => unknown) { for (let i=0;i<1e4;i++) f(); const N = 3e5; const t0 = performance.now(); for (let i = 0; i < N; i++) f(); const dt = performance.now() - t0; console.log(name.padEnd(30), (N / dt / 1000).toFixed(2), 'M/s'); }
for (const [n, v, N] of [['small', small], ['big', big]] as const) {
  const b = serialize(v); const pb = p.pack(v);
  t(`${n} proc enc`, () => serialize(v)); t(`${n} proc dec`, () => deserialize(b));
  t(`${n} msgpackr enc`, () => p.pack(v)); t(`${n} msgpackr dec`, () => p.unpack(pb));
  t(`${n} JSON enc`, () => JSON.stringify(v)); const js = JSON.stringify(v); t(`${n} JSON dec`, () => JSON.parse(js));
}
