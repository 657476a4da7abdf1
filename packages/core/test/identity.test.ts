import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getContext, isMainProcess, Process, setForkserverSpares } from '@proc/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.ts';
import { fixtures, isRunning, runNode, targetsUrl, until } from './helpers.ts';

async function output(p: Process): Promise<string> {
  let out = '';
  await p.start();
  p.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  await p.join();
  if (p.stdout && !p.stdout.readableEnded) await new Promise((r) => p.stdout?.once('end', r));
  return out;
}

describe('identity and options', () => {
  it('keeps the role process-wide: two copies of core agree, in the parent and in a child', async () => {
    const source = await import(new URL('../src/index.ts', import.meta.url).href);
    expect(isMainProcess()).toBe(true);
    expect(source.isMainProcess()).toBe(true);
    const p = new Process({ target: targets.twoCopies, module: targetsUrl, stdio: 'pipe' });
    expect(JSON.parse(await output(p))).toEqual({ built: false, source: false });
  });

  it('passes per-process env, cwd and execArgv, and never a debugger flag', async () => {
    const cwd = fileURLToPath(fixtures);
    const p = new Process({
      target: targets.envAndCwd,
      module: targetsUrl,
      stdio: 'pipe',
      env: { ...process.env, PROC_TEST_VALUE: 'v1' },
      cwd,
      execArgv: ['--max-old-space-size=128'],
    });
    const seen = JSON.parse(await output(p));
    expect(seen.env).toBe('v1');
    expect(seen.cwd).toBe(cwd.replace(/\/$/, ''));
    expect(seen.execArgv).toEqual(['--max-old-space-size=128']);
  });

  it('terminates daemonic children and waits for the others when the parent ends', async () => {
    const r = await runNode('daemon-exit.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('non-daemon done');
    const daemon = Number(/daemon=(\d+)/.exec(r.stdout)?.[1]);
    await until(() => !isRunning(daemon), 3000, 'the daemon to be terminated');
  });

  it('keeps the program alive while it awaits a daemon in join()', async () => {
    const r = await runNode('daemon-join.ts');
    expect(r.stdout).toBe('non-daemon done\njoined exit=0\n');
    expect(r.code).toBe(0);
  });

  it('keeps forkserver spares alive through SIGINT (Ctrl-C) until they run a target', async () => {
    setForkserverSpares(1);
    const ctx = getContext('forkserver');
    const p = new ctx.Process({ target: targets.add, args: [1, 2], module: targetsUrl, stdio: 'ignore' });
    await p.start();
    await p.join();
    // take() started a replacement spare: find it among our children and send it SIGINT.
    const { childrenOf } = await import('./helpers.ts');
    await until(() => childrenOf(process.pid).some((c) => c.comm === 'node'), 5000, 'a spare');
    const spare = childrenOf(process.pid).find((c) => c.comm === 'node');
    process.kill(spare?.pid as number, 'SIGINT');
    // A signal round trip through the kernel: the spare would be gone by the time a child
    // started after it has run (the pipe order), so start and join one more process.
    const q = new Process({ target: targets.add, args: [0, 0], module: targetsUrl, stdio: 'ignore' });
    await q.start();
    await q.join();
    expect(isRunning(spare?.pid as number)).toBe(true);
    setForkserverSpares(0);
    await until(() => !isRunning(spare?.pid as number), 3000, 'the spare to stop');
  });

  it('writes debug output with NODE_DEBUG=proc', async () => {
    const out = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [`--import=${new URL(import.meta.resolve('tsx')).href}`, fileURLToPath(new URL('seed-shape.ts', fixtures))],
        { env: { ...process.env, NODE_DEBUG: 'proc' } },
        (_e, _o, stderr) => resolve(stderr),
      );
    });
    expect(out).toMatch(/PROC \d+: .*exited with 0/);
  });
});

afterAll(() => setForkserverSpares(0));
