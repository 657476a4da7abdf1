import { fork } from 'node:child_process';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { fixtures } from './helpers.js';

it('a process that closed everything exits by itself (no handle or timer left behind)', async () => {
  const child = fork(join(fixtures, 'no-leak.ts'), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  // The IPC channel itself would keep the child alive: let go of it at once.
  child.disconnect();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  expect(await exited).toBe(0);
  expect(out).toBe('done\n');
});
