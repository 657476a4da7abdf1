import { deserialize, serialize } from '../src/serialize/index.js';

const small = { id: 1, name: 'x', tags: ['a', 'b'] };
const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, i % 3 === 0 ? { a: i, b: [i, 's'] } : i % 3 === 1 ? `value ${i}` : i * 1.5]));
const which = process.argv[2];
const v = which === 'big' ? big : small;
const N = which === 'big' ? 2e5 : 5e6;
const b = serialize(v);
const t0 = performance.now();
if (process.argv[3] === 'dec') for (let i = 0; i < N; i++) deserialize(b); else for (let i = 0; i < N; i++) serialize(v);
console.log((N / (performance.now() - t0) / 1000).toFixed(2), 'M/s');
