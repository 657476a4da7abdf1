/**
 * Byte-for-byte interop with CPython's multiprocessing.connection, both directions: 3.11 (the
 * legacy HMAC-MD5 handshake), 3.12/3.13 (the {sha256} handshake) and 2.7, when installed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthenticationError, Client, type Connection, Listener } from '../src/index.js';
import { python, runPython } from './helpers.js';

const versions = ['3.11', '3.12', '3.13', '2.7'];
const KEY = 'secret key';

async function echoes(conn: Connection): Promise<void> {
  const messages = [Buffer.alloc(0), Buffer.from('hello'), randomBytes(70_000), randomBytes(5 * 1024 * 1024)];
  for (const m of messages) void conn.sendBytes(m);
  for (const m of messages) expect((await conn.recvBytes()).equals(m)).toBe(true);
  // any typed array is raw bytes, as Python's send_bytes takes any buffer
  await conn.sendBytes(new Float64Array([1.5, -2]), 8);
  expect(Buffer.from(await conn.recvBytes()).readDoubleLE(0)).toBe(-2);
}

for (const version of versions) {
  const exe = python(version);
  describe.skipIf(!exe)(`Python ${version}`, () => {
    const py = exe as string;

    for (const key of [KEY, null]) {
      const label = key ? 'with authkey' : 'without authkey';

      it(`Python client -> our Listener (${label})`, async () => {
        const listener = new Listener(undefined, { authkey: key });
        onTestFinished(() => listener.close());
        await listener.listening;
        const p = runPython(py, 'py_echo.py', ['connect', JSON.stringify(listener.address), key ?? '-']);
        const conn = await listener.accept();
        onTestFinished(() => conn.close());
        expect(await p.line()).toBe('READY');
        await echoes(conn);
        await conn.close();
        expect(await p.line()).toBe('EOF');
        expect(await p.exited).toBe(0);
      });

      it(`our Client -> Python Listener over TCP (${label})`, async () => {
        const p = runPython(py, 'py_echo.py', ['listen', JSON.stringify(['127.0.0.1', 0]), key ?? '-']);
        const address = JSON.parse(await p.line()) as [string, number];
        const conn = await Client(address, { authkey: key });
        onTestFinished(() => conn.close());
        expect(await p.line()).toBe('READY');
        await echoes(conn);
        await conn.close();
        expect(await p.line()).toBe('EOF');
        expect(await p.exited).toBe(0);
      });
    }

    it('our Client -> Python Listener over a Unix socket', async () => {
      const p = runPython(py, 'py_echo.py', ['listen', 'null', KEY]);
      const address = JSON.parse(await p.line()) as string;
      const conn = await Client(address, { authkey: KEY });
      onTestFinished(() => conn.close());
      expect(await p.line()).toBe('READY');
      await echoes(conn);
    });

    it('wrong key, Python client: AuthenticationError on both sides, the listener goes on', async () => {
      const listener = new Listener(undefined, { authkey: KEY });
      onTestFinished(() => listener.close());
      await listener.listening;
      const bad = runPython(py, 'py_echo.py', ['connect', JSON.stringify(listener.address), 'wrong']);
      await expect(listener.accept()).rejects.toBeInstanceOf(AuthenticationError);
      expect(await bad.line()).toBe('ERROR AuthenticationError');
      const good = runPython(py, 'py_echo.py', ['connect', JSON.stringify(listener.address), KEY]);
      const conn = await listener.accept();
      onTestFinished(() => conn.close());
      expect(await good.line()).toBe('READY');
      await echoes(conn);
    });

    it('wrong key, Python listener: AuthenticationError on both sides', async () => {
      const p = runPython(py, 'py_echo.py', ['listen', JSON.stringify(['127.0.0.1', 0]), KEY]);
      const address = JSON.parse(await p.line()) as [string, number];
      await expect(Client(address, { authkey: 'wrong' })).rejects.toBeInstanceOf(AuthenticationError);
      expect(await p.line()).toBe('ERROR AuthenticationError');
    });

    const legacy = version === '3.11' || version === '2.7';
    it(`strict ${legacy ? 'refuses' : 'accepts'} this version's handshake`, async () => {
      const p = runPython(py, 'py_echo.py', ['listen', JSON.stringify(['127.0.0.1', 0]), KEY]);
      const address = JSON.parse(await p.line()) as [string, number];
      const attempt = Client(address, { authkey: KEY, strict: true });
      if (legacy) {
        await expect(attempt).rejects.toBeInstanceOf(AuthenticationError);
        expect(await p.line()).toMatch(/^ERROR /);
      } else {
        const conn = await attempt;
        onTestFinished(() => conn.close());
        expect(await p.line()).toBe('READY');
      }
      const listener = new Listener(['127.0.0.1', 0], { authkey: KEY, strict: true });
      onTestFinished(() => listener.close());
      await listener.listening;
      const c = runPython(py, 'py_echo.py', ['connect', JSON.stringify(listener.address), KEY]);
      if (legacy) {
        await expect(listener.accept()).rejects.toBeInstanceOf(AuthenticationError);
        expect(await c.line()).toBe('ERROR AuthenticationError');
      } else {
        const conn = await listener.accept();
        onTestFinished(() => conn.close());
        expect(await c.line()).toBe('READY');
      }
    });
  });
}
