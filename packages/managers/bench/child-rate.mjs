import { isMainProcess, Process } from '@proc/core';
import { Manager } from '@proc/managers';
export async function childGets(d, out, n) {
  for (let i = 0; i < 2000; i++) await d.get('x');
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < n; i++) await d.get('x');
  const c = process.cpuUsage(c0);
  await out.set('r', [n / ((performance.now() - t) / 1000), (c.user + c.system) / n]);
}
if (isMainProcess()) {
  const m = await Manager();
  const d = await m.dict(); await d.set('x', 1);
  const out = await m.dict();
  for (let k = 0; k < 2; k++) {
    const p = new Process({ target: childGets, args: [d, out, 20000] });
    await p.start(); await p.join();
    const [rate, us] = await out.get('r');
    const t = performance.now(); const c0 = process.cpuUsage();
    for (let i = 0; i < 20000; i++) await d.get('x');
    const c = process.cpuUsage(c0);
    console.log('child', Math.round(rate), 'k/s', us.toFixed(1), 'µs/call | parent', Math.round(20000 / ((performance.now() - t) / 1000)), ((c.user + c.system) / 20000).toFixed(1), 'µs/call');
  }
  await m.shutdown();
}
