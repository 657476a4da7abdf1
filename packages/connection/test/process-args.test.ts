// A Pipe end passed to a child Process in args, with every start method: fds at spawn time
// (spawn, fork) or over the IPC channel (forkserver spares, already running).
import { Pipe } from '@proc/connection';
import { getContext } from '@proc/core';
import { describe, expect, it } from 'vitest';
import { collect, echo } from './fixtures/pipe-child.ts';

const module = new URL('./fixtures/pipe-child.ts', import.meta.url);

describe.each(['spawn', 'fork', 'forkserver'] as const)('a Pipe end passed in args (%s)', (method) => {
  it('arrives connected right after Pipe(), with no byte lost or doubled', async () => {
    const [a, b] = Pipe();
    const p = new (getContext(method).Process)({ target: echo, args: [b], module });
    await p.start();
    await a.send('ping');
    expect(await a.recv()).toEqual({ got: 'ping' });
    await p.join();
    expect(p.exitCode).toBe(0);
    await a.close();
  });

  it('hands over what the parent had already read on that end: nothing lost, nothing doubled', async () => {
    const [a, b] = Pipe();
    for (let i = 0; i < 50; i++) await a.send(i);
    expect(await b.recv()).toBe(0);
    const p = new (getContext(method).Process)({ target: collect, args: [b, 49], module });
    await p.start();
    expect(await a.recv()).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    await p.join();
    expect(b.closed).toBe(true);
    await a.close();
  });
});
