/**
 * Round-trip throughput (encode + decode per op) of proc's codec against v8.serialize and
 * msgpackr. Run from packages/core: `npx tsx bench/codec.ts [millisPerRound] [rounds]`.
 * Codecs run interleaved, round after round, and each keeps its best round: on a shared
 * machine, the best round is the one least disturbed by other load.
 */
import v8 from 'node:v8';
import { Packr } from 'msgpackr';
import { deserialize, serialize } from '../src/serialize/index.js';

const cases: Record<string, unknown> = {
  'small int': 42,
  'short string': 'hello',
  'small object': { id: 1, name: 'x', tags: ['a', 'b'] },
  '1 KiB string': 'x'.repeat(1024),
  '1 MiB Buffer': Buffer.alloc(1 << 20, 7),
  // A pool map chunk (Python's default chunksize for 100 k items on 2 workers), both ways.
  '12,500 ints (map args)': Array.from({ length: 12_500 }, (_, i) => i + 50_000),
  '12,500 squares (map results)': Array.from({ length: 12_500 }, (_, i) => (i + 50_000) ** 2),
  '100-key object': Object.fromEntries(
    Array.from({ length: 100 }, (_, i) => [
      `key${i}`,
      i % 3 === 0 ? { a: i, b: [i, 's'] } : i % 3 === 1 ? `value ${i}` : i * 1.5,
    ]),
  ),
};

// structuredClone: cycles and shared references, as our codec; useRecords off: records pay
// only when the same shape repeats across messages on one Packr, not for one-off messages.
const msgpackrClone = new Packr({ structuredClone: true, moreTypes: true, useRecords: false });
const msgpackrPlain = new Packr({ moreTypes: true, useRecords: false });

const codecs: Record<string, [(v: unknown) => Uint8Array, (b: Uint8Array) => unknown]> = {
  'v8.serialize': [(v) => v8.serialize(v), (b) => v8.deserialize(b)],
  'msgpackr (structuredClone)': [(v) => msgpackrClone.pack(v), (b) => msgpackrClone.unpack(b)],
  'msgpackr (plain)': [(v) => msgpackrPlain.pack(v), (b) => msgpackrPlain.unpack(b)],
  proc: [serialize, (b) => deserialize(b)],
};

const millis = Number(process.argv[2] ?? 150);
const rounds = Number(process.argv[3] ?? 5);

function opsPerSecond(encode: (v: unknown) => Uint8Array, decode: (b: Uint8Array) => unknown, v: unknown): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  let batch = 1;
  while (t - t0 < millis) {
    for (let i = 0; i < batch; i++) decode(encode(v));
    n += batch;
    if (batch < 1000) batch *= 2;
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

function fmt(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
}

const names = Object.keys(codecs);
console.log(`| value | ${names.join(' | ')} | proc / v8 |`);
console.log(`|---|${names.map(() => '---:').join('|')}|---:|`);
for (const [label, v] of Object.entries(cases)) {
  for (const name of names) for (let i = 0; i < 200; i++) codecs[name][1](codecs[name][0](v)); // warm up
  const results = names.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    names.forEach((name, i) => {
      results[i] = Math.max(results[i], opsPerSecond(codecs[name][0], codecs[name][1], v));
    });
  }
  const ratio = results[names.indexOf('proc')] / results[names.indexOf('v8.serialize')];
  console.log(`| ${label} | ${results.map(fmt).join(' | ')} | ${ratio.toFixed(1)}x |`);
}
const mib = 1 << 20;
const src = Buffer.alloc(mib, 7);
let memcpy = 0;
for (let r = 0; r < rounds; r++) {
  memcpy = Math.max(
    memcpy,
    opsPerSecond(
      (v) => Buffer.from(v as Buffer),
      (b) => Buffer.from(b),
      src,
    ),
  );
}
console.log(`\n(ops/s, encode+decode; reference: two 1 MiB copies (Buffer.from twice) = ${fmt(memcpy)} ops/s)`);
