// Start+join of a trivial compiled target per start method, side by side with a bare
// child_process.fork of an empty script, in one run, in turns (bare, spawn, fork, forkserver,
// then spawn, fork, forkserver, bare, ...), so a machine's drift hits every figure alike. Then
// the sustained rate of back-to-back forkserver starts, a child's RSS against a bare process's,
// and Python's three start methods as peers (when python3 is on PATH).
// Usage: node bench/start.mjs [rounds]
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getContext, setForkserverSpares } from '@proc/core';
// Internal: "with a spare ready" means waiting for the spare's own report, not a guessed pause.
import { sparesReady } from '../dist/index.js';
import { noop } from './noop-target.mjs';
import { rss } from './rss-target.mjs';

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
await proc('forkserver'); // the first start has no spare yet
for (let i = 0; i < rounds; i++) {
  // Each figure waits for the spare started after the last forkserver start to be ready (the
  // wait is not part of any figure): its boot would otherwise slow whichever start came next.
  // The order turns each round: no figure always comes first (after the idle wait) or last.
  const keys = Object.keys(results);
  for (const k of [...keys.slice(i % keys.length), ...keys.slice(0, i % keys.length)]) {
    await sparesReady();
    results[k].push(k === 'bare' ? await bare() : await proc(k));
  }
}
// Sustained back-to-back forkserver starts.
const n = 20;
await sparesReady();
const t0 = performance.now();
for (let i = 0; i < n; i++) await proc('forkserver');
const sustained = n / ((performance.now() - t0) / 1000);

// A child's RSS against a bare Node process's, both reporting from a trivial target.
const bareRss = path.join(dir, 'rss.mjs');
writeFileSync(bareRss, `import { rss } from ${JSON.stringify(new URL('./rss-target.mjs', import.meta.url).href)};\nrss();\n`);
const read = (stream) => new Promise((r) => { let s = ''; stream.on('data', (d) => { s += d; }).on('end', () => r(Number(s))); });
const rssOf = { bare: [], spawn: [], forkserver: [] };
for (let i = 0; i < 3; i++) {
  const c = fork(bareRss, [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: [] });
  rssOf.bare.push(await read(c.stdout));
  for (const m of ['spawn', 'forkserver']) {
    await sparesReady();
    const { Process } = getContext(m);
    const p = new Process({ target: rss, module: new URL('./rss-target.mjs', import.meta.url).href, stdio: { stdout: 'pipe' } });
    await p.start();
    const [v] = await Promise.all([read(p.stdout), p.join()]);
    rssOf[m].push(v);
  }
}
setForkserverSpares(0);
rmSync(dir, { recursive: true, force: true });
const b = median(results.bare);
for (const [k, v] of Object.entries(results)) {
  console.log(`${k.padEnd(12)} median ${median(v).toFixed(1)} ms  ratio to bare ${(median(v) / b).toFixed(2)}`);
}
console.log(`forkserver sustained ${sustained.toFixed(1)} starts/s (${n} back-to-back)`);
const mb = (v) => (median(v) / 2 ** 20).toFixed(1);
console.log(`rss         bare ${mb(rssOf.bare)} MiB  spawn child +${(mb(rssOf.spawn) - mb(rssOf.bare)).toFixed(1)} MiB  forkserver child +${(mb(rssOf.forkserver) - mb(rssOf.bare)).toFixed(1)} MiB`);

// Python's start+join of a trivial target, per start method (a forkserver with its server up).
const python = `
import multiprocessing as mp, statistics, sys, time
def noop(): pass
if __name__ == '__main__':
    rounds = int(sys.argv[1])
    for m in ('fork', 'spawn', 'forkserver'):
        ctx = mp.get_context(m)
        ctx.Process(target=noop).start()  # starts the forkserver
        ts = []
        for _ in range(rounds):
            t = time.perf_counter(); p = ctx.Process(target=noop); p.start(); p.join(); ts.append((time.perf_counter() - t) * 1000)
        print(f"python {m:<11} median {statistics.median(ts):.1f} ms")
`;
try {
  const pyFile = path.join(os.tmpdir(), `proc-start-${process.pid}.py`);
  writeFileSync(pyFile, python);
  try {
    process.stdout.write(execFileSync('python3', [pyFile, String(rounds)], { encoding: 'utf8' }));
  } finally {
    rmSync(pyFile, { force: true });
  }
} catch {
  console.log('python3 not available: no Python peers');
}
