import { fork } from 'node:child_process';
import { join } from 'node:path';
import { type Reduced, reduceSymbol, SerializationError, serialize } from '@proc/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectionClosedError, Pipe } from '../src/index.js';
import { fixtures } from './helpers.js';

function pipe() {
  const pair = Pipe();
  onTestFinished(async () => {
    await Promise.all(pair.map((c) => c.close()));
  });
  return pair;
}

describe('passing a Connection to another process', () => {
  it('arrives connected with no byte lost or doubled, after the parent already received on it', async () => {
    const [a, b] = pipe();
    // Three messages arrive at b; the parent takes one, two stay queued in b.
    void a.send('m1');
    void a.send('m2');
    void a.send({ m: 3 });
    expect(await b.recv()).toBe('m1');
    await b.poll(null);

    const handles: unknown[] = [];
    const reduced = b[reduceSymbol]({ transferHandle: (h) => handles.push(h) - 1 }) as Reduced;
    expect(b.closed).toBe(true);
    await expect(b.recv()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(reduced.rebuild).toBe('rebuildConnection');
    expect(reduced.module).toMatch(/transfer\.(ts|js)$/);

    const child = fork(join(fixtures, 'transfer-child.ts'), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    onTestFinished(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    child.send({ state: serialize(reduced.state).toString('base64') }, handles[0] as never);
    void a.send('m4');
    expect(await a.recv()).toEqual(['child', 'm2']);
    expect(await a.recv()).toEqual(['child', { m: 3 }]);
    expect(await a.recv()).toEqual(['child', 'm4']);
    await a.close();
    expect(await exited).toBe(0);
  });

  it('refuses to travel where no handle can go, and stays usable', async () => {
    const [a, b] = pipe();
    await a.send('before');
    expect(() => b[reduceSymbol]({})).toThrow(SerializationError);
    expect(() => b[reduceSymbol]({ transferHandle: () => undefined })).toThrow(SerializationError);
    expect(b.closed).toBe(false);
    expect(await b.recv()).toBe('before');
    // inside a message sent over a Connection: a clear SerializationError too
    await expect(a.send({ conn: b })).rejects.toThrow();
  });
});
