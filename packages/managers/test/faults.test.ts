import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@proc/connection';
import { currentProcess, resolveTsx, serialize } from '@proc/core';
import {
  AuthenticationError,
  LockAbandonedError,
  Manager,
  ManagerGoneError,
  SyncManager,
} from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { blockOnGet, hammer, holdLock } from './fixtures/targets.js';
import { child, until } from './helpers.js';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

describe('a client that dies', () => {
  it('holding a Lock: the server releases it and the next acquirer is told it was abandoned', async () => {
    const lock = await m.Lock();
    const ready = await m.Event();
    const never = await m.Event();
    const p = await child(holdLock, [lock, ready, never]);
    await ready.wait();
    expect(await lock.locked()).toBe(true);
    p.kill();
    await p.join();
    const err = (await lock.acquire().catch((e: unknown) => e)) as LockAbandonedError;
    expect(err).toBeInstanceOf(LockAbandonedError);
    expect(err.code).toBe('PROC_ERR_LOCK_ABANDONED');
    expect(err.acquired).toBe(true);
    // The caller holds the lock now; after release it is an ordinary lock again.
    expect(await lock.locked()).toBe(true);
    await lock.release();
    expect(await lock.acquire()).toBe(true);
    await lock.release();
  });

  it('mid-call: nothing is granted to it and others are unaffected', async () => {
    const q = await m.Queue<string>();
    const ready = await m.Event();
    const p = await child(blockOnGet, [q, ready]);
    await ready.wait();
    p.kill();
    await p.join();
    const info = await m.debugInfo();
    await until(async () => (await m.debugInfo()).connections < info.connections || info.connections === 1);
    await q.put('x');
    expect(await q.get()).toBe('x');
  });
});

describe('many clients', () => {
  it('a hundred concurrent clients on one dict: no lost update under the lock, no crash', async () => {
    const d = await m.dict<string, number>();
    const lock = await m.Lock();
    const procs = 4;
    const workers = 25;
    const n = 4;
    const ps = await Promise.all(Array.from({ length: procs }, (_, id) => child(hammer, [d, lock, id, workers, n])));
    await Promise.all(ps.map((p) => p.join()));
    for (const p of ps) expect(p.exitCode).toBe(0);
    expect(await d.get('count')).toBe(procs * workers * n);
    expect(await d.len()).toBe(2 + procs * workers * n);
  });
});

describe('bad peers', () => {
  it('a wrong authkey is refused with AuthenticationError and the server serves on', async () => {
    const intruder = new SyncManager({ address: m.address, authkey: randomBytes(32) });
    await expect(intruder.connect()).rejects.toBeInstanceOf(AuthenticationError);
    const d = await m.dict();
    await d.set('ok', true);
    expect(await d.get('ok')).toBe(true);
  });

  it('authenticated garbage (bad frames, bad messages) closes that connection only', async () => {
    for (const payload of [randomBytes(64), serialize({ not: 'a batch' }), serialize([[99, 1]]), serialize([['x']])]) {
      const conn = await Client(m.address as string, { authkey: currentProcess().authkey });
      onTestFinished(() => conn.destroy());
      await conn.recvBytes(); // the server's hello
      await conn.sendBytes(payload);
      // The server answers with a ProtocolError (best effort), then closes.
      for (;;) {
        const r = await conn.recvBytes().catch((e: unknown) => e);
        if (r instanceof Error) break;
      }
    }
    const d = await m.dict();
    await d.set('still', 'serving');
    expect(await d.get('still')).toBe('serving');
  });

  it('garbage bytes close that connection only', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(m.address as string, () => {
        s.write(randomBytes(4096));
        s.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
      });
      s.on('error', () => {});
      s.on('close', () => resolve());
      s.resume();
    });
    const d = await m.dict();
    await d.set('after', 1);
    expect(await d.get('after')).toBe(1);
  });
});

describe('lifecycle', () => {
  it('the server ignores SIGINT (the parent shuts it down in order)', async () => {
    const pid = m.process?.pid as number;
    process.kill(pid, 'SIGINT');
    const d = await m.dict();
    await d.set('after-sigint', 1);
    expect(await d.get('after-sigint')).toBe(1);
    expect(m.process?.isAlive()).toBe(true);
  });

  it('a program that forgets shutdown() still exits by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/forgetful.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [`--import=${resolveTsx()}`, script], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout.split('\n')[0]).toBe('1');
  });
});

describe('the server dies', () => {
  it('a killed server leaves its socket folder only until the next server starts', async () => {
    const own = await Manager();
    const pid = own.process?.pid as number;
    const dir = path.dirname(own.address as string);
    expect(path.basename(dir)).toMatch(new RegExp(`^proc-mgr-${pid}-`));
    process.kill(pid, 'SIGKILL');
    await own.process?.join();
    expect(fs.existsSync(dir)).toBe(true);
    const next = await Manager();
    onTestFinished(() => next.shutdown());
    expect(fs.existsSync(dir)).toBe(false);
    await own.shutdown().catch(() => {});
  });

  it('every pending and later call rejects with ManagerGoneError', async () => {
    const own = await Manager();
    const q = await own.Queue();
    const pending = q.get();
    own.process?.kill();
    const err = (await pending.catch((e: unknown) => e)) as ManagerGoneError;
    expect(err).toBeInstanceOf(ManagerGoneError);
    expect(err.code).toBe('PROC_ERR_MANAGER_GONE');
    await expect(q.put(1)).rejects.toBeInstanceOf(ManagerGoneError);
    await expect(q.qsize()).rejects.toBeInstanceOf(ManagerGoneError);
    await expect(own.dict()).rejects.toBeInstanceOf(ManagerGoneError);
    await own.shutdown();
  });
});
