/** Process-backend specifics of the primitives host: its socket folder's lifecycle. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Event, Process, Queue } from '@proc/processing';
import { expect, it, onTestFinished } from 'vitest';

const fixtures = new URL('../fixtures/primitives.ts', import.meta.url).href;
const { hostInChild } = await import(fixtures);
const addressKey = Symbol.for('proc.primitives.address');

it('the socket folder of a killed host is removed by the next host that starts', async () => {
  const out = new Queue();
  const stop = new Event();
  const p = new Process({ target: hostInChild, args: [out, stop, '@proc/processing'], module: fixtures });
  onTestFinished(async () => {
    if (p.isAlive()) {
      p.kill();
      await p.join();
    }
  });
  await p.start();
  const theirs = (await out.get()) as Queue & { [addressKey]: string };
  const dir = path.dirname(theirs[addressKey]);
  expect(path.basename(dir)).toMatch(new RegExp(`^proc-prim-${p.pid}-`));
  expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
  p.kill();
  await p.join();
  expect(fs.existsSync(dir)).toBe(true);
  // A fresh process creating its first primitive sweeps folders of dead hosts.
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('@proc/processing'); new m.Event();"],
      { cwd, timeout: 30_000 },
      (err) => (err ? reject(err) : resolve()),
    );
  });
  expect(fs.existsSync(dir)).toBe(false);
});
