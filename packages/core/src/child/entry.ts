/**
 * The first module a child interpreter runs (every start method). It is kept lean: it parses
 * JSON control messages and loads the codec only when it has something to decode, so a trivial
 * start costs little more than a bare `node` start.
 *
 * Order matters: the process-wide role is set to 'child' before any user module is imported, so
 * `isMainProcess()` is false in the child whichever copy of @proc/core the user module loads.
 */
import net from 'node:net';
import { processState } from '../identity/state.js';
import type { ChildMessage, Incoming, ParentMessage } from '../process/channel.js';
import { ControlChannel, readMessageSync } from '../process/channel.js';
import { makeChildView, setChildSelf } from '../process/child-view.js';
import { matchExport } from '../process/find-export.js';
import { flushStdio, trackStdio } from './stdio.js';

trackStdio();

const state = processState();
state.role = 'child';
state.name = 'Process';

const spare = process.argv.includes('--proc-spare');
// Helper processes started ahead of need ignore Ctrl-C, as CPython's forkserver does, so the
// parent can shut them down in order. A process running a target gets SIGINT's default back.
const ignoreSigint = () => {};
if (spare) process.on('SIGINT', ignoreSigint);

let booted = false;
let running = false;
const ipcHandles: unknown[] = [];
let handleWaiters: Array<() => void> = [];

// A child started for a target (not a spare) has its boot message on fd 3 before it runs: the
// parent wrote it right after spawning. Read it now, synchronously, rather than on the event
// loop's first turns some 3-4 ms later, so the target's module starts loading at once. Before
// the socket is made: fd 3 is blocking until then (if it is not and nothing is there yet, the
// socket gets the message as a spare does).
const bootNow = spare ? undefined : readMessageSync<ParentMessage>(3);
if (bootNow === null) process.exit(0);

const socket = new net.Socket({ fd: 3, readable: true, writable: true });

const channel = new ControlChannel<ParentMessage, ChildMessage>(socket, (m) => {
  void onMessage(m);
});

// The parent is gone: exit. (When this process is too busy to notice, the parent's reaper
// kills it; see reaper.ts.)
socket.on('close', () => {
  if (!running) process.exit(0);
  process.kill(process.pid, 'SIGTERM');
});
socket.on('error', () => {});

if (process.send) {
  process.on('message', (msg: unknown, handle: unknown) => {
    if (typeof msg === 'object' && msg !== null && (msg as { type?: string }).type === 'proc:handle') {
      ipcHandles[(msg as { index: number }).index] = handle;
      const w = handleWaiters;
      handleWaiters = [];
      for (const f of w) f();
    }
  });
}

// A spare reports ready once the codec, and the target's module when the parent named one, are
// imported: a boot then costs only the target's own work. It starts on the loop's first turn,
// after the messages already queued on the socket were read: a spare taken as soon as it was
// started (no spare was waiting) has its boot message there and must not load the codec first.
let preloading: Promise<unknown> = Promise.resolve();
if (spare) {
  setImmediate(() => {
    if (booted) return;
    void import('../serialize/index.js')
      .catch(() => {})
      .then(() => preloading)
      .then(() => {
        if (!booted) channel.send({ type: 'ready' });
      });
  });
}

if (bootNow) void onMessage(bootNow);

async function onMessage({ message, binary }: Incoming<ParentMessage>): Promise<void> {
  if (message.type === 'preload') {
    // Import the target's module ahead of need; a failure here shows again at boot.
    preloading = import(message.module).catch(() => {});
    return;
  }
  if (message.type !== 'boot' || booted) return;
  booted = true;
  try {
    const target = await prepare(message, binary);
    if (spare) process.off('SIGINT', ignoreSigint);
    running = true;
    process.once('beforeExit', () => {
      void fail(new Error('The target returned a promise that never settled: the event loop emptied while it was pending.'));
    });
    channel.send({ type: 'started' });
    socket.unref();
    process.on('uncaughtException', (err) => void fail(err));
    process.on('unhandledRejection', (err) => void fail(err));
    await target();
    await finish(0);
  } catch (err) {
    if (!running) await bootFailed(err);
    else await fail(err);
  }
}

async function prepare(boot: Extract<ParentMessage, { type: 'boot' }>, binary?: Buffer): Promise<() => unknown> {
  state.name = boot.name;
  state.daemon = boot.daemon;
  state.authkey = Buffer.from(boot.authkey, 'hex');
  state.identity = boot.identity;
  state.parent = boot.parent;
  if (boot.logToStderr) process.env.PROC_LOG_STDERR = '1';
  const [ns, payload] = await Promise.all([import(boot.target.module), decodeArgs(boot, binary)]);
  const found = matchExport(ns as Record<string, unknown>, boot.target);
  if (typeof found !== 'function') {
    const { TargetNotFoundError } = await import('../errors.js');
    throw new TargetNotFoundError(found.notFound);
  }
  const { args = [], self } = (payload ?? {}) as { args?: unknown[]; self?: Record<string, unknown> };
  if (boot.target.kind === 'class') {
    const instance = makeChildView(found as never, boot, args, self ?? {});
    return () => (instance as { run(): unknown }).run();
  }
  setChildSelf(boot, args);
  return () => found(...args);
}

async function decodeArgs(boot: Extract<ParentMessage, { type: 'boot' }>, binary?: Buffer): Promise<unknown> {
  if (!boot.binary || !binary) return undefined;
  const { deserializeAsync } = await import('../serialize/index.js');
  // stdio layout set by the parent (launch.ts): 3 control, 4 IPC when present, then handles.
  const handleBase = 4 + (process.send ? 1 : 0);
  if (boot.handleMode === 'ipc' && boot.handles > 0) {
    while (ipcHandles.filter((h) => h !== undefined).length < boot.handles) {
      await new Promise<void>((r) => handleWaiters.push(r));
    }
  }
  return deserializeAsync(binary, {
    takeHandle: (i: number) => (boot.handleMode === 'ipc' ? ipcHandles[i] : handleBase + i),
  });
}

let ending = false;

async function finish(code: number): Promise<void> {
  if (ending) return;
  ending = true;
  await flushStdio();
  process.exit(code);
}

async function sendError(type: 'error' | 'bootError', err: unknown): Promise<void> {
  let payload: Uint8Array | undefined;
  try {
    const { serialize } = await import('../serialize/index.js');
    payload = serialize(err);
  } catch {
    payload = undefined;
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  await new Promise<void>((resolve) => {
    socket.ref();
    const ok = payload ? channel.send({ type, message, binary: true }, payload) : channel.send({ type, message, binary: false });
    if (ok) resolve();
    else socket.once('drain', resolve);
    socket.once('close', resolve);
  });
}

async function fail(err: unknown): Promise<void> {
  if (ending) return;
  // Python prints the traceback in the child, under a header naming the process.
  process.stderr.write(`Process ${state.name}:\n${err instanceof Error ? (err.stack ?? String(err)) : String(err)}\n`);
  await sendError('error', err);
  await finish(1);
}

async function bootFailed(err: unknown): Promise<void> {
  await sendError('bootError', err);
  await finish(1);
}
