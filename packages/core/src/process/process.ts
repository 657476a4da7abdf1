import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { debug } from '../debug.js';
import { ChildBootError, ProcessError, StateError } from '../errors.js';
import { type ChildLike, processState } from '../identity/state.js';
import { checkWaitOptions, type WaitOptions, withDeadline } from '../util/wait.js';
import { childExecArgv } from './exec-argv.js';
import * as forkserver from './forkserver.js';
import { type LaunchConfig, Launched, type StdioOption } from './launch.js';
import { unwatchChild } from './reaper.js';
import { defaultStartMethod, isStartMethod, type StartMethod } from './start-method.js';
import { locateTarget, type TargetRef, toModuleUrl } from './target.js';

// biome-ignore lint/suspicious/noExplicitAny: a target takes any arguments
type AnyFunction = (...args: any[]) => unknown;

export interface ProcessOptions<F extends AnyFunction = AnyFunction> {
  /** The function the child runs: exported from an ES module (found by module and name). */
  target?: F;
  /** Arguments for `target`; they travel with proc's codec (Connections, Queues, proxies arrive connected). */
  args?: Parameters<F>;
  /** @default `Process-N` (Python's naming, `Process-1:2` in a child) */
  name?: string;
  /** Daemonic children are terminated when the parent exits; others are waited for. @default the parent's `daemon` */
  daemon?: boolean;
  /** The module exporting `target` (`import.meta.url`), when it is not the module calling `new Process()`. */
  module?: string | URL;
  /** The export name of `target`, when it differs from `target.name`. */
  exportName?: string;
  /** 'spawn', 'fork' or 'forkserver'. @default the context's or `setStartMethod()`'s, else 'spawn' */
  startMethod?: StartMethod;
  /** The child's environment. @default the parent's `process.env` */
  env?: NodeJS.ProcessEnv;
  /** The child's working directory. @default the parent's */
  cwd?: string;
  /** Node flags for the child. @default the parent's loader flags only (never a debugger's or test runner's); tsx added for a TypeScript target */
  execArgv?: string[];
  /** The interpreter (Python's `set_executable`). @default `process.execPath` */
  execPath?: string;
  /** 'inherit' (Python's behaviour), 'pipe' (read `p.stdout`/`p.stderr`) or 'ignore'; stdin is always ignored. @default 'inherit' */
  stdio?: StdioOption | { stdout?: StdioOption; stderr?: StdioOption };
  /** @default the parent's `currentProcess().authkey` */
  authkey?: Uint8Array;
}

export interface ProcessEvents {
  exit: [exitCode: number];
}

const kState = Symbol('proc.process.state');
const childInit = Symbol.for('proc.process.childInit');

enum Phase {
  Initial = 0,
  Starting = 1,
  Started = 2,
  Exited = 3,
  Closed = 4,
}

interface State {
  phase: Phase;
  options: ProcessOptions;
  name: string;
  daemon: boolean;
  authkey: Buffer;
  identity: number[];
  launched?: Launched;
  pid?: number;
  exitCode: number | null;
  error?: unknown;
  exited?: Promise<void>;
  startMethod: StartMethod;
  /** Calls awaiting join() on a daemon (which holds a ref on it meanwhile). */
  joiners: number;
}

/**
 * Python's `processing.Process`, made async: `await p.start()`, `await p.join()`.
 * Targets are found as Python's spawn finds them: by module and export name.
 */
export class Process<F extends AnyFunction = AnyFunction> extends EventEmitter<ProcessEvents> implements ChildLike {
  declare private [kState]: State;

  constructor(options: ProcessOptions<F> = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { target, args, name, daemon, startMethod, authkey } = options;
    if (target !== undefined && typeof target !== 'function') throw new TypeError('target must be a function');
    if (args !== undefined && !Array.isArray(args)) throw new TypeError('args must be an array');
    if (name !== undefined && typeof name !== 'string') throw new TypeError('name must be a string');
    if (daemon !== undefined && typeof daemon !== 'boolean') throw new TypeError('daemon must be a boolean');
    if (startMethod !== undefined && !isStartMethod(startMethod)) {
      throw new TypeError(`startMethod must be 'spawn', 'fork' or 'forkserver', got ${String(startMethod)}`);
    }
    if (authkey !== undefined && !(authkey instanceof Uint8Array)) throw new TypeError('authkey must be a Buffer or Uint8Array');
    if (options.module !== undefined) toModuleUrl(options.module);
    const parent = processState();
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
        startMethod: startMethod ?? (this.constructor as { startMethod?: StartMethod }).startMethod ?? defaultStartMethod(),
        joiners: 0,
      } satisfies State,
    });
  }

  /** In the child, a subclass instance is made without its constructor (as Python unpickles it). */
  [childInit](init: { name: string; daemon: boolean; args: unknown[] }): void {
    Object.defineProperty(this, kState, {
      enumerable: false,
      writable: true,
      value: {
        phase: Phase.Started,
        options: { args: init.args },
        name: init.name,
        daemon: init.daemon,
        authkey: processState().authkey,
        identity: processState().identity,
        pid: process.pid,
        exitCode: null,
        startMethod: defaultStartMethod(),
        joiners: 0,
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

  /** `undefined` until started. */
  get pid(): number | undefined {
    return this[kState].pid;
  }

  /** Python's alias of `pid`. */
  get ident(): number | undefined {
    return this.pid;
  }

  /** `null` while running (or unstarted), 0 on success, 1 when the target threw, `-N` for signal N. */
  get exitCode(): number | null {
    return this[kState].exitCode;
  }

  /** The error the target threw (or its work rejected with) in the child, rebuilt here. */
  get error(): unknown {
    return this[kState].error;
  }

  get startMethod(): StartMethod {
    return this[kState].startMethod;
  }

  /** The child's stdout when started with `stdio: 'pipe'`. */
  get stdout(): Readable | null {
    return this[kState].launched?.child.stdout ?? null;
  }

  get stderr(): Readable | null {
    return this[kState].launched?.child.stderr ?? null;
  }

  isAlive(): boolean {
    const s = this[kState];
    return s.phase === Phase.Starting || s.phase === Phase.Started;
  }

  /**
   * Starts the child and resolves once it has found its target and is running it. Rejects with
   * `ChildBootError` when the child cannot boot (missing module, syntax error, target not
   * exported) and with `SerializationError` when an argument cannot travel.
   */
  async start(): Promise<void> {
    const s = this[kState];
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    if (s.phase !== Phase.Initial) throw new StateError('A process can only be started once');
    // Python forbids daemonic processes to have children; so do we, for the same reason (a
    // daemon is killed without its children being cleaned up).
    if (processState().daemon) throw new ProcessError('daemonic processes are not allowed to have children', 'PROC_ERR_DAEMON_CHILD');
    const target = this.#targetRef();
    s.phase = Phase.Starting;
    try {
      await this.#launch(target);
    } catch (err) {
      s.phase = Phase.Exited;
      if (s.exitCode === null) s.exitCode = 1;
      throw err;
    }
  }

  #targetRef(): TargetRef {
    const s = this[kState];
    const overridden = this.run !== Process.prototype.run;
    if (overridden) {
      return locateTarget(this.constructor as AnyFunction, {
        module: s.options.module,
        exportName: s.options.exportName,
        kind: 'class',
      });
    }
    if (!s.options.target) throw new TypeError('Process needs a target (or a subclass that overrides run())');
    return locateTarget(s.options.target, { module: s.options.module, exportName: s.options.exportName, kind: 'function' });
  }

  async #launch(target: TargetRef): Promise<void> {
    const s = this[kState];
    const { options } = s;
    const handles: import('node:net').Socket[] = [];
    const ipcMode = s.startMethod === 'forkserver';
    let binary: Buffer | undefined;
    const args = options.args ?? [];
    const self = target.kind === 'class' ? ownFields(this) : undefined;
    if (args.length > 0 || self) {
      const { serialize } = await import('../serialize/index.js');
      for (let attempt = 0; ; attempt++) {
        handles.length = 0;
        try {
          binary = serialize(self ? { args, self } : { args }, {
            label: 'Process',
            transferHandle: (h) => {
              handles.push(h as import('node:net').Socket);
              return handles.length - 1;
            },
          });
          break;
        } catch (err) {
          // An argument not ready to travel yet (a Pipe end still connecting): wait, retry.
          const retry = retryAfter(err);
          if (!retry || attempt >= 5) throw err;
          await retry;
        }
      }
    }
    const stdio = normalizeStdio(options.stdio);
    const base = {
      execPath: options.execPath ?? process.execPath,
      execArgv: childExecArgv(target.module, options.execArgv),
      cwd: options.cwd,
      env: options.env,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
    };
    let launched: Launched | undefined;
    if (s.startMethod === 'forkserver') launched = forkserver.take(base, target.module);
    launched ??= new Launched({
      ...base,
      ipc: s.startMethod !== 'spawn',
      handles: ipcMode ? [] : handles,
      spare: false,
    } satisfies LaunchConfig);
    s.launched = launched;
    s.pid = launched.child.pid;
    const me = processState();
    me.children.add(this);
    // An error is decoded asynchronously (the codec loads lazily); the exit handling waits for
    // it, so `p.error` is set by the time `join()` resolves.
    let decoding: Promise<void> = Promise.resolve();
    registerExitHook();
    s.exited = launched.exited.then(async ({ code, signal }) => {
      await decoding;
      s.exitCode = code ?? (signal ? -(constants.signals[signal] ?? 0) : 1);
      if (s.phase !== Phase.Closed) s.phase = Phase.Exited;
      if (s.pid !== undefined) unwatchChild(s.pid);
      me.children.delete(this);
      debug('%s (pid %d) exited with %d', s.name, s.pid, s.exitCode);
      this.emit('exit', s.exitCode);
    });
    const started = new Promise<void>((resolve, reject) => {
      launched.onMessage(({ message, binary: payload }) => {
        if (message.type === 'started') {
          s.phase = Phase.Started;
          resolve();
        } else if (message.type === 'bootError' || message.type === 'error') {
          decoding = decodeError(message.message, payload).then((err) => {
            s.error = err;
            if (message.type === 'bootError') {
              reject(new ChildBootError(`${s.name} could not start: ${message.message}`, { cause: err }));
            }
          });
        }
      });
      void launched.exited.then(async ({ code, signal }) => {
        await decoding;
        reject(
          new ChildBootError(
            `${s.name} exited (${signal ? `signal ${signal}` : `code ${code}`}) before it started its target`,
            { cause: s.error },
          ),
        );
      });
    });
    started.catch(() => {});
    launched.channel.send(
      {
        type: 'boot',
        name: s.name,
        daemon: s.daemon,
        authkey: s.authkey.toString('hex'),
        identity: s.identity,
        parent: { pid: process.pid, name: me.name },
        target,
        binary: binary !== undefined,
        handles: handles.length,
        handleMode: ipcMode ? 'ipc' : 'fd',
        logToStderr: process.env.PROC_LOG_STDERR === '1',
      },
      binary,
    );
    if (ipcMode) {
      for (let i = 0; i < handles.length; i++) launched.child.send({ type: 'proc:handle', index: i }, handles[i]);
    } else {
      // The child has its own copies of the fds now.
      for (const h of handles) h.destroy();
    }
    await started;
    // A daemon must not keep this process alive, but start() itself must (an awaited start
    // under top-level await would otherwise see the event loop empty), so unref only now.
    if (s.daemon) launched.unref();
  }

  /**
   * Waits for the child to end. As Python's `join(timeout)`, a timeout does not throw: check
   * `exitCode` or `isAlive()` after it. An aborted `signal` rejects with `AbortError`.
   */
  async join(options?: WaitOptions): Promise<void> {
    checkWaitOptions(options);
    const s = this[kState];
    if (s.phase === Phase.Initial) throw new StateError('can only join a started process');
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    if (!s.exited) return;
    const exited = s.exited;
    // A daemon's handle is unref'd so it cannot keep this process alive; while someone awaits
    // its end, it must (as a blocking join does in Python), or an awaited join under top-level
    // await would see the event loop empty.
    const held = s.daemon && s.launched && s.exitCode === null ? s.launched : undefined;
    if (held && s.joiners++ === 0) held.ref();
    try {
      if (options?.timeout === undefined || options.timeout === null) {
        await withDeadline(() => exited, { signal: options?.signal }, 'join');
        return;
      }
      const timeout = options.timeout;
      let timer: NodeJS.Timeout | undefined;
      await withDeadline(
        () =>
          Promise.race([
            exited,
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, timeout);
            }),
          ]).finally(() => clearTimeout(timer)),
        { signal: options.signal },
        'join',
      );
    } finally {
      if (held && --s.joiners === 0) held.unref();
    }
  }

  /** SIGTERM (Python's `terminate()`). */
  terminate(): void {
    this.#signal('SIGTERM');
  }

  /** SIGKILL (Python's `kill()`). */
  kill(): void {
    this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    const s = this[kState];
    if (s.phase === Phase.Closed) throw new StateError('Process is closed');
    if (s.launched && s.exitCode === null) s.launched.child.kill(signal);
  }

  /** Releases the process's resources; throws if it is still running (as Python). Idempotent. */
  close(): void {
    const s = this[kState];
    if (s.phase === Phase.Closed) return;
    if (s.phase === Phase.Starting || s.phase === Phase.Started) {
      throw new StateError('Cannot close a process while it is still running. Call join() or terminate() first.');
    }
    s.phase = Phase.Closed;
    const l = s.launched;
    if (l) {
      l.channel.socket.destroy();
      l.child.stdout?.destroy();
      l.child.stderr?.destroy();
    }
    s.launched = undefined;
  }

  /** `await using p = new Process(...)`: terminates a child still running, then waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    const s = this[kState];
    if (s.phase === Phase.Starting || s.phase === Phase.Started) {
      this.terminate();
      await this.join({ timeout: 2000 });
      if (this.isAlive()) {
        this.kill();
        await this.join();
      }
    }
    this.close();
  }

  override toString(): string {
    const s = this[kState];
    const status = s.phase === Phase.Initial ? 'initial' : s.exitCode === null ? 'started' : `stopped exitcode=${s.exitCode}`;
    return `<${this.constructor.name} name='${s.name}' ${status}${s.daemon ? ' daemon' : ''}>`;
  }
}

function normalizeStdio(stdio: ProcessOptions['stdio']): { stdout: StdioOption; stderr: StdioOption } {
  if (stdio === undefined) return { stdout: 'inherit', stderr: 'inherit' };
  if (typeof stdio === 'string') {
    if (!['inherit', 'pipe', 'ignore'].includes(stdio)) throw new TypeError(`stdio must be 'inherit', 'pipe' or 'ignore'`);
    return { stdout: stdio, stderr: stdio };
  }
  return { stdout: stdio.stdout ?? 'inherit', stderr: stdio.stderr ?? 'inherit' };
}

/** A subclass's own fields travel with it (Python pickles the Process object's `__dict__`). */
function ownFields(p: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(p)) {
    if (k.startsWith('_events') || k === '_eventsCount' || k === '_maxListeners') continue;
    out[k] = (p as Record<string, unknown>)[k];
  }
  return out;
}

function retryAfter(err: unknown): Promise<unknown> | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const r = (e as { retryAfter?: unknown }).retryAfter;
    if (r instanceof Promise) return r;
  }
  return undefined;
}

async function decodeError(message: string, payload: Buffer | undefined): Promise<unknown> {
  if (!payload) return new ProcessError(message, 'PROC_ERR_REMOTE');
  try {
    const { deserializeAsync } = await import('../serialize/index.js');
    return await deserializeAsync(payload);
  } catch {
    return new ProcessError(message, 'PROC_ERR_REMOTE');
  }
}

const exitHookKey = Symbol.for('proc.exitHook');

/**
 * At exit, daemonic children are terminated (Python's rule). Non-daemonic children keep this
 * process alive until they end (their handles are ref'd), which is Python's join-at-exit.
 */
function registerExitHook(): void {
  const g = globalThis as { [exitHookKey]?: boolean };
  if (g[exitHookKey]) return;
  g[exitHookKey] = true;
  process.on('exit', () => {
    for (const c of processState().children) {
      if (c.daemon && c.isAlive()) {
        try {
          c.terminate();
        } catch {}
      }
    }
  });
}
