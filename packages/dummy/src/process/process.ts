import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import {
  ChildBootError,
  checkWaitOptions,
  currentProcess,
  locateTarget,
  ProcessError,
  StateError,
  type TargetRef,
  type WaitOptions,
  withDeadline,
} from '@proc/core';
import { makeBoot, needsTsx, type ProcessBoot } from '../runtime/boot.js';
import { markEnded, markStarted } from '../runtime/thread-table.js';
import { defaultResourceLimits, workerExecArgv } from '../runtime/worker-options.js';
import { childLink } from '../transport/item-hub.js';
import { pack, unpack } from '../transport/pack.js';
import { isThreadMessage } from './messages.js';

// biome-ignore lint/suspicious/noExplicitAny: a target takes any arguments
type AnyFunction = (...args: any[]) => unknown;
type StdioOption = 'inherit' | 'pipe' | 'ignore';

export interface ProcessOptions<F extends AnyFunction = AnyFunction> {
  /** The function the thread runs: exported from an ES module (found by module and name, as for processes). */
  target?: F;
  /** Arguments for `target`; Queues, Locks, Pipe ends and manager proxies arrive usable. */
  args?: Parameters<F>;
  /** @default `Process-N` */
  name?: string;
  /** Daemonic threads do not keep the process alive and end with it. @default the parent's */
  daemon?: boolean;
  /** The module exporting `target` (`import.meta.url`), when it is not the module calling `new Process()`. */
  module?: string | URL;
  /** The export name of `target`, when it differs from `target.name`. */
  exportName?: string;
  /** Accepted for compatibility with @proc/processing; threads have one start method. */
  startMethod?: 'spawn' | 'fork' | 'forkserver';
  /** The thread's `process.env`. @default a copy of the parent's */
  env?: NodeJS.ProcessEnv;
  /** Node flags for the thread (per-thread flags only). @default none */
  execArgv?: string[];
  /** 'inherit' (into this process's stdout/stderr), 'pipe' (read `p.stdout`/`p.stderr`) or 'ignore'. @default 'inherit' */
  stdio?: StdioOption | { stdout?: StdioOption; stderr?: StdioOption };
  /** @default the parent's `currentProcess().authkey` */
  authkey?: Uint8Array;
  /**
   * Heap limits of the thread. A thread that reaches them ends (exit code 1, `error` is
   * `ERR_WORKER_OUT_OF_MEMORY`) and the process lives on; without limits it would take the
   * process down. @default half of this process's heap limit for the old generation
   */
  resourceLimits?: ResourceLimits;
}

export interface ProcessEvents {
  exit: [exitCode: number];
}

enum Phase {
  Initial = 0,
  Starting = 1,
  Started = 2,
  Exited = 3,
  Closed = 4,
}

const kState = Symbol('proc.dummy.process.state');
const childInit = Symbol.for('proc.process.childInit');
const entryUrl = new URL('./worker-entry.js', import.meta.url);
const packageDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stateKey = Symbol.for('proc.process.state');

interface State {
  phase: Phase;
  options: ProcessOptions;
  name: string;
  daemon: boolean;
  authkey: Buffer;
  identity: number[];
  worker?: Worker;
  threadId?: number;
  exitCode: number | null;
  error?: unknown;
  exited?: Promise<void>;
  endedBy?: 'SIGTERM' | 'SIGKILL';
}

interface ProcState {
  name: string;
  daemon: boolean;
  authkey: Buffer;
  counter: number;
  identity: number[];
  children: Set<unknown>;
}

function procState(): ProcState {
  currentProcess(); // creates the process-wide state when this is the first use
  return (globalThis as unknown as Record<symbol, ProcState>)[stateKey];
}

/**
 * Python's `Process` on a worker thread, with the API of @proc/processing's: the target is found
 * by module and export name, `isMainProcess()` is false inside, `exitCode` is 0 or 1 (negative
 * after `terminate()`/`kill()`, as for a signalled process), `pid` is this process's pid.
 */
export class Process<F extends AnyFunction = AnyFunction> extends EventEmitter<ProcessEvents> {
  declare private [kState]: State;

  constructor(options: ProcessOptions<F> = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { target, args, name, daemon, authkey } = options;
    if (target !== undefined && typeof target !== 'function') throw new TypeError('target must be a function');
    if (args !== undefined && !Array.isArray(args)) throw new TypeError('args must be an array');
    if (name !== undefined && typeof name !== 'string') throw new TypeError('name must be a string');
    if (daemon !== undefined && typeof daemon !== 'boolean') throw new TypeError('daemon must be a boolean');
    if (authkey !== undefined && !(authkey instanceof Uint8Array)) throw new TypeError('authkey must be a Buffer or Uint8Array');
    for (const k of ['cwd', 'execPath'] as const) {
      if ((options as Record<string, unknown>)[k] !== undefined) throw new TypeError(`${k} cannot be set for a thread (it shares the process's)`);
    }
    const parent = procState();
    const identity = [...parent.identity, ++parent.counter];
    Object.defineProperty(this, kState, {
      enumerable: false,
      writable: true,
      value: {
        phase: Phase.Initial,
        options: { ...options },
        name: name ?? `Process-${identity.join(':')}`,
        daemon: daemon ?? parent.daemon,
        authkey: authkey ? Buffer.from(authkey) : parent.authkey,
        identity,
        exitCode: null,
      } satisfies State,
    });
  }

  /** In the thread, a subclass instance is made without its constructor (as Python unpickles it). */
  [childInit](init: { name: string; daemon: boolean; args: unknown[] }): void {
    const me = procState();
    Object.defineProperty(this, kState, {
      enumerable: false,
      writable: true,
      value: {
        phase: Phase.Started,
        options: { args: init.args },
        name: init.name,
        daemon: init.daemon,
        authkey: me.authkey,
        identity: me.identity,
        exitCode: null,
      } satisfies State,
    });
  }

  /** Python's `run()`: calls `target(...args)`. Override it in an exported subclass. */
  run(): unknown {
    const { target, args = [] } = this[kState].options;
    return target?.(...args);
  }

  get name(): string {
    return this[kState].name;
  }

  set name(value: string) {
    if (typeof value !== 'string') throw new TypeError('name must be a string');
    this[kState].name = value;
  }

  get daemon(): boolean {
    return this[kState].daemon;
  }

  set daemon(value: boolean) {
    if (this[kState].phase !== Phase.Initial) throw new StateError('daemon can only be set before start()');
    this[kState].daemon = Boolean(value);
  }

  get authkey(): Buffer {
    return this[kState].authkey;
  }

  set authkey(value: Uint8Array) {
    this[kState].authkey = Buffer.from(value);
  }

  get args(): unknown[] {
    return this[kState].options.args ?? [];
  }

  /** This process's pid once started (a thread has none of its own); `undefined` before. */
  get pid(): number | undefined {
    return this[kState].phase === Phase.Initial ? undefined : process.pid;
  }

  /** Python's `ident`: the thread's id once started. */
  get ident(): number | undefined {
    return this[kState].threadId;
  }

  /** The worker thread's `threadId`. */
  get threadId(): number | undefined {
    return this[kState].threadId;
  }

  /** `null` while running (or unstarted), 0 on success, 1 when the target threw or the thread failed, -15/-9 after terminate()/kill(). */
  get exitCode(): number | null {
    return this[kState].exitCode;
  }

  /** The error the target threw (or its work rejected with) in the thread. */
  get error(): unknown {
    return this[kState].error;
  }

  get startMethod(): 'spawn' {
    return 'spawn';
  }

  get stdout(): Readable | null {
    const s = this[kState];
    return s.worker && stdioOf(s.options.stdio).stdout === 'pipe' ? s.worker.stdout : null;
  }

  get stderr(): Readable | null {
    const s = this[kState];
    return s.worker && stdioOf(s.options.stdio).stderr === 'pipe' ? s.worker.stderr : null;
  }

  isAlive(): boolean {
    const s = this[kState];
    return s.phase === Phase.Starting || s.phase === Phase.Started;
  }

  /**
   * Starts the thread; resolves once it has found its target and is running it. Rejects with
   * `ChildBootError` when it cannot (missing module, target not exported).
   */
  async start(): Promise<void> {
    const s = this[kState];
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    if (s.phase !== Phase.Initial) throw new StateError('A process can only be started once');
    if (procState().daemon) throw new ProcessError('daemonic processes are not allowed to have children', 'PROC_ERR_DAEMON_CHILD');
    const target = this.#targetRef();
    s.phase = Phase.Starting;
    try {
      await this.#launch(target);
    } catch (err) {
      if (s.phase === Phase.Starting) s.phase = Phase.Exited;
      if (s.exitCode === null) s.exitCode = 1;
      throw err;
    }
  }

  #targetRef(): TargetRef {
    const s = this[kState];
    const skipDirs = [packageDir];
    if (this.run !== Process.prototype.run) {
      return locateTarget(this.constructor as AnyFunction, { module: s.options.module, exportName: s.options.exportName, kind: 'class', skipDirs });
    }
    if (!s.options.target) throw new TypeError('Process needs a target (or a subclass that overrides run())');
    return locateTarget(s.options.target, { module: s.options.module, exportName: s.options.exportName, kind: 'function', skipDirs });
  }

  async #launch(target: TargetRef): Promise<void> {
    const s = this[kState];
    const { options } = s;
    const packedArgs = pack(options.args ?? []);
    const packedSelf = target.kind === 'class' ? pack(ownFields(this)) : { value: undefined, transfer: [] };
    const boot: ProcessBoot = {
      ...makeBoot({ name: s.name, daemon: s.daemon, identity: s.identity, authkey: s.authkey, module: target.module }),
      target,
      args: packedArgs.value,
      self: packedSelf.value,
    };
    if (!needsTsx(target.module)) boot.tsx = null;
    const stdio = stdioOf(options.stdio);
    const items = childLink();
    boot.items = items;
    const worker = new Worker(entryUrl, {
      workerData: boot,
      transferList: [...packedArgs.transfer, ...packedSelf.transfer, items],
      env: options.env ?? { ...process.env },
      execArgv: options.execArgv ?? workerExecArgv(),
      stdout: stdio.stdout !== 'inherit',
      stderr: stdio.stderr !== 'inherit',
      resourceLimits: options.resourceLimits ?? defaultResourceLimits(),
      name: s.name,
    });
    s.worker = worker;
    const tid = worker.threadId;
    s.threadId = tid;
    markStarted(tid);
    if (stdio.stdout === 'ignore') worker.stdout.resume();
    if (stdio.stderr === 'ignore') worker.stderr.resume();
    const children = procState().children;
    children.add(this);
    if (s.daemon) worker.unref();
    let failure: unknown;
    worker.on('error', (err) => {
      // An uncaught error the entry could not report (out of memory, a crash in the entry).
      failure ??= err;
      s.error ??= err;
    });
    const started = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: unknown) => {
        if (!isThreadMessage(m)) return;
        if (m.type === 'proc:started') {
          if (s.phase === Phase.Starting) s.phase = Phase.Started;
          resolve();
        } else if (m.type === 'proc:error') {
          s.error = unpackError(m.error);
        } else if (m.type === 'proc:bootError') {
          const err = unpackError(m.error);
          s.error = err;
          failure = new ChildBootError(`${s.name} could not start: ${describe(err)}`, { cause: err });
        }
      });
      s.exited = new Promise<void>((done) => {
        worker.once('exit', (code) => {
          markEnded(tid);
          s.exitCode = s.endedBy === 'SIGKILL' ? -9 : s.endedBy === 'SIGTERM' ? -15 : code;
          if (s.phase !== Phase.Closed) s.phase = Phase.Exited;
          children.delete(this);
          reject(failure ?? new ChildBootError(`${s.name} exited (code ${code}) before it started its target`, { cause: s.error }));
          this.emit('exit', s.exitCode);
          done();
        });
      });
    });
    started.catch(() => {});
    await started;
  }

  /**
   * Waits for the thread to end. As Python's `join(timeout)`, a timeout does not throw: check
   * `exitCode` or `isAlive()` after it. An aborted `signal` rejects with `AbortError`.
   */
  async join(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options);
    const s = this[kState];
    if (s.phase === Phase.Initial) throw new StateError('can only join a started process');
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    const exited = s.exited;
    if (!exited) return;
    if (options?.timeout === undefined || options.timeout === null) {
      await withDeadline(() => exited, { signal: options?.signal }, 'join');
      return;
    }
    const timeout = options.timeout;
    let timer: NodeJS.Timeout | undefined;
    await withDeadline(
      () =>
        Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]).finally(() =>
          clearTimeout(timer),
        ),
      { signal: options.signal },
      'join',
    );
  }

  /** Stops the thread (Python's `terminate()`); `exitCode` becomes -15. */
  terminate(): void {
    this.#end('SIGTERM');
  }

  /** Stops the thread (Python's `kill()`); `exitCode` becomes -9. */
  kill(): void {
    this.#end('SIGKILL');
  }

  #end(how: 'SIGTERM' | 'SIGKILL'): void {
    const s = this[kState];
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    if (s.worker && s.exitCode === null) {
      s.endedBy ??= how;
      void s.worker.terminate();
    }
  }

  /** Releases the process's resources; throws if it is still running (as Python). Idempotent. */
  close(): void {
    const s = this[kState];
    if (s.phase === Phase.Closed) return;
    if (s.phase === Phase.Starting || s.phase === Phase.Started) {
      throw new StateError('Cannot close a process while it is still running. Call join() or terminate() first.');
    }
    s.phase = Phase.Closed;
    s.worker = undefined;
  }

  /** `await using p = new Process(...)`: terminates a thread still running, then waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    const s = this[kState];
    if (s.phase === Phase.Starting || s.phase === Phase.Started) {
      this.terminate();
      await this.join();
    }
    this.close();
  }

  override toString(): string {
    const s = this[kState];
    const status = s.phase === Phase.Initial ? 'initial' : s.exitCode === null ? 'started' : `stopped exitcode=${s.exitCode}`;
    return `<${this.constructor.name} name='${s.name}' ${status}${s.daemon ? ' daemon' : ''}>`;
  }
}

function stdioOf(stdio: ProcessOptions['stdio']): { stdout: StdioOption; stderr: StdioOption } {
  if (stdio === undefined) return { stdout: 'inherit', stderr: 'inherit' };
  if (typeof stdio === 'string') {
    if (!['inherit', 'pipe', 'ignore'].includes(stdio)) throw new TypeError(`stdio must be 'inherit', 'pipe' or 'ignore'`);
    return { stdout: stdio, stderr: stdio };
  }
  return { stdout: stdio.stdout ?? 'inherit', stderr: stdio.stderr ?? 'inherit' };
}

function ownFields(p: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(p)) {
    if (k.startsWith('_events') || k === '_eventsCount' || k === '_maxListeners') continue;
    out[k] = (p as Record<string, unknown>)[k];
  }
  return out;
}

function unpackError(e: unknown): unknown {
  try {
    return unpack(e);
  } catch {
    return e;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
