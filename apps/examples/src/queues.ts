// Queues without a manager: a Queue fed by several producer processes and drained by one
// consumer; a JoinableQueue whose join() waits until every task is marked done; Full and Empty
// from putNowait/getNowait on a bounded queue.
import { Empty, Full, isMainProcess, JoinableQueue, Process, Queue } from '@proc/processing';

type Item = { producer: string; n: number } | { done: string };

export async function producer(name: string, q: Queue<Item>): Promise<void> {
  for (let n = 0; n < 5; n++) await q.put({ producer: name, n });
  await q.put({ done: name });
}

export async function taskWorker(tasks: JoinableQueue<number | null>, results: Queue<string>): Promise<void> {
  for (;;) {
    const t = await tasks.get();
    if (t === null) {
      await tasks.taskDone();
      return;
    }
    await results.put(`${t} * 10 = ${t * 10}`);
    await tasks.taskDone();
  }
}

if (isMainProcess()) {
  // 1. Several producers, one consumer. Drain the queue before joining its producers.
  const q = new Queue<Item>();
  const tasks = new JoinableQueue<number | null>();
  const results = new Queue<string>();
  const procs = [
    new Process({ target: producer, args: ['a', q] }),
    new Process({ target: producer, args: ['b', q] }),
    new Process({ target: taskWorker, args: [tasks, results] }),
  ];
  await Promise.all(procs.map((p) => p.start()));

  const got: Record<string, number[]> = { a: [], b: [] };
  let finished = 0;
  while (finished < 2) {
    const item = await q.get();
    if ('done' in item) finished++;
    else got[item.producer]?.push(item.n);
  }
  // Each producer's items arrive in the order it put them.
  console.log('from a:', got.a?.join(' '));
  console.log('from b:', got.b?.join(' '));

  // 2. JoinableQueue: join() resolves once taskDone() was called for every item put.
  for (const t of [1, 2, 3, null]) await tasks.put(t);
  await tasks.join();
  console.log('all tasks done');
  const lines: string[] = [];
  for (let i = 0; i < 3; i++) lines.push(await results.get());
  for (const line of lines.sort()) console.log(line);

  for (const p of procs) await p.join();
  console.log('exit codes', procs.map((p) => p.exitCode).join(' '));

  // 3. Full and Empty: the non-blocking forms (and a timed get) reject instead of waiting.
  const small = new Queue<string>({ maxsize: 2 });
  await small.putNowait('x');
  await small.putNowait('y');
  console.log('full?', await small.full(), 'size', await small.qsize());
  await small.putNowait('z').catch((err) => console.log('putNowait:', err instanceof Full ? 'Full' : err));
  console.log('got', await small.getNowait(), await small.getNowait());
  await small.getNowait().catch((err) => console.log('getNowait:', err instanceof Empty ? 'Empty' : err));
  await small.get({ timeout: 100 }).catch((err) => console.log('get({ timeout: 100 }):', err instanceof Empty ? 'Empty' : err));
  console.log('empty?', await small.empty());
}
