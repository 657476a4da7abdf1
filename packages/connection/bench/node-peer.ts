/**
 * Node side of bench/conn.ts: the same roles as py_peer.py. Run as a child process with tsx.
 * Prints one JSON line (listeners first print their address).
 */
import { fork } from 'node:child_process';
import net, { type Socket } from 'node:net';
import { deserialize, type Reduced, reduceSymbol, serialize } from '@proc/core';
import { rebuildConnection } from '../src/connection/transfer.js';
import { Client, type Connection, Listener, Pipe } from '../src/index.js';

const KEY = 'bench key';
const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
/** CPU microseconds (user + system) this process used since `from` (for BENCH_CPU=1). */
const cpu = (from?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return u.user + u.system;
};
const cpuNote = (role: string, micros: number, n: number) => {
  if (process.env.BENCH_CPU) process.stderr.write(`${role}: ${(micros / n).toFixed(1)} us CPU per message\n`);
};

async function listen(): Promise<Listener> {
  const listener = new Listener(undefined, { authkey: KEY });
  await listener.listening;
  out(listener.address);
  return listener;
}

/** Sends `count` messages without awaiting each: at most `window` sends in flight. */
async function pump(count: number, send: () => Promise<void>, window: number): Promise<void> {
  let last: Promise<void> = Promise.resolve();
  for (let i = 1; i <= count; i++) {
    last = send();
    if (i % window === 0) await last;
  }
  await last;
}

const roles: Record<string, (...args: string[]) => Promise<void>> = {
  async sink(count) {
    const listener = await listen();
    const conn = await listener.accept();
    const n = Number(count);
    for (let i = 0; i < n; i++) await conn.recvBytes();
    await conn.sendBytes(Buffer.from('done'));
    await conn.poll(5000);
    await conn.close();
    await listener.close();
  },
  async echo() {
    const listener = await listen();
    const conn = await listener.accept();
    try {
      for (;;) await conn.sendBytes(await conn.recvBytes());
    } catch {}
    await conn.close();
    await listener.close();
  },
  /** The floor: a bare net server echoing 64 B, no framing, no authentication. */
  async 'raw-echo'() {
    const server = net.createServer({ noDelay: true });
    const path = `${process.env.TMPDIR ?? '/tmp'}/proc-bench-raw-${process.pid}.sock`;
    await new Promise<void>((resolve) => server.listen(path, resolve));
    out(path);
    const sock = await new Promise<Socket>((resolve) => server.once('connection', resolve));
    sock.on('data', (d) => sock.write(d));
    await new Promise((resolve) => sock.once('close', resolve));
    server.close();
  },
  async 'raw-ping'(address, count) {
    const sock = net.connect(JSON.parse(address));
    await new Promise((resolve) => sock.once('connect', resolve));
    const payload = Buffer.alloc(64, 120);
    const n = Number(count);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await new Promise<void>((resolve) => {
      let got = 0;
      let left = n;
      sock.on('data', (d) => {
        got += d.length;
        while (got >= 64) {
          got -= 64;
          if (--left === 0) return resolve();
          sock.write(payload);
        }
      });
      sock.write(payload);
    });
    cpuNote('raw-ping', cpu(c0), n);
    out({ seconds: (performance.now() - t0) / 1000 });
    sock.end();
  },
  async accept(count) {
    const listener = await listen();
    await (await listener.accept()).close();
    const c0 = process.cpuUsage();
    for (let i = 1; i < Number(count); i++) await (await listener.accept()).close();
    cpuNote('accept', cpu(c0), Number(count) - 1);
    await listener.close();
  },
  async source(address, size, count, mode) {
    const conn = await Client(JSON.parse(address), { authkey: KEY });
    const payload = Buffer.alloc(Number(size), 120);
    const value = { i: 1, name: 'small', ok: true };
    const n = Number(count);
    const t0 = performance.now();
    if (mode === 'awaited') for (let i = 0; i < n; i++) await conn.sendBytes(payload);
    else if (mode === 'send') await pump(n, () => conn.send(value), 1024);
    else await pump(n, () => conn.sendBytes(payload), 1024);
    await conn.recvBytes();
    out({ seconds: (performance.now() - t0) / 1000 });
    await conn.close();
  },
  async ping(address, count) {
    const conn = await Client(JSON.parse(address), { authkey: KEY });
    const payload = Buffer.alloc(64, 120);
    const n = Number(count);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      await conn.sendBytes(payload);
      await conn.recvBytes();
    }
    cpuNote('ping', cpu(c0), n);
    out({ seconds: (performance.now() - t0) / 1000 });
    await conn.close();
  },
  async connect(address, count) {
    const addr = JSON.parse(address);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const lat: number[] = [];
    for (let i = 0; i < Number(count); i++) {
      const t = performance.now();
      await (await Client(addr, { authkey: KEY })).close();
      lat.push(performance.now() - t);
    }
    cpuNote('connect', cpu(c0), Number(count));
    out({ seconds: (performance.now() - t0) / 1000 });
    if (process.env.BENCH_CPU) {
      const q = (f: number) => lat.slice(Math.floor(lat.length * f)).sort((a, b) => a - b);
      process.stderr.write(
        `connect: first ${lat.slice(0, 5).map((x) => x.toFixed(2))}; median of 11th-40th ${q(0)[0] === undefined ? '' : lat.slice(10, 40).sort((a, b) => a - b)[15].toFixed(3)} ms; median of the last half ${q(0.5)[Math.floor(lat.length / 4)].toFixed(3)} ms\n`,
      );
    }
  },
  /** One-way over a Pipe whose other end was passed to a child process (send: the codec). */
  async pipe(count) {
    const [a, b] = Pipe();
    await b.ready; // an end must be connected before it is passed on
    const handles: unknown[] = [];
    const reduced = b[reduceSymbol]({ transferHandle: (h) => handles.push(h) - 1 }) as Reduced;
    const child = fork(new URL(import.meta.url).pathname, ['pipe-sink', count], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.send({ state: serialize(reduced.state).toString('base64') }, handles[0] as Socket);
    const value = { i: 1, name: 'small', ok: true };
    const n = Number(count);
    await a.recv(); // the child is up: time the pipe, not the start
    const t0 = performance.now();
    await pump(n, () => a.send(value), 1024);
    await a.recv();
    out({ seconds: (performance.now() - t0) / 1000 });
    await a.close();
    await new Promise((resolve) => child.once('exit', resolve));
  },
  async 'pipe-sink'(count) {
    const [msg, handle] = await new Promise<[{ state: string }, Socket]>((resolve) =>
      process.once('message', (m, h) => resolve([m as { state: string }, h as Socket])),
    );
    const conn: Connection = rebuildConnection(deserialize(Buffer.from(msg.state, 'base64')), { takeHandle: () => handle });
    const n = Number(count);
    await conn.send('ready');
    for (let i = 0; i < n; i++) await conn.recv();
    await conn.send('done');
    await conn.poll(5000);
    await conn.close();
    process.disconnect();
  },
};

const [role, ...args] = process.argv.slice(2);
await roles[role](...args);
