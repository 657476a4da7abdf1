// Barrier and Condition across processes. A Barrier holds every party until all have arrived
// (its action runs once, in the creating process, before they go on). A Condition's waitFor
// sleeps until a predicate over shared state holds, woken by notifyAll.
import { Barrier, BrokenBarrierError, Condition, isMainProcess, Process, Queue, Value } from '@proc/processing';

export async function worker(id: number, barrier: Barrier, cond: Condition, stage: Value, log: Queue<string>): Promise<void> {
  await log.put(`worker ${id} at the barrier`);
  const index = await barrier.wait(); // arrival index: 0 .. parties - 1
  await log.put(`arrival ${index}`);

  await cond.acquire();
  try {
    // waitFor checks the predicate first, so a notifyAll that came earlier is not missed.
    const seen = await cond.waitFor(async () => (await stage.get()) >= 1);
    await log.put(`worker ${id} woke up (predicate: ${seen})`);
  } finally {
    await cond.release();
  }
}

if (isMainProcess()) {
  const parties = 3; // two workers and this process
  const barrier = new Barrier(parties, () => console.log(`barrier: all ${parties} parties arrived`));
  const cond = new Condition();
  const stage = new Value('i', 0);
  const log = new Queue<string>();

  const workers = [1, 2].map((id) => new Process({ target: worker, args: [id, barrier, cond, stage, log] }));
  await Promise.all(workers.map((p) => p.start()));
  const arrivals = [`arrival ${await barrier.wait()}`];

  // Change the shared state under the condition's lock, then wake every waiter.
  await cond.withLock(async () => {
    await stage.set(1);
    await cond.notifyAll();
  });

  const lines: string[] = [];
  for (let i = 0; i < 6; i++) {
    const line = await log.get();
    (line.startsWith('arrival') ? arrivals : lines).push(line);
  }
  for (const p of workers) await p.join();
  for (const line of [...lines.sort(), ...arrivals.sort()]) console.log(line);
  console.log('exit codes', workers.map((p) => p.exitCode).join(' '));

  // A party that waits too long breaks the barrier for everyone.
  const lonely = new Barrier(2);
  await lonely.wait({ timeout: 200 }).catch((err) => console.log('timed out:', err instanceof BrokenBarrierError ? 'BrokenBarrierError' : err));
  console.log('broken?', await lonely.broken());
  await lonely.reset();
  console.log('after reset, broken?', await lonely.broken());
}
