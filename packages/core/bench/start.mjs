// Start+join of a trivial compiled target per start method, side by side with a bare
// child_process.fork of an empty script, in one run. Usage: node bench/start.mjs [rounds]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getContext, setForkserverSpares } from '@proc/core';
import { noop } from './noop-target.mjs';

const rounds = Number(process.argv[2] ?? 15);
const dir = mkdtempSync(path.join(os.tmpdir(), 'proc-start-'));
const empty = path.join(dir, 'empty.mjs');
writeFileSync(empty, '');
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const target = new URL('./noop-target.mjs', import.meta.url).href;

async function bare() {
  const t = performance.now();
  await new Promise((r) => fork(empty, [], { stdio: 'inherit', execArgv: [] }).once('exit', r));
  return performance.now() - t;
}
async function proc(method) {
  const { Process } = getContext(method);
  const t = performance.now();
  const p = new Process({ target: noop, module: target });
  await p.start();
  await p.join();
  return performance.now() - t;
}
const results = { bare: [], spawn: [], fork: [], forkserver: [] };
const fs = getContext('forkserver');
for (let i = 0; i < rounds; i++) {
  results.bare.push(await bare());
  results.spawn.push(await proc('spawn'));
  results.fork.push(await proc('fork'));
  // With a spare ready: wait until the spare reported ready (an idle interval, not part of the figure).
  await new Promise((r) => setTimeout(r, 250));
  results.forkserver.push(await proc('forkserver'));
}
// Sustained back-to-back forkserver starts.
const n = 20;
const t0 = performance.now();
for (let i = 0; i < n; i++) await proc('forkserver');
const sustained = n / ((performance.now() - t0) / 1000);
setForkserverSpares(0);
rmSync(dir, { recursive: true, force: true });
const b = median(results.bare);
for (const [k, v] of Object.entries(results)) {
  console.log(`${k.padEnd(12)} median ${median(v).toFixed(1)} ms  ratio to bare ${(median(v) / b).toFixed(2)}`);
}
console.log(`forkserver sustained ${sustained.toFixed(1)} starts/s`);
void fs;
