import { spawnSync } from 'node:child_process';

const { Manager } = await import('@proc/managers');
const med = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
const bare = [], st = [];
for (let i = 0; i < 5; i++) {
  let t = performance.now(); spawnSync(process.execPath, ['-e', '0']); bare.push(performance.now() - t);
  t = performance.now(); const m = await Manager(); st.push(performance.now() - t); await m.shutdown();
}
console.log('bare', med(bare).toFixed(0), 'Manager()', med(st).toFixed(0), (med(st) / med(bare)).toFixed(2) + 'x');
