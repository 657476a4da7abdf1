// A Lock shared by several child processes guards a read-modify-write of a shared Value, so the
// final count is exact; an Event releases all the workers at once. Neither needs a manager.
import { Event, isMainProcess, Lock, Process, Value } from '@proc/processing';

const WORKERS = 3;
const INCREMENTS = 50;

export async function worker(id: number, start: Event, lock: Lock, counter: Value): Promise<void> {
  await start.wait(); // every worker waits here until the parent sets the event
  for (let i = 0; i < INCREMENTS; i++) {
    if (i % 2 === 0) {
      // Three ways to hold the lock: withLock(fn) ...
      await lock.withLock(async () => counter.set((await counter.get()) + 1));
    } else if (i % 3 === 0) {
      // ... `await using` (released when the block ends) ...
      await using _held = await lock.hold();
      await counter.set((await counter.get()) + 1);
    } else {
      // ... or acquire/release by hand, as in Python.
      await lock.acquire();
      try {
        await counter.set((await counter.get()) + 1);
      } finally {
        await lock.release();
      }
    }
  }
  console.log(`worker ${id} done`);
}

if (isMainProcess()) {
  const start = new Event();
  const lock = new Lock();
  // { lock: false }: the value's own get/set are atomic; our Lock makes get+set one step.
  const counter = new Value('i', 0, { lock: false });

  const workers = Array.from({ length: WORKERS }, (_, id) => new Process({ target: worker, args: [id, start, lock, counter] }));
  await Promise.all(workers.map((p) => p.start()));
  console.log('event set?', await start.isSet());
  await start.set();

  for (const p of workers) await p.join();
  console.log('exit codes', workers.map((p) => p.exitCode).join(' '));
  console.log(`counter = ${await counter.get()} (expected ${WORKERS * INCREMENTS})`);
  console.log('lock free?', await lock.acquire({ block: false }));
  await lock.release();
}
