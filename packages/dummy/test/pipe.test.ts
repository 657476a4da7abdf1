import { ConnectionClosedError } from '@proc/connection';
import { BufferTooShort, EOFError, Pipe, Process, Queue, wait } from '@proc/dummy';
import { describe, expect, it } from 'vitest';
import * as targets from './fixtures/targets.js';
import { targetsUrl } from './helpers.js';

describe('Pipe over a MessageChannel', () => {
  it('send/recv values, sendBytes/recvBytes/recvBytesInto, poll, EOF after close', async () => {
    const [a, b] = Pipe();
    expect(await b.poll()).toBe(false);
    await a.send({ x: 1, m: new Map([[1, 'one']]) });
    expect(await b.poll(1000)).toBe(true);
    expect(await b.recv()).toEqual({ x: 1, m: new Map([[1, 'one']]) });
    await a.sendBytes(Buffer.from('hello world'), 6);
    expect((await b.recvBytes()).toString()).toBe('world');
    await a.sendBytes(new Uint8Array([1, 2, 3, 4]));
    const buf = Buffer.alloc(2);
    const err = await b.recvBytesInto(buf).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BufferTooShort);
    await b.send('back');
    expect(await a.recv()).toBe('back');
    await a.close();
    await expect(b.recv()).rejects.toBeInstanceOf(EOFError);
    await expect(a.send(1)).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('wait() resolves with the ends that have a message', async () => {
    const [a, b] = Pipe();
    const [c, d] = Pipe();
    expect(await wait([b, d], { timeout: 10 })).toEqual([]);
    const w = wait([b, d]);
    await c.send('x');
    expect(await w).toEqual([d]);
    expect(await d.recv()).toBe('x');
    await a.close();
    await c.close();
  });

  it('one-way Pipe: [reader, writer]', async () => {
    const [r, w] = Pipe({ duplex: false });
    expect(r.writable).toBe(false);
    expect(w.readable).toBe(false);
    await w.send(1);
    expect(await r.recv()).toBe(1);
  });

  it('an end passed to a thread moves there; async iteration ends at EOF', async () => {
    const [mine, theirs] = Pipe();
    await mine.send('early');
    const p = new Process({ target: targets.pipeEcho, args: [theirs], module: targetsUrl });
    await p.start();
    expect(theirs.closed).toBe(true);
    expect(await mine.recv()).toEqual({ echo: 'early' });
    const q = new Queue();
    await mine.send(q);
    const echoed = (await mine.recv()) as { echo: Queue };
    await echoed.echo.put('through the echoed queue');
    expect(await q.get()).toBe('through the echoed queue');
    await mine.send('bye');
    const rest: unknown[] = [];
    for await (const v of mine) rest.push(v);
    expect(rest).toEqual([]);
    await p.join();
    expect(p.exitCode).toBe(0);
  });
});
