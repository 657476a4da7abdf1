/**
 * Where a Queue item's CPU goes, thread by thread, child to parent:
 *   node --import tsx bench/queue-cpu.ts [items=200000] [bytes=1024] [trials=3]
 * (from packages/processing, after a build). Per trial, a child puts `items` items (a Uint8Array
 * of `bytes`, or small ints for 0) and the parent gets them; prints items per second and each
 * thread's CPU per item (utime + stime from /proc/self/task, Linux), parent and child. The
 * parent's threads are its main thread (first), V8's helper threads, and the primitives' host
 * thread (last). `main ELU` is the parent main thread's event-loop utilization while it gets:
 * well below 1 means it waits for the host thread, which is then what sets the pace.
 */
import fs from 'node:fs';
import { isMainProcess, Process, Queue } from '@proc/processing';

/** CPU ticks so far, per thread id. */
function ticks(): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of fs.readdirSync('/proc/self/task')) {
    const s = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    m.set(t, Number(f[11]) + Number(f[12]));
  }
  return m;
}

/** µs of CPU per item, per thread that ran between `a` and `b` (ticks are 10 ms). */
function perItem(a: Map<string, number>, b: Map<string, number>, n: number): string {
  const out: string[] = [];
  for (const [tid, v] of b) {
    const d = v - (a.get(tid) ?? 0);
    if (d > 0) out.push(`${tid}=${((d * 10_000) / n).toFixed(2)}µs`);
  }
  return out.join(' ');
}

export async function produce(q: Queue, out: Queue, n: number, bytes: number): Promise<void> {
  const payload = new Uint8Array(bytes).fill(120);
  await q.put(0);
  const a = ticks();
  for (let i = 0; i < n; i++) await q.put(bytes ? payload : i);
  const b = ticks();
  await q.put(null);
  await out.put(perItem(a, b, n));
}

if (isMainProcess()) {
  const n = Number(process.argv[2] ?? 200_000);
  const bytes = Number(process.argv[3] ?? 1024);
  const trials = Number(process.argv[4] ?? 3);
  for (let t = 0; t < trials; t++) {
    const q = new Queue();
    const out = new Queue();
    const p = new Process({ target: produce, args: [q, out, n, bytes] });
    await p.start();
    await q.get();
    const a = ticks();
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await q.get();
    const s = (performance.now() - t0) / 1000;
    const busy = performance.eventLoopUtilization(elu).utilization;
    const b = ticks();
    await q.get();
    console.log(`${Math.round(n / s / 1000)} k items/s; main ELU ${busy.toFixed(2)}; parent ${perItem(a, b, n)}; child ${await out.get()}`);
    await p.join();
  }
}
