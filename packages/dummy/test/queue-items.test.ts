import { type Event, Full, Lock, Pipe, Queue, SerializationError } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { threadStarter } from './helpers.js';

const start = threadStarter();

describe('Queue items holding shared objects travel between threads', () => {
  it('a Lock sent through a Queue to a thread still excludes', async () => {
    const lock = new Lock();
    const q = new Queue();
    const out = new Queue();
    await lock.acquire();
    await q.put({ lock });
    const p = await start(targets.lockFromQueue, [q as never, out as never]);
    expect(await out.get()).toBe(false);
    await lock.release();
    expect(await out.get()).toBe(true);
    expect(await out.get()).toBe('released');
    expect(await lock.acquire({ block: false })).toBe(true);
    await lock.release();
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it('a Queue sent through a Queue works, both ways', async () => {
    const q = new Queue();
    const out = new Queue();
    const inner = new Queue();
    await q.put(inner);
    const p = await start(targets.queueFromQueue, [q as never, out as never]);
    expect(await inner.get()).toBe('from the thread');
    const [theirs] = (await out.get()) as [Queue];
    expect(theirs).toBeInstanceOf(Queue);
    await p.join();
    // The thread that made it has ended; what it put is still there.
    expect(await theirs.get()).toBe(1);
    expect(await theirs.get()).toEqual({ two: 2 });
  });

  it('a Pipe end sent through a Queue arrives connected', async () => {
    const q = new Queue();
    const [a, b] = Pipe();
    await q.put(b);
    const p = await start(targets.pipeFromQueue, [q as never]);
    await a.send('ping');
    expect(await a.recv()).toEqual({ echo: 'ping' });
    await a.send('bye');
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it('thread to thread, the putter gone before the get', async () => {
    const q = new Queue();
    const e1 = await start(targets.putEvent, [q as never, 2]);
    await e1.join();
    const { e } = (await q.get()) as { e: Event };
    const p = await start(targets.setEventFromQueue, [q as never]);
    expect(await e.wait({ timeout: 30_000 })).toBe(true);
    await p.join();
  });

  it('a put that fails leaves the Pipe end here; one that cannot be packed is skipped by getters', async () => {
    const q = new Queue({ maxsize: 1 });
    await q.put(0);
    const [a, b] = Pipe();
    await expect(q.put(b, { block: false })).rejects.toBeInstanceOf(Full);
    await a.send('still here');
    expect(await b.recv()).toBe('still here');
    expect(await q.get()).toBe(0);
    await b.close();
    const q2 = new Queue();
    await expect(q2.put({ b })).rejects.toBeInstanceOf(SerializationError);
    await q2.put('next');
    expect(await q2.get()).toBe('next');
    expect(await q2.qsize()).toBe(0);
  });
});
