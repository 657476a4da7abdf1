import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  activeChildren,
  ChildBootError,
  cpuCount,
  currentProcess,
  getContext,
  isMainProcess,
  ProcError,
  Process,
  parentProcess,
  SerializationError,
  StateError,
  setForkserverSpares,
  sparesReady,
  TargetNotFoundError,
} from '@proc/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.ts';
import { childrenOf, fixtures, isRunning, runNode, targetsUrl, tsxLoader, until } from './helpers.ts';

const compiledUrl = new URL('compiled.mjs', fixtures).href;

async function run(p: Process): Promise<string> {
  let out = '';
  await p.start();
  p.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  await p.join();
  // 'exit' can come before the last 'data' chunk is read; wait for the stream's end.
  if (p.stdout && !p.stdout.readableEnded) await new Promise((r) => p.stdout?.once('end', r));
  return out;
}

describe.each(['spawn', 'fork', 'forkserver'] as const)('Process with start method %s', (method) => {
  const ctx = getContext(method);

  it('runs a TypeScript target with arguments and exits 0', async () => {
    const p = new ctx.Process({ target: targets.add, args: [2, 3], module: targetsUrl, stdio: 'pipe' });
    expect(p.exitCode).toBeNull();
    const out = await run(p);
    expect(out).toBe('sum=5\n');
    expect(p.exitCode).toBe(0);
    expect(p.isAlive()).toBe(false);
    expect(p.startMethod).toBe(method);
  });

  it('runs a compiled JavaScript target', async () => {
    const { hello } = await import(compiledUrl);
    const p = new ctx.Process({ target: hello, args: ['js'], module: compiledUrl, stdio: 'pipe' });
    expect(await run(p)).toBe('hello js\n');
    expect(p.exitCode).toBe(0);
  });

  it('loads in the child only what the start needs (no node:crypto for a trivial target)', async () => {
    const { reportsCrypto } = await import(compiledUrl);
    const p = new ctx.Process({ target: reportsCrypto, module: compiledUrl, stdio: 'pipe' });
    expect(await run(p)).toBe('no crypto\n');
    expect(p.exitCode).toBe(0);
  });

  it('runs the one-file bundle of the child entry made at build time', async () => {
    const { reportsEntry } = await import(compiledUrl);
    const p = new ctx.Process({ target: reportsEntry, module: compiledUrl, stdio: 'pipe' });
    expect(await run(p)).toMatch(/dist[\\/]child[\\/]entry\.bundle\.js\n$/);
    expect(p.exitCode).toBe(0);
  });

  it('delivers whole stdout and stderr that a compiled target wrote through console', async () => {
    const { bigLog } = await import(compiledUrl);
    const n = 2 * 1024 * 1024;
    const p = new ctx.Process({ target: bigLog, args: [n], module: compiledUrl, stdio: 'pipe' });
    let err = '';
    await p.start();
    p.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    const errEnd = new Promise((r) => p.stderr?.once('end', r));
    let out = '';
    p.stdout?.on('data', (d: Buffer) => {
      out += d;
    });
    const outEnd = new Promise((r) => p.stdout?.once('end', r));
    await p.join();
    await Promise.all([outEnd, errEnd]);
    expect(out.length).toBe(n + 1);
    expect(err.length).toBe(n + 1);
    expect(p.exitCode).toBe(0);
  });

  it('gives exit code 1 and the error when the target throws', async () => {
    const p = new ctx.Process({ target: targets.throws, module: targetsUrl, stdio: 'pipe' });
    let err = '';
    await p.start();
    p.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    await p.join();
    expect(p.exitCode).toBe(1);
    expect(p.error).toBeInstanceOf(Error);
    expect((p.error as Error).message).toBe('boom');
    expect((p.error as Error).name).toBe('RangeError');
    expect((p.error as { code?: string }).code).toBe('E_BOOM');
    if (!p.stderr?.readableEnded) await new Promise((r) => p.stderr?.once('end', r));
    expect(err).toContain('RangeError: boom');
  });
});

describe('Process', () => {
  it('reports the exit code of process.exit', async () => {
    const p = new Process({ target: targets.exits, args: [7], module: targetsUrl });
    await p.start();
    await p.join();
    expect(p.exitCode).toBe(7);
  });

  it('reports -N when signal N ends the child (terminate and kill)', async () => {
    const a = new Process({ target: targets.sleepForever, module: targetsUrl });
    const b = new Process({ target: targets.spin, module: targetsUrl });
    await Promise.all([a.start(), b.start()]);
    expect(a.isAlive()).toBe(true);
    a.terminate();
    b.kill();
    await Promise.all([a.join(), b.join()]);
    expect(a.exitCode).toBe(-15);
    expect(b.exitCode).toBe(-9);
  });

  it('join with a timeout returns while the child still runs, as Python', async () => {
    const p = new Process({ target: targets.sleepForever, module: targetsUrl });
    await p.start();
    await p.join({ timeout: 50 });
    expect(p.isAlive()).toBe(true);
    expect(p.exitCode).toBeNull();
    p.kill();
    await p.join();
    expect(p.exitCode).toBe(-9);
  });

  it('join rejects with AbortError when its signal aborts', async () => {
    const p = new Process({ target: targets.sleepForever, module: targetsUrl });
    await p.start();
    const ac = new AbortController();
    const joined = p.join({ signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(joined).rejects.toMatchObject({ code: 'PROC_ERR_ABORTED' });
    p.kill();
    await p.join();
  });

  it('exits when the target settles even with a forgotten timer', async () => {
    const p = new Process({ target: targets.forgottenTimer, module: targetsUrl });
    await p.start();
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it('treats an unhandled rejection from the target as a failure', async () => {
    const p = new Process({ target: targets.rejectsLater, module: targetsUrl, stdio: 'pipe' });
    await p.start();
    await p.join();
    expect(p.exitCode).toBe(1);
    expect((p.error as Error).message).toBe('unhandled later');
  });

  it('delivers 8 MiB of piped stdout whole', async () => {
    const n = 8 * 1024 * 1024;
    const p = new Process({ target: targets.bigOutput, args: [n], module: targetsUrl, stdio: 'pipe' });
    const out = await run(p);
    expect(out.length).toBe(n);
  });

  it('carries structured arguments (Map, Date, BigInt)', async () => {
    const when = new Date('2020-01-02T03:04:05Z');
    const p = new Process({
      target: targets.echoArgs,
      args: [new Map([['a', 1]]), when, 10n, { nested: [1, 'x'] }],
      module: targetsUrl,
      stdio: 'pipe',
    });
    const out = await run(p);
    expect(JSON.parse(out)).toEqual([{ map: [['a', 1]] }, { date: when.toISOString() }, { bigint: '10' }, { nested: [1, 'x'] }]);
  });

  it('finds a target exported under another name (exportName)', async () => {
    const p = new Process({ target: targets.renamedExport, module: targetsUrl, exportName: 'renamedExport', stdio: 'pipe' });
    expect(await run(p)).toBe('renamed ok\n');
  });

  it('finds a renamed export by its source when parent and child run the same loader', async () => {
    const r = await runNode('renamed.ts');
    expect(r.stdout).toBe('renamed ok\nexit=0\n');
  });

  it('runs an exported subclass that overrides run()', async () => {
    const w = new targets.Worker({ args: [1, 'a'], module: targetsUrl, stdio: 'pipe' });
    w.greeting = 'hi';
    const out = await run(w);
    expect(out).toBe(`hi from ${w.name} args=[1,"a"]\n`);
  });

  it('gives the child an identity: name, authkey, parent, not the main process', async () => {
    const p = new Process({ target: targets.info, module: targetsUrl, stdio: 'pipe', name: 'worker-x' });
    const info = JSON.parse(await run(p));
    expect(info).toEqual({
      name: 'worker-x',
      main: false,
      parent: process.pid,
      authkey: currentProcess().authkey.toString('hex'),
    });
    expect(isMainProcess()).toBe(true);
    expect(parentProcess()).toBeNull();
    expect(cpuCount()).toBeGreaterThan(0);
  });

  it('fails at start() for a target that cannot be found, without hanging', async () => {
    const local = function notExported() {};
    const p = new Process({ target: local, module: targetsUrl });
    const err = await p.start().catch((e) => e);
    expect(err).toBeInstanceOf(ChildBootError);
    expect(err.cause).toBeInstanceOf(TargetNotFoundError);
    expect(String(err.cause.message)).toMatch(/not exported/);
    expect(p.exitCode).toBe(1);
    const anonymous = [() => {}][0];
    await expect(new Process({ target: anonymous }).start()).rejects.toBeInstanceOf(TargetNotFoundError);
  });

  it('fails at start() when the target module is missing or broken', async () => {
    const missing = new Process({ target: targets.add, module: new URL('nope.ts', fixtures).href });
    await expect(missing.start()).rejects.toBeInstanceOf(ChildBootError);
  });

  it('fails at start() for an argument that cannot be serialized', async () => {
    const p = new Process({ target: targets.echoArgs, args: [() => 1], module: targetsUrl });
    await expect(p.start()).rejects.toBeInstanceOf(SerializationError);
  });

  it('rejects wrong options at once and wrong states with typed errors', async () => {
    expect(() => new Process({ target: 1 as never })).toThrow(TypeError);
    expect(() => new Process({ args: 'x' as never })).toThrow(TypeError);
    expect(() => new Process({ startMethod: 'vfork' as never })).toThrow(TypeError);
    const p = new Process({ target: targets.add, args: [1, 1], module: targetsUrl, stdio: 'ignore' });
    await expect(p.join()).rejects.toBeInstanceOf(StateError);
    await p.start();
    await expect(p.start()).rejects.toBeInstanceOf(StateError);
    await p.join();
    p.close();
    p.close();
    await expect(p.join()).rejects.toBeInstanceOf(ProcError);
    expect(() => p.terminate()).toThrow(StateError);
  });

  it('lists active children', async () => {
    const p = new Process({ target: targets.sleepForever, module: targetsUrl });
    await p.start();
    expect(activeChildren()).toContain(p);
    p.terminate();
    await p.join();
    expect(activeChildren()).not.toContain(p);
  });
});

describe('forkserver spares', () => {
  it('replaces a taken spare after its child ended, and the next start runs on that spare', async () => {
    setForkserverSpares(1);
    const ctx = getContext('forkserver');
    const { hello } = await import(compiledUrl);
    const p = new ctx.Process({ target: hello, args: ['a'], module: compiledUrl, stdio: 'pipe' });
    expect(await run(p)).toBe('hello a\n');
    await sparesReady();
    const before = new Set(childrenOf(process.pid).map((c) => c.pid));
    const q = new ctx.Process({ target: hello, args: ['b'], module: compiledUrl, stdio: 'pipe' });
    expect(await run(q)).toBe('hello b\n');
    expect(before.has(q.pid as number)).toBe(true);
    expect(p.pid).not.toBe(q.pid);
  });
});

describe('programs', () => {
  it('runs the seed program shape as one TypeScript file under tsx', async () => {
    const r = await runNode('seed-shape.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('child got 42 main=false\nparent done exit=0\n');
  });

  it('runs the seed program shape compiled, under plain node', async () => {
    const r = await runNode('seed-shape.mjs', [], { tsx: false });
    expect(r.stdout).toBe('child got 42 main=false\nparent done exit=0\n');
  });

  it('leaves no orphans when the parent is killed with SIGKILL, even busy ones', async () => {
    const parent = spawn(process.execPath, [`--import=${tsxLoader}`, fileURLToPath(new URL('orphan-parent.mjs', fixtures))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => {
        out += d;
        if (/child=\d+/.test(out) && /grandchild=\d+/.test(out)) resolve();
      });
      parent.once('exit', () => reject(new Error(`parent exited early: ${out}`)));
    });
    const child = Number(/child=(\d+)/.exec(out)?.[1]);
    const grandchild = Number(/grandchild=(\d+)/.exec(out)?.[1]);
    expect(isRunning(child)).toBe(true);
    expect(isRunning(grandchild)).toBe(true);
    parent.kill('SIGKILL');
    await until(() => !isRunning(child) && !isRunning(grandchild), 3000, 'children of a killed parent to exit');
  });
});

afterAll(async () => {
  setForkserverSpares(0);
  // Nothing left behind: no live child of this test process but the reaper (sh).
  await until(() => childrenOf(process.pid).every((c) => c.comm === 'sh'), 5000, 'children to exit');
  expect(activeChildren()).toEqual([]);
});
