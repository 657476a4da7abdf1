// Process basics: start, join, exit codes, a child's error read in the parent, a subclass.
import { currentProcess, isMainProcess, Process } from '@proc/processing';

export function greet(who: string): void {
  console.log(`hello ${who} from ${currentProcess().name}`);
}

export function fail(): never {
  throw new RangeError('something went wrong');
}

export class Counter extends Process {
  upTo = 3;
  override run(): void {
    for (let i = 1; i <= this.upTo; i++) console.log(`count ${i}`);
  }
}

if (isMainProcess()) {
  const p = new Process({ target: greet, args: ['world'], name: 'greeter' });
  await p.start();
  await p.join();
  console.log(`greeter exited with ${p.exitCode}`);

  const bad = new Process({ target: fail, stdio: { stderr: 'ignore' } });
  await bad.start();
  await bad.join();
  console.log(`bad exited with ${bad.exitCode}: ${(bad.error as Error).name}: ${(bad.error as Error).message}`);

  const c = new Counter();
  c.upTo = 2;
  await c.start();
  await c.join();

  const sleeper = new Process({ target: sleep });
  await sleeper.start();
  sleeper.terminate();
  await sleeper.join();
  console.log(`terminated sleeper exited with ${sleeper.exitCode}`);
}

export async function sleep(): Promise<void> {
  await new Promise((r) => setTimeout(r, 60_000));
}
