// The seed's program with a Queue that needs no manager.
import { isMainProcess, Queue, Process as Thread } from '@proc/processing';

export async function f(q: { put(item: unknown): Promise<void> }) {
  for (let i = 0; i < 10; i++) await q.put(i * i);
  await q.put('STOP');
}

if (isMainProcess()) {
  const queue = new Queue({ maxsize: 3 });
  const t = new Thread({ target: f, args: [queue] });
  await t.start();
  let result: unknown = null;
  while (result !== 'STOP') {
    result = await queue.get();
    console.log(result);
  }
  await t.join();
}
