import net from 'node:net';
import { AbortError, StateError, TimeoutError } from '@proc/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BufferTooShort,
  Client,
  Connection,
  ConnectionClosedError,
  EOFError,
  FrameError,
  Listener,
  MessageTooLargeError,
  Pipe,
  wait,
} from '../src/index.js';
import { caught } from './helpers.js';

function pipe(options?: Parameters<typeof Pipe>[0]): [Connection, Connection] {
  const pair = Pipe(options);
  onTestFinished(async () => {
    await Promise.all(pair.map((c) => c.close()));
  });
  return pair;
}

/** A Connection on one side, the raw socket of its peer on the other. */
async function rawPeer(): Promise<[Connection, net.Socket]> {
  const listener = new Listener();
  onTestFinished(() => listener.close());
  await listener.listening;
  const raw = net.connect(listener.address as string);
  onTestFinished(() => {
    raw.destroy();
  });
  const conn = await listener.accept();
  onTestFinished(() => conn.close());
  return [conn, raw];
}

describe('Connection over a Pipe', () => {
  it('carries values with send/recv and raw bytes with sendBytes/recvBytes, in order', async () => {
    const [a, b] = pipe();
    void a.send({ n: 1, list: [1, 'two'], map: new Map([[1, 2]]) });
    void a.sendBytes(Buffer.from('raw'));
    void a.send(null);
    expect(await b.recv()).toEqual({ n: 1, list: [1, 'two'], map: new Map([[1, 2]]) });
    expect(String(await b.recvBytes())).toBe('raw');
    expect(await b.recv()).toBeNull();
  });

  it('sends any typed array as raw bytes, with byte offset and size', async () => {
    const [a, b] = pipe();
    await a.sendBytes(new Uint32Array([1, 2, 3]), 4, 4);
    expect(await b.recvBytes()).toEqual(Buffer.from([2, 0, 0, 0]));
    await a.sendBytes(new ArrayBuffer(3));
    expect((await b.recvBytes()).length).toBe(3);
    await a.sendBytes(Buffer.alloc(0));
    expect((await b.recvBytes()).length).toBe(0);
    expect(() => a.sendBytes(Buffer.alloc(4), 5)).toThrow(RangeError);
    expect(() => a.sendBytes(Buffer.alloc(4), 2, 3)).toThrow(RangeError);
    expect(() => a.sendBytes('text' as never)).toThrow(TypeError);
  });

  it('moves multi-MiB messages both ways', async () => {
    const [a, b] = pipe();
    const big = Buffer.alloc(24 * 1024 * 1024, 7);
    big[big.length - 1] = 9;
    const sent = a.sendBytes(big);
    const got = await b.recvBytes();
    await sent;
    expect(got.equals(big)).toBe(true);
    void b.send({ big: big.subarray(0, 3 * 1024 * 1024) });
    expect(((await a.recv()) as { big: Uint8Array }).big.length).toBe(3 * 1024 * 1024);
  });

  it('recvBytesInto fills a buffer at a byte offset; BufferTooShort carries the message', async () => {
    const [a, b] = pipe();
    const target = new Uint8Array(8);
    void a.sendBytes(Buffer.from('abc'));
    expect(await b.recvBytesInto(target, 2)).toBe(3);
    expect(Buffer.from(target).toString('latin1', 2, 5)).toBe('abc');
    void a.sendBytes(Buffer.from('0123456789'));
    const err = await caught(b.recvBytesInto(target, 0));
    expect(err).toBeInstanceOf(BufferTooShort);
    expect(String(err.data)).toBe('0123456789');
    void a.sendBytes(Buffer.from('next'));
    expect(String(await b.recvBytes())).toBe('next');
  });

  it('recvBytes over maxlength raises and leaves the connection unreadable, as Python', async () => {
    const [a, b] = pipe();
    void a.sendBytes(Buffer.alloc(10));
    await expect(b.recvBytes({ maxlength: 9 })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(b.readable).toBe(false);
    await expect(b.recvBytes()).rejects.toBeInstanceOf(StateError);
    void b.sendBytes(Buffer.from('still writable'));
    expect(String(await a.recvBytes())).toBe('still writable');
  });

  it('poll: false at once, true once a message is there, null waits', async () => {
    const [a, b] = pipe();
    expect(await b.poll()).toBe(false);
    const polled = b.poll(null);
    void a.send(1);
    expect(await polled).toBe(true);
    expect(await b.poll(0)).toBe(true);
    expect(await b.recv()).toBe(1);
  });

  it('recv takes a timeout and a signal', async () => {
    const [, b] = pipe();
    await expect(b.recv({ timeout: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const ac = new AbortController();
    const pending = b.recv({ signal: ac.signal });
    ac.abort(new Error('stop'));
    const err = await caught(pending);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause?.message).toBe('stop');
    await expect(b.recv({ signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    expect(() => b.recv({ timeout: -1 })).toThrow(RangeError);
  });

  it('a clean close: queued messages are delivered, then EOFError; iteration ends', async () => {
    const [a, b] = pipe();
    void a.send('x');
    void a.send('y');
    await a.close();
    const got: unknown[] = [];
    for await (const v of b) got.push(v);
    expect(got).toEqual(['x', 'y']);
    const err = await caught(b.recv());
    expect(err).toBeInstanceOf(EOFError);
    expect(err.truncated).toBe(false);
    // as Python's: at the end, poll is true (a recv would not block: it raises EOFError)
    expect(await b.poll()).toBe(true);
  });

  it('a pending recv rejects with EOFError when the peer closes', async () => {
    const [a, b] = pipe();
    const pending = b.recvBytes();
    await a.close();
    await expect(pending).rejects.toBeInstanceOf(EOFError);
  });

  it('close() is idempotent; calls after it reject with ConnectionClosedError', async () => {
    const [a, b] = pipe();
    const pending = expect(a.recv()).rejects.toBeInstanceOf(ConnectionClosedError);
    const c1 = a.close();
    expect(a.close()).toBe(c1);
    await c1;
    expect(a.closed).toBe(true);
    await pending;
    await expect(a.send(1)).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(a.recv()).rejects.toBeInstanceOf(ConnectionClosedError);
    await b.close();
  });

  it('await using closes', async () => {
    let kept: Connection;
    {
      await using a = Pipe()[0];
      kept = a;
    }
    expect(kept.closed).toBe(true);
  });

  it('a one-way Pipe is [reader, writer]', async () => {
    const [reader, writer] = pipe({ duplex: false });
    expect([reader.readable, reader.writable, writer.readable, writer.writable]).toEqual([true, false, false, true]);
    await expect(reader.send(1)).rejects.toBeInstanceOf(StateError);
    await expect(writer.recv()).rejects.toBeInstanceOf(StateError);
    await writer.send('one way');
    expect(await reader.recv()).toBe('one way');
    await writer.close();
    await expect(reader.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it('wait() resolves with the connections that are ready', async () => {
    const [a1, b1] = pipe();
    const [a2, b2] = pipe();
    expect(await wait([b1, b2], { timeout: 0 })).toEqual([]);
    expect(await wait([b1, b2], { timeout: 10 })).toEqual([]);
    const waiting = wait([b1, b2]);
    void a2.send(2);
    expect(await waiting).toEqual([b2]);
    void a1.send(1);
    await b1.poll(null);
    expect(await wait([b1, b2])).toEqual([b1, b2]);
  });

  it('many unawaited sends go out in order (batched) and the last one resolves', async () => {
    const [a, b] = pipe();
    let last: Promise<void> | undefined;
    for (let i = 0; i < 10_000; i++) last = a.send(i);
    await last;
    for (let i = 0; i < 10_000; i++) expect(await b.recv()).toBe(i);
  });

  it('unawaited large sends in one tick all resolve (flushed early, past 256 KiB queued)', async () => {
    const [a, b] = pipe();
    await a.ready;
    const sizes = [300_000, 20_000, 300_000, 5, 300_000, 300_000];
    const sent = sizes.map((n, i) => a.sendBytes(Buffer.alloc(n, i)));
    const got: Buffer[] = [];
    for (let i = 0; i < sizes.length; i++) got.push(await b.recvBytes());
    await Promise.all(sent);
    expect(got.map((g) => g.length)).toEqual(sizes);
    expect(got.map((g) => g[g.length - 1])).toEqual(sizes.map((_, i) => i));
  });

  it('close() right after unawaited sends still delivers them, then the end', async () => {
    const [a, b] = pipe();
    await a.ready;
    void a.sendBytes(Buffer.from('one'));
    void a.sendBytes(Buffer.from('two'));
    await a.close();
    expect((await b.recvBytes()).toString()).toBe('one');
    expect((await b.recvBytes()).toString()).toBe('two');
    expect(await caught(b.recvBytes())).toBeInstanceOf(EOFError);
  });

  it('rejects bad arguments at once', () => {
    expect(() => new Connection({} as never)).toThrow(TypeError);
    expect(() => Pipe(null as never)).toThrow(TypeError);
    const [a] = pipe();
    expect(() => a.poll(-1)).toThrow(RangeError);
    expect(() => a.recvBytes({ maxlength: -1 })).toThrow(RangeError);
  });
});

describe('Connection against a raw peer', () => {
  it('a peer gone mid-message gives EOFError with truncated', async () => {
    const [conn, raw] = await rawPeer();
    raw.end(Buffer.from([0, 0, 0, 10, 1, 2, 3]));
    const err = await caught(conn.recvBytes());
    expect(err).toBeInstanceOf(EOFError);
    expect(err.truncated).toBe(true);
  });

  it('a declared length over maxMessageSize closes the connection; nothing is allocated', async () => {
    const [conn, raw] = await rawPeer();
    const closed = new Promise((resolve) => raw.once('close', resolve));
    raw.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    const err = await caught(conn.recvBytes());
    expect(err).toBeInstanceOf(MessageTooLargeError);
    expect(err.size).toBe(0x7fffffff);
    expect(conn.closed).toBe(true);
    await closed;
    await expect(conn.recv()).rejects.toBeInstanceOf(MessageTooLargeError);
  });

  it('a negative length is a FrameError', async () => {
    const [conn, raw] = await rawPeer();
    raw.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    await expect(conn.recvBytes()).rejects.toBeInstanceOf(FrameError);
  });

  it('a message in many tiny chunks arrives whole', async () => {
    const [conn, raw] = await rawPeer();
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('hello')]);
    for (const byte of bytes) raw.write(Buffer.from([byte]));
    expect(String(await conn.recvBytes())).toBe('hello');
  });

  it('uses the 12-byte header beyond 2^31-1 (only the header is checked here)', async () => {
    const [conn, raw] = await rawPeer();
    raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 0]));
    const err = await caught(conn.recvBytes());
    expect(err).toBeInstanceOf(MessageTooLargeError);
    expect(err.size).toBe(2 ** 32);
  });
});

describe('Listener and Client', () => {
  it('no address: a Unix socket in a private 0700 folder, removed on close', async () => {
    const { statSync, existsSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const listener = new Listener();
    onTestFinished(() => listener.close());
    await listener.listening;
    const path = listener.address as string;
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    const [c, s] = await Promise.all([Client(path), listener.accept()]);
    await c.send('hi');
    expect(await s.recv()).toBe('hi');
    await Promise.all([c.close(), s.close()]);
    await listener.close();
    expect(existsSync(dirname(path))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('a Linux abstract socket', async () => {
    const name = `\0proc-test-${process.pid}-${Math.random()}`;
    const listener = new Listener(name, { authkey: 'k' });
    onTestFinished(() => listener.close());
    await listener.listening;
    expect(listener.address).toBe(name);
    const [c, s] = await Promise.all([Client(name, { authkey: 'k' }), listener.accept()]);
    onTestFinished(async () => {
      await Promise.all([c.close(), s.close()]);
    });
    await s.sendBytes(Buffer.from('abstract'));
    expect(String(await c.recvBytes())).toBe('abstract');
  });

  for (const host of ['127.0.0.1', '::1']) {
    it(`TCP on ${host}`, async () => {
      const listener = new Listener([host, 0], { authkey: Buffer.from('k') });
      onTestFinished(() => listener.close());
      await listener.listening;
      const [h, port] = listener.address as [string, number];
      expect(h).toBe(host);
      expect(port).toBeGreaterThan(0);
      const [c, s] = await Promise.all([Client([host, port], { authkey: new Uint8Array([107]) }), listener.accept()]);
      onTestFinished(async () => {
      await Promise.all([c.close(), s.close()]);
    });
      await c.send({ tcp: true });
      expect(await s.recv()).toEqual({ tcp: true });
      expect((listener.lastAccepted as [string, number])[0]).toContain(host === '::1' ? '::1' : '127.0.0.1');
    });
  }

  it('a TCP listener on a non-loopback address without a key warns', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    const listener = new Listener(['0.0.0.0', 0]);
    onTestFinished(() => listener.close());
    const warning = await warned;
    expect((warning as Error & { code?: string }).code).toBe('PROC_WARN_NO_AUTHKEY');
  });

  it('for await over a listener yields authenticated connections and skips failed ones', async () => {
    const listener = new Listener(undefined, { authkey: 'k' });
    onTestFinished(() => listener.close());
    await listener.listening;
    const bad = Client(listener.address, { authkey: 'wrong' });
    await expect(bad).rejects.toThrow();
    const good = Client(listener.address, { authkey: 'k' });
    for await (const conn of listener) {
      await conn.send('welcome');
      const c = await good;
      expect(await c.recv()).toBe('welcome');
      await Promise.all([c.close(), conn.close()]);
      break;
    }
  });

  it('a silent peer fails its handshake at the deadline; others are served meanwhile', async () => {
    const listener = new Listener(undefined, { authkey: 'k', handshakeTimeout: 200 });
    onTestFinished(() => listener.close());
    await listener.listening;
    const silent = net.connect(listener.address as string);
    onTestFinished(() => {
      silent.destroy();
    });
    const silentGone = new Promise((resolve) => silent.once('close', resolve));
    silent.resume();
    const c = await Client(listener.address, { authkey: 'k' });
    onTestFinished(() => c.close());
    const s = await listener.accept();
    onTestFinished(() => s.close());
    const err = await caught(listener.accept());
    expect(err.code).toBe('PROC_ERR_AUTH');
    expect(err.cause).toBeInstanceOf(TimeoutError);
    await silentGone;
  });

  it("a large message sent right after the handshake is not held to the handshake's 256-byte limit", async () => {
    const listener = new Listener(undefined, { authkey: 'k' });
    onTestFinished(() => listener.close());
    await listener.listening;
    const big = Buffer.alloc(1024 * 1024, 1);
    const [c, s] = await Promise.all([
      Client(listener.address, { authkey: 'k' }).then((conn) => {
        void conn.sendBytes(big);
        return conn;
      }),
      listener.accept(),
    ]);
    onTestFinished(async () => {
      await Promise.all([c.close(), s.close()]);
    });
    expect((await s.recvBytes()).equals(big)).toBe(true);
  });

  it('the handshake is complete on both sides when Client resolves (destroy at once is fine)', async () => {
    const listener = new Listener(undefined, { authkey: 'k' });
    onTestFinished(() => listener.close());
    await listener.listening;
    for (let i = 0; i < 5; i++) {
      const accepted = listener.accept();
      (await Client(listener.address, { authkey: 'k' })).destroy();
      const s = await accepted;
      await expect(s.recv()).rejects.toBeInstanceOf(EOFError);
    }
  });

  it('accept takes a timeout; close rejects pending accepts; accept after close rejects', async () => {
    const listener = new Listener();
    await listener.listening;
    await expect(listener.accept({ timeout: 10 })).rejects.toBeInstanceOf(TimeoutError);
    const pending = expect(listener.accept()).rejects.toBeInstanceOf(ConnectionClosedError);
    await listener.close();
    await pending;
    await expect(listener.accept()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('Client to nowhere rejects; Client takes a signal', async () => {
    await expect(Client('/nonexistent/proc.sock')).rejects.toThrow(/Cannot connect/);
    const ac = new AbortController();
    ac.abort();
    await expect(Client(['127.0.0.1', 1], { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(Client({} as never)).rejects.toBeInstanceOf(TypeError);
  });

  it('a bind error rejects listening and accept', async () => {
    const a = new Listener(['127.0.0.1', 0]);
    onTestFinished(() => a.close());
    await a.listening;
    const b = new Listener(a.address);
    onTestFinished(() => b.close());
    await expect(b.listening).rejects.toThrow(/EADDRINUSE/);
    await expect(b.accept()).rejects.toThrow(/EADDRINUSE/);
  });
});
