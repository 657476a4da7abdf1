// The seed's program on worker threads: only the import line differs from seed-manager.ts.
import { Manager, isMainProcess, Process as Thread } from '@proc/dummy';

export async function f(q: { put(item: unknown): Promise<void> }) {
  for (let i = 0; i < 10; i++) await q.put(i * i);
  await q.put('STOP');
}

if (isMainProcess()) {
  const manager = await Manager();
  const queue = await manager.Queue({ maxsize: 3 });
  const t = new Thread({ target: f, args: [queue] });
  await t.start();
  let result: unknown = null;
  while (result !== 'STOP') {
    result = await queue.get();
    console.log(result);
  }
  await t.join();
  await manager.shutdown();
}
