// One program, two backends: written once against the module it is given, run on processes
// (@proc/processing) and on worker threads (@proc/dummy). The output is the same; only the
// import differs (Python's `processing` and `processing.dummy`).
import * as dummy from '@proc/dummy';
import * as processing from '@proc/processing';

type Backend = typeof processing | typeof dummy;

export function cube(x: number): number {
  return x ** 3;
}

export async function producer(q: { put(item: unknown): Promise<void> }, words: string[]): Promise<void> {
  for (const w of words) await q.put(w.toUpperCase());
  await q.put(null);
}

async function program(api: Backend): Promise<string[]> {
  const out: string[] = [];
  const pool = new api.Pool({ processes: 2 });
  try {
    out.push(`cubes ${(await pool.map(cube, [1, 2, 3, 4])).join(' ')}`);
  } finally {
    await pool.terminate();
  }

  const q = new api.Queue<string | null>({ maxsize: 2 });
  const p = new api.Process({ target: producer, args: [q, ['one', 'two', 'three']] });
  await p.start();
  const words: string[] = [];
  for (let w = await q.get(); w !== null; w = await q.get()) words.push(w);
  await p.join();
  out.push(`words ${words.join(' ')}`, `exit ${p.exitCode}`, `main? ${api.isMainProcess()}`);
  return out;
}

if (processing.isMainProcess()) {
  const onProcesses = await program(processing);
  const onThreads = await program(dummy);
  for (const line of onProcesses) console.log(`processes: ${line}`);
  for (const line of onThreads) console.log(`threads:   ${line}`);
  console.log('identical:', JSON.stringify(onProcesses) === JSON.stringify(onThreads));
}
