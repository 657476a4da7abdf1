import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { makePrivateDir, sweepDeadDirs } from './private-dir.js';

it("makes a 0700 folder named after this pid, and sweeps only dead pids' folders", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-sweep-test-'));
  onTestFinished(() => fs.rmSync(root, { recursive: true, force: true }));
  // A pid that is surely gone: a child that has exited and been reaped.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
  fs.mkdirSync(path.join(root, `proc-x-${dead}-abc`));
  fs.mkdirSync(path.join(root, `proc-x-${process.pid}-def`));
  fs.mkdirSync(path.join(root, `proc-y-${dead}-ghi`));
  fs.mkdirSync(path.join(root, 'proc-x-notapid'));
  sweepDeadDirs(root, 'proc-x');
  expect(fs.readdirSync(root).sort()).toEqual([`proc-x-${process.pid}-def`, 'proc-x-notapid', `proc-y-${dead}-ghi`].sort());

  const mine = makePrivateDir('proc-sweep-test-mine');
  onTestFinished(() => fs.rmSync(mine, { recursive: true, force: true }));
  expect(path.basename(mine)).toMatch(new RegExp(`^proc-sweep-test-mine-${process.pid}-`));
  expect(fs.statSync(mine).mode & 0o777).toBe(0o700);
});
