// temporary quick bench (ours only)
import { isMainProcess, Process, Queue } from '@proc/processing';
export async function produce(q: Queue, n: number, size: number): Promise<void> {
  const payload = new Uint8Array(size).fill(120);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await q.put(size ? payload : i);
  const c = process.cpuUsage(c0);
  console.error(`child cpu us/item ${((c.user + c.system) / n).toFixed(1)} (sys ${(c.system / n).toFixed(1)}) ${JSON.stringify((globalThis as any).__c)} wall us/item ${((performance.now() - t0) * 1000 / n).toFixed(1)}`);
  await q.put(null);
}

import fs from 'node:fs';
function threads(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const st = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    out[`${name}#${tid}`] = Number(f[11]) + Number(f[12]);
  }
  return out;
}
async function queueRate(n: number, size: number): Promise<number> {
  const q = new Queue();
  const p = new Process({ target: produce, args: [q, n, size], ...(process.env.PROF ? { execArgv: ['--import=tsx', '--cpu-prof', `--cpu-prof-dir=${process.env.PROF}`] } : {}) });
  await p.start();
  await q.get();
  const t = performance.now();
  const th0 = threads();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n - 1; i++) await q.get();
  const rate = (n - 1) / ((performance.now() - t) / 1000);
  const c = process.cpuUsage(c0);
  const th1 = threads();
  console.error(Object.entries(th1).map(([k, v]) => `${k}:${(((v - (th0[k] ?? 0)) * 10000) / n).toFixed(1)}`).join(' '));
  console.error(`parent cpu us/item ${((c.user + c.system) / n).toFixed(1)} (sys ${(c.system / n).toFixed(1)})`);
  await q.get();
  await p.join();
  return rate;
}
if (isMainProcess()) {
  const n = Number(process.argv[2] ?? 100000);
  const which = process.argv[3] ?? 'both';
  for (let t = 0; t < Number(process.argv[4] ?? 1); t++) {
    if (which !== 'kib') console.log('ints', Math.round((await queueRate(n, 0)) / 1000), 'k/s');
    if (which !== 'ints') console.log('kib', Math.round((await queueRate(n / 4, 1024)) / 1000), 'k/s');
  }
}
if (isMainProcess() && process.env.COUNT) console.error('main', JSON.stringify((globalThis as any).__c));
