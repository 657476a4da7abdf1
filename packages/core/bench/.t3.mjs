import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const orig = cp.spawn;
let tSpawn = 0, tSpawned = 0;
cp.spawn = function (...a) { tSpawn = performance.now(); const c = orig.apply(this, a); tSpawned = performance.now(); c.once('exit', () => { tExit = performance.now(); }); return c; };
let tExit = 0;
syncBuiltinESMExports();
const { getContext } = await import('@proc/core');
const { noop } = await import('./noop-target.mjs');
const target = new URL('./noop-target.mjs', import.meta.url).href;
const { Process } = getContext(process.argv[2] || 'spawn');
for (let i = 0; i < 8; i++) {
  let t = performance.now();
  await new Promise((r) => orig('node', ['/tmp/x/empty.mjs'], { stdio: 'inherit' }).once('exit', r));
  const bare = performance.now() - t;
  t = performance.now();
  const p = new Process({ target: noop, module: target });
  await p.start();
  const s = performance.now();
  await p.join();
  const j = performance.now();
  console.log(`bare(spawn) ${bare.toFixed(1)} | pre-spawn ${(tSpawn - t).toFixed(1)} spawn() ${(tSpawned - tSpawn).toFixed(1)} ->started ${(s - tSpawned).toFixed(1)} ->exit ${(tExit - s).toFixed(1)} exit->joined ${(j - tExit).toFixed(1)} total ${(j - t).toFixed(1)}`);
}
