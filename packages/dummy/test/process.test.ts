import { ChildBootError, isMainProcess, Process, Queue } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

const module = targetsUrl;

describe('Process on a worker thread', () => {
  it('runs an exported TypeScript target with a Queue in args; isMainProcess() is false inside', async () => {
    const q = new Queue();
    const p = new Process({ target: targets.report, args: [q], module, name: 'T1' });
    expect(p.pid).toBeUndefined();
    await p.start();
    const info = (await q.get({ timeout: 10_000 })) as { main: boolean; name: string; pid: number; threadId: number };
    await p.join();
    expect(isMainProcess()).toBe(true);
    expect(info.main).toBe(false);
    expect(info.name).toBe('T1');
    expect(info.pid).toBe(process.pid);
    expect(info.threadId).toBe(p.threadId);
    expect(p.pid).toBe(process.pid);
    expect(p.exitCode).toBe(0);
    expect(p.isAlive()).toBe(false);
  });

  it('gives exit code 1 and the error (with its class and code) when the target throws', async () => {
    const p = new Process({ target: targets.throwsRange, args: ['boom'], module, stdio: 'pipe' });
    let err = '';
    await p.start();
    p.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    await p.join();
    expect(p.exitCode).toBe(1);
    expect(p.error).toBeInstanceOf(RangeError);
    expect((p.error as Error).message).toBe('boom');
    expect((p.error as { code?: string }).code).toBe('E_BOOM');
    if (p.stderr && !p.stderr.readableEnded) await new Promise((r) => p.stderr?.once('end', r));
    expect(err).toContain('RangeError: boom');
  });

  it('reports the code of process.exit() in the thread', async () => {
    const p = new Process({ target: targets.exits, args: [7], module });
    await p.start();
    await p.join();
    expect(p.exitCode).toBe(7);
  });

  it('terminate() and kill() stop a busy thread (-15, -9); join({ timeout }) does not throw', async () => {
    const p = new Process({ target: targets.spin, module });
    await p.start();
    await p.join({ timeout: 50 });
    expect(p.isAlive()).toBe(true);
    expect(p.exitCode).toBeNull();
    p.terminate();
    await p.join();
    expect(p.exitCode).toBe(-15);
    const k = new Process({ target: targets.sleepForever, module });
    await k.start();
    k.kill();
    await k.join();
    expect(k.exitCode).toBe(-9);
  });

  it('a thread that runs out of memory ends alone (resourceLimits); the process lives on', async () => {
    const p = new Process({ target: targets.leak, module, resourceLimits: { maxOldGenerationSizeMb: 32 }, stdio: 'ignore' });
    await p.start();
    await p.join();
    expect(p.exitCode).toBe(1);
    expect((p.error as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
  });

  it('pipes the thread stdout with stdio: pipe', async () => {
    const p = new Process({ target: targets.writeOut, args: ['hello thread\n'], module, stdio: 'pipe' });
    let out = '';
    await p.start();
    p.stdout?.on('data', (d: Buffer) => {
      out += d;
    });
    await p.join();
    if (p.stdout && !p.stdout.readableEnded) await new Promise((r) => p.stdout?.once('end', r));
    expect(out).toBe('hello thread\n');
  });

  it('rejects start() with ChildBootError when the target is not exported by the module', async () => {
    const p = new Process({ target: targets.square, module, exportName: 'nope' });
    await expect(p.start()).rejects.toBeInstanceOf(ChildBootError);
    expect(p.exitCode).toBe(1);
  });

  it('validates its arguments at once', () => {
    expect(() => new Process({ target: 3 as never })).toThrow(TypeError);
    expect(() => new Process({ args: 'x' as never })).toThrow(TypeError);
    expect(() => new Process({ cwd: '/' } as never)).toThrow(TypeError);
  });
});
