/**
 * Connect plus handshake with the listener in the same process (as the benchmark app measures
 * it): prints the median latency of `Client()` over batches, after a warm-up.
 *
 *   npx tsx bench/handshake-local.ts [N]
 */
import { Client, Listener } from '../src/index.js';

const KEY = Buffer.from('bench key');
const N = Number(process.argv[2] ?? 2000);
const listener = new Listener(undefined, { authkey: KEY });
await listener.listening;
let open = true;
const accepting = (async () => {
  while (open) {
    const conn = await listener.accept();
    await conn.close();
  }
})();
accepting.catch(() => {});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function batch(n: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const conn = await Client(listener.address, { authkey: KEY });
    lat.push(performance.now() - t0);
    await conn.close();
  }
  return lat;
}
const cold = await batch(10);
if (process.env.SHOW) console.log(cold.map((x) => x.toFixed(2)).join(" "), (await batch(20)).map((x) => x.toFixed(2)).join(" "));
await batch(N);
const warm = await batch(N);
console.log(JSON.stringify({ coldMs: median(cold), warmMs: median(warm), p90: [...warm].sort((a, b) => a - b)[Math.floor(N * 0.9)] }));
open = false;
await listener.close();
process.exit(0);
