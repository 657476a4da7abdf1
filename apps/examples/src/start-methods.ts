// The same program under each start method; 'forkserver' keeps a spare interpreter ready.
import { getAllStartMethods, getContext, isMainProcess } from '@proc/processing';

export function square(x: number): void {
  console.log(`${x} squared is ${x * x}`);
}

if (isMainProcess()) {
  for (const method of getAllStartMethods()) {
    const ctx = getContext(method);
    const p = new ctx.Process({ target: square, args: [method.length] });
    await p.start();
    await p.join();
    console.log(`${method}: exit ${p.exitCode}`);
  }
}
