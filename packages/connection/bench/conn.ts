/**
 * @proc/connection against Python's multiprocessing.connection, side by side in one run.
 *
 *   npx tsx bench/conn.ts            (from packages/connection; PYTHON=... picks the interpreter)
 *   ONLY=ping,connect npx tsx bench/conn.ts   (a subset: oneway, big, ping, connect, pipe)
 *
 * Every trial starts a fresh pair of processes (one listener, one client), each side a child
 * process; figures are medians of 3 trials. All connections are authenticated Unix sockets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const PYTHON = process.env.PYTHON ?? 'python3';
const TRIALS = Number(process.env.TRIALS ?? 3);
const here = new URL('.', import.meta.url).pathname;
const tsx = import.meta.resolve('tsx');

type Side = 'node' | 'py';

function start(side: Side, args: string[]): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child =
    side === 'node'
      ? spawn(process.execPath, ['--import', tsx, `${here}node-peer.ts`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(PYTHON, [`${here}py_peer.py`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

async function line(it: AsyncIterator<string>): Promise<string> {
  const r = await it.next();
  if (r.done) throw new Error('peer exited early');
  return r.value;
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => c.once('exit', () => resolve()));

/** One trial: a listener with `serverArgs`, a client with `clientArgs(address)`; returns seconds. */
async function pair(side: Side, serverArgs: string[], clientArgs: (address: string) => string[]): Promise<number> {
  const server = start(side, serverArgs);
  const address = await line(server.lines);
  const client = start(side, clientArgs(address));
  const { seconds } = JSON.parse(await line(client.lines)) as { seconds: number };
  await Promise.all([exited(client.child), exited(server.child)]);
  return seconds;
}

async function solo(side: Side, args: string[]): Promise<number> {
  const p = start(side, args);
  const { seconds } = JSON.parse(await line(p.lines)) as { seconds: number };
  await exited(p.child);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function trials(f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < TRIALS; i++) xs.push(await f());
  return median(xs);
}

interface Row {
  name: string;
  unit: string;
  node: number;
  py: number;
  /** true when lower is better (latency). */
  lower?: boolean;
  aim: string;
}

const rows: Row[] = [];
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(3));

const only = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : null;
const runs = (name: string) => only === null || only.has(name);

async function main() {
  const N = 200_000;
  const oneWay = (mode: string, size: number, count: number) => (side: Side) =>
    trials(() =>
      pair(side, ['sink', String(count)], (a) =>
        side === 'node' ? ['source', a, String(size), String(count), mode] : ['source', a, String(size), String(count)],
      ),
    );

  if (runs('oneway')) {
  const pyOneWay = await oneWay('', 64, N)('py');
  for (const [mode, label] of [
    ['pipelined', 'one-way 64 B sendBytes (pipelined)'],
    ['awaited', 'one-way 64 B sendBytes (await each)'],
  ] as const) {
    const s = await oneWay(mode, 64, N)('node');
    rows.push({ name: label, unit: 'msg/s', node: N / s, py: N / pyOneWay, aim: '>= 3x' });
  }
  const sSend = await oneWay('send', 0, N)('node');
  rows.push({ name: 'one-way send(small object) vs send_bytes', unit: 'msg/s', node: N / sSend, py: N / pyOneWay, aim: '(codec)' });
  }

  const M = 1000;
  const big = 1024 * 1024;
  if (runs('big')) {
  const pyBig = await oneWay('', big, M)('py');
  const nodeBig = await oneWay('pipelined', big, M)('node');
  rows.push({ name: 'one-way 1 MiB sendBytes', unit: 'MiB/s', node: M / nodeBig, py: M / pyBig, aim: '>= 1.5x' });
  }

  const R = 20_000;
  const ping = (role: 'echo' | 'raw-echo', client: 'ping' | 'raw-ping', side: Side) =>
    pair(side, [role], (a) => [client, a, String(R)]);
  if (runs('ping')) {
    // Alternating turns (Python, proc, bare Node) so that load on the machine hits all three alike.
    const py: number[] = [];
    const node: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      py.push(await ping('echo', 'ping', 'py'));
      node.push(await ping('echo', 'ping', 'node'));
      raw.push(await ping('raw-echo', 'raw-ping', 'node'));
    }
    const pyPing = median(py);
    rows.push({ name: 'ping-pong 64 B', unit: 'rt/s', node: R / median(node), py: R / pyPing, aim: '>= 1x' });
    rows.push({ name: 'ping-pong 64 B, bare net (floor)', unit: 'rt/s', node: R / median(raw), py: R / pyPing, aim: '(floor)' });
  }

  const C = 500;
  const connect = (side: Side) => pair(side, ['accept', String(C)], (a) => ['connect', a, String(C)]);
  if (runs('connect')) {
    // Alternating turns, as ping-pong.
    const py: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      py.push(await connect('py'));
      node.push(await connect('node'));
    }
    const ms = (s: number) => (s / C) * 1000;
    rows.push({ name: 'connect + handshake', unit: 'ms', node: ms(median(node)), py: ms(median(py)), lower: true, aim: '< 0.5 ms' });
  }

  const P = 100_000;
  const pipe = (side: Side) => trials(() => solo(side, ['pipe', String(P)]));
  if (runs('pipe')) {
  const pyPipe = await pipe('py');
  const nodePipe = await pipe('node');
  rows.push({ name: 'Pipe one-way send(small object)', unit: 'msg/s', node: P / nodePipe, py: P / pyPipe, aim: '>= 2x' });
  }

  const py = (await new Promise<string>((resolve) => {
    const p = spawn(PYTHON, ['--version']);
    let s = '';
    p.stdout.on('data', (d) => {
      s += d;
    });
    p.once('exit', () => resolve(s.trim()));
  })) as string;
  console.log(`\n@proc/connection vs ${py} multiprocessing.connection (Node ${process.version}, median of ${TRIALS})\n`);
  console.log(['scenario', 'unit', 'proc', 'python', 'ratio', 'aim'].join(' | '));
  console.log('---|---|---|---|---|---');
  for (const r of rows) {
    const ratio = r.lower ? r.py / r.node : r.node / r.py;
    console.log([r.name, r.unit, fmt(r.node), fmt(r.py), `${ratio.toFixed(2)}x`, r.aim].join(' | '));
  }
}

await main();
