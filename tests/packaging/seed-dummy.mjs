// The seed's program (issue 5), with a manager Queue and then with a plain Queue.
import { Manager, isMainProcess, Process as Thread, Queue } from '@proc/dummy';

export async function f(q) {
  for (let i = 0; i < 10; i++) await q.put(i * i);
  await q.put('STOP');
}

if (isMainProcess()) {
  const manager = await Manager();
  for (const queue of [await manager.Queue({ maxsize: 3 }), new Queue({ maxsize: 3 })]) {
    const t = new Thread({ target: f, args: [queue] });
    await t.start();
    let result = null;
    while (result !== 'STOP') {
      result = await queue.get();
      console.log(result);
    }
    await t.join();
  }
  await manager.shutdown();
  console.log('resolved', import.meta.resolve('@proc/dummy'));
}
