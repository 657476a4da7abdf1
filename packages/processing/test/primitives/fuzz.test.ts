/**
 * Delivery fuzz: producers and consumers in real child processes, SIGKILLed at random moments
 * (chosen by progress, not by time), on a bounded queue (credits, revokes, prefetch, recalls).
 * What each did is in its log; at the end, what was put is compared with what was got.
 *
 * The rules checked:
 *  - no item is got twice, and nothing is got that was never put;
 *  - every put that resolved (it is in the producer's log) is got, also when its producer was
 *    killed right after; a killed producer's next item (put resolved, log not yet written) may
 *    or may not appear, nothing beyond it may;
 *  - a consumer killed while waiting loses nothing. The one irreducible window: a consumer
 *    killed after its get acknowledged an item (the item is then its) and before it wrote its
 *    log. So at most one item per consumer kill may be missing from the logs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Process, Queue } from '@proc/processing';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { childrenOf } from '../fixtures/primitives-helpers.js';

const fixtures = new URL('../fixtures/primitives-fuzz.ts', import.meta.url).href;
const { fuzzProducer, fuzzConsumer } = await import(fixtures);

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const readLines = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

afterAll(() => {
  expect(childrenOf(process.pid)).toEqual([]);
});

it('puts and gets survive SIGKILLs of producers and consumers: exactly once', async () => {
  const seed = Number(process.env.PROC_FUZZ_SEED ?? Date.now() % 100000);
  const rand = prng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-fuzz-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const q = new Queue({ maxsize: 8 });
  const progress = new Queue<string>();
  const perProducer = 300;
  const procs = new Set<Process>();
  onTestFinished(async () => {
    for (const p of procs) {
      if (p.isAlive()) {
        p.kill();
        await p.join();
      }
    }
  });
  const producers: { p: Process; tag: string; killed: boolean }[] = [];
  const consumers: { p: Process; log: string; killed: boolean }[] = [];
  let nextTag = 0;
  const start = async (target: (...a: never[]) => unknown, args: unknown[]) => {
    const p = new Process({ target, args: args as never[], module: fixtures });
    procs.add(p);
    await p.start();
    return p;
  };
  const addProducer = async () => {
    const tag = `t${nextTag++}`;
    const p = await start(fuzzProducer, [q, progress, tag, perProducer, path.join(dir, `${tag}.put`)]);
    producers.push({ p, tag, killed: false });
  };
  let nextConsumer = 0;
  const addConsumer = async () => {
    const n = nextConsumer++;
    const log = path.join(dir, `c${n}.got`);
    const p = await start(fuzzConsumer, [q, progress, log, n % 2 === 1]);
    consumers.push({ p, log, killed: false });
  };
  await Promise.all([addProducer(), addProducer(), addProducer(), addConsumer(), addConsumer(), addConsumer()]);

  const kills = 6;
  let producerKills = 0;
  let consumerKills = 0;
  for (let k = 0; k < kills; k++) {
    const wait = 3 + Math.floor(rand() * 20);
    for (let i = 0; i < wait; i++) await progress.get();
    const killProducer = k % 2 === 0;
    const pool = killProducer ? producers.filter((x) => !x.killed && x.p.isAlive()) : consumers.filter((x) => !x.killed && x.p.isAlive());
    if (pool.length === 0) continue;
    const victim = pool[Math.floor(rand() * pool.length)];
    victim.killed = true;
    victim.p.kill();
    await victim.p.join();
    if (killProducer) {
      producerKills++;
      await addProducer();
    } else {
      consumerKills++;
      await addConsumer();
    }
  }
  // Drain the progress queue while the producers finish, then end the consumers.
  const draining = (async () => {
    for (;;) if ((await progress.get()) === 'STOP') return;
  })();
  for (const x of producers) await x.p.join();
  const live = consumers.filter((x) => !x.killed);
  for (let i = 0; i < live.length; i++) await q.put('END');
  for (const x of live) await x.p.join();
  await progress.put('STOP');
  await draining;
  const leftover: string[] = [];
  for (;;) {
    try {
      leftover.push((await q.getNowait()) as string);
    } catch {
      break;
    }
  }

  const got = [...consumers.flatMap((x) => readLines(x.log)), ...leftover];
  const counts = new Map<string, number>();
  for (const g of got) counts.set(g, (counts.get(g) ?? 0) + 1);
  const doubled = [...counts].filter(([, n]) => n > 1);
  expect(doubled, `seed ${seed}: doubled`).toEqual([]);

  let missing = 0;
  for (const x of producers) {
    const logged = readLines(path.join(dir, `${x.tag}.put`)).map(Number);
    expect(logged, `seed ${seed}: ${x.tag} log`).toEqual(logged.map((_, i) => i));
    const last = logged.length;
    for (let i = 0; i < last; i++) if (!counts.has(`${x.tag}:${i}`)) missing++;
    for (const g of counts.keys()) {
      if (!g.startsWith(`${x.tag}:`)) continue;
      const i = Number(g.slice(x.tag.length + 1));
      // Only the killed producer's in-flight item may be got without being logged.
      expect(i <= last - (x.killed ? 0 : 1), `seed ${seed}: ${g} got but never put`).toBe(true);
    }
    if (!x.killed) expect(last, `seed ${seed}: ${x.tag} finished`).toBe(perProducer);
  }
  expect(missing, `seed ${seed}: ${missing} resolved puts never got (consumer kills: ${consumerKills})`).toBeLessThanOrEqual(
    consumerKills,
  );
  // Kills land at random points of progress; a producer may have finished before its turn.
  expect(producerKills).toBeGreaterThanOrEqual(1);
  expect(consumerKills).toBeGreaterThanOrEqual(1);
  expect(got.length).toBeGreaterThan(perProducer * 3 - kills);
}, 300_000);
