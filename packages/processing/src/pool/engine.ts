import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { deserialize, deserializeAsync, ProcessError, SerializationError, type StartMethod, serialize } from '@proc/core';
import { PoolBrokenError, PoolTerminatedError, WorkerLostError } from './errors.js';
import {
  type CancelRunning,
  FrameReader,
  type FunctionDefinition,
  type Hello,
  ResultStatus,
  type TaskKind,
  ToPool,
} from './protocol.js';
import { register, unregister } from './sigint.js';
import { type FnEntry, type Task, type TaskOwner, TaskState } from './task.js';
import { type ExitInfo, WorkerHandle, WorkerState } from './worker-handle.js';

export enum PoolState {
  Run = 0,
  Close = 1,
  Terminate = 2,
}

export interface EngineOptions {
  processes: number;
  initializer: FunctionDefinition | undefined;
  initargs: unknown[];
  maxtasksperchild: number | undefined;
  startMethod: StartMethod;
  execArgv: string[];
  tsLoader: string | undefined;
  /** Modules to import in each worker ahead of the first task. */
  preload: string[];
}

/**
 * How much work (estimated from measured run times) the pool hands a worker ahead: enough that
 * a worker never waits for a round trip between fast tasks, little enough that nothing waits
 * behind a slow task on a worker (so a crash or an abort touches only that task, and an idle
 * worker can take what is queued).
 */
const AHEAD_MICROS = 5000;
const MAX_AHEAD_TASKS = 512;
/** Items per tasks frame (a larger chunk travels alone). */
const FRAME_ITEMS = 4096;
/** Workers that die before they are ready, in a row, before the pool gives up (no crash loop). */
const BOOT_FAILURE_LIMIT = 3;
/** How long a worker gets to answer the cancel of a task it runs before it is killed. */
const CANCEL_GRACE_MS = 200;
const TERMINATE_GRACE_MS = 1000;

/**
 * The pool's engine: workers, the task queue, dispatch, results and faults. `Pool` is the
 * facade that validates arguments and turns calls into tasks.
 */
export class PoolEngine {
  state = PoolState.Run;
  readonly #options: EngineOptions;
  readonly #workers = new Map<number, WorkerHandle>();
  #queue: Task[] = [];
  #qHead = 0;
  /** Tasks queued or held by a worker. */
  #live = 0;
  #feeders = 0;
  readonly #fns = new Map<string, FnEntry>();
  #nextTaskId = 1;
  #nextWorkerIndex = 1;
  #nextFnId = 1;
  readonly #token = randomBytes(16);
  readonly #path: string;
  readonly #server: net.Server;
  #listening: Promise<void>;
  readonly #keepAlive: NodeJS.Timeout;
  #broken: Error | undefined;
  #bootFailures = 0;
  #dispatchScheduled = false;
  #ended: Promise<void>;
  #resolveEnded!: () => void;
  #serverClosed = false;
  readonly #namePrefix: string;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#namePrefix = `${options.startMethod[0].toUpperCase()}${options.startMethod.slice(1)}PoolWorker`;
    this.#ended = new Promise((r) => {
      this.#resolveEnded = r;
    });
    this.#keepAlive = setInterval(() => {}, 2 ** 30);
    this.#keepAlive.unref();
    this.#path = socketPath();
    this.#server = net.createServer((socket) => this.#onConnection(socket));
    this.#server.on('error', (err) => this.#break(new ProcessError(`The pool's socket failed: ${err.message}`, 'PROC_ERR_POOL_SOCKET', { cause: err })));
    this.#server.unref();
    this.#listening = new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#path, () => {
        if (!this.#path.startsWith('\0')) {
          try {
            fs.chmodSync(this.#path, 0o600);
          } catch {}
        }
        resolve();
      });
    });
    this.#listening.catch(() => {});
    register(this);
    for (let i = 0; i < options.processes; i++) this.#spawn();
  }

  get processes(): number {
    return this.#options.processes;
  }

  /** Live worker pids (for diagnostics and tests). */
  get pids(): number[] {
    return [...this.#workers.values()].flatMap((w) => (w.pid === undefined || !w.isLive() ? [] : [w.pid]));
  }

  get broken(): Error | undefined {
    return this.#broken;
  }

  /** The function entry for a located task function (one id per distinct function). */
  fn(modules: string[], exportName: string, fingerprint: string, explicitModule: boolean): FnEntry {
    const key = `${explicitModule}\n${modules.join('\n')}\n${exportName}\n${fingerprint}`;
    let entry = this.#fns.get(key);
    if (!entry) {
      entry = { id: this.#nextFnId++, modules, exportName, fingerprint, explicitModule, microsPerItem: -1 };
      this.#fns.set(key, entry);
      for (const m of modules) if (!this.#options.preload.includes(m)) this.#options.preload.push(m);
    }
    return entry;
  }

  task(fn: FnEntry, kind: TaskKind, payload: unknown, items: number, owner: TaskOwner, index: number): Task {
    const id = this.#nextTaskId;
    this.#nextTaskId = id >= 0xffffffff ? 1 : id + 1;
    return {
      id,
      fn,
      kind,
      payload,
      items,
      owner,
      index,
      state: TaskState.Queued,
      worker: undefined,
      settled: false,
      aborted: false,
      est: 0,
      graceTimer: undefined,
    };
  }

  submit(task: Task): void {
    if (this.#broken || this.state === PoolState.Terminate) {
      task.state = TaskState.Done;
      this.#settle(task, false, this.#broken ?? new PoolTerminatedError('The pool was terminated'));
      return;
    }
    this.#queue.push(task);
    this.#live++;
    if (this.#live === 1) this.#keepAlive.ref();
    this.#scheduleDispatch();
  }

  /** Queued tasks not yet handed to a worker (for imap's backpressure). */
  get queued(): number {
    return this.#queue.length - this.#qHead;
  }

  /**
   * Withdraws a task whose caller gave up. Queued: dropped. Held: the worker drops it if it
   * has not started it; if it runs it and `stopRunning` (an abort), the worker is replaced;
   * otherwise (a sibling chunk of a failed map) it runs to its end and the result is ignored.
   */
  withdraw(task: Task, stopRunning: boolean): void {
    task.settled = true;
    if (stopRunning) task.aborted = true;
    if (task.state === TaskState.Queued) {
      task.state = TaskState.Done;
      this.#finishLive();
      return;
    }
    if (task.state !== TaskState.Held) return;
    const w = task.worker as WorkerHandle;
    w.cancel(task.id, stopRunning);
    if (stopRunning && w.held.keys().next().value === task.id) this.#startGrace(w, task);
  }

  /** `withdraw` for every task of a call (a map that failed or was aborted). */
  withdrawOwner(owner: TaskOwner, stopRunning: boolean): void {
    for (let i = this.#qHead; i < this.#queue.length; i++) {
      const t = this.#queue[i];
      if (t.owner === owner && t.state === TaskState.Queued) {
        t.settled = true;
        t.state = TaskState.Done;
        this.#live--;
      }
    }
    for (const w of this.#workers.values()) {
      for (const t of w.held.values()) if (t.owner === owner && !t.settled) this.withdraw(t, stopRunning);
    }
    this.#checkIdle();
  }

  #startGrace(w: WorkerHandle, task: Task): void {
    if (task.graceTimer) return;
    task.graceTimer = setTimeout(() => {
      // No answer: the worker is blocked, running this task synchronously.
      if (w.held.get(task.id) === task) w.kill('it was stopped to end an aborted task', 'SIGKILL');
    }, CANCEL_GRACE_MS);
    task.graceTimer.unref();
  }

  feederStart(): void {
    this.#feeders++;
    this.#keepAlive.ref();
  }

  feederEnd(): void {
    this.#feeders--;
    this.#checkIdle();
  }

  close(): void {
    if (this.state !== PoolState.Run) return;
    this.state = PoolState.Close;
    this.#checkIdle();
  }

  async terminate(): Promise<void> {
    if (this.state !== PoolState.Terminate) {
      this.state = PoolState.Terminate;
      this.#keepAlive.ref();
      const err = new PoolTerminatedError('The pool was terminated');
      this.#failQueued(err);
      for (const w of this.#workers.values()) {
        for (const t of w.held.values()) {
          if (!t.settled) this.#settle(t, false, err);
        }
        w.kill('the pool was terminated', 'SIGTERM', TERMINATE_GRACE_MS);
      }
      this.#checkIdle();
    }
    await this.#ended;
  }

  /**
   * Ctrl-C: the process is about to die of SIGINT. Workers are stopped and awaited; pending
   * calls are left as they are (rejecting them would let the program run on, or die of an
   * unhandled rejection instead of the signal).
   */
  async stopForExit(): Promise<void> {
    this.#silent = true;
    this.state = PoolState.Terminate;
    this.#keepAlive.ref();
    for (const w of this.#workers.values()) w.kill('the parent got SIGINT', 'SIGTERM', TERMINATE_GRACE_MS);
    this.#checkIdle();
    await this.#ended;
  }

  #silent = false;

  /** Resolves when every worker has exited (after close() and the work, or terminate()). */
  join(): Promise<void> {
    this.#keepAlive.ref();
    return this.#ended;
  }

  #failQueued(err: Error): void {
    for (let i = this.#qHead; i < this.#queue.length; i++) {
      const t = this.#queue[i];
      if (t.state !== TaskState.Queued) continue;
      t.state = TaskState.Done;
      this.#live--;
      if (!t.settled) this.#settle(t, false, err);
    }
    this.#queue = [];
    this.#qHead = 0;
  }

  #settle(task: Task, ok: boolean, value: unknown): void {
    task.settled = true;
    try {
      task.owner.settle(task, ok, value);
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  #finishLive(): void {
    this.#live--;
    this.#checkIdle();
  }

  // ---- workers ----------------------------------------------------------------------------

  #spawn(): void {
    const index = this.#nextWorkerIndex++;
    const o = this.#options;
    const w = new WorkerHandle({
      index,
      name: `${this.#namePrefix}-${index}`,
      startMethod: o.startMethod,
      execArgv: o.execArgv,
      config: {
        path: this.#path,
        token: this.#token.toString('hex'),
        index,
        preload: [...o.preload],
        initializer: o.initializer,
        initargs: o.initargs,
        tsLoader: o.tsLoader,
      },
    });
    this.#workers.set(index, w);
    void w.start(this.#listening);
    void w.ended.then((info) => this.#onExit(w, info));
  }

  #onConnection(socket: net.Socket): void {
    socket.on('error', () => {});
    socket.setNoDelay?.(true);
    socket.unref();
    let w: WorkerHandle | undefined;
    const reader = new FrameReader((type, body) => {
      if (w) {
        this.#onFrame(w, type, body);
        return;
      }
      if (type !== ToPool.Hello) return socket.destroy();
      let hello: Hello;
      try {
        hello = JSON.parse(body.toString('utf8')) as Hello;
      } catch {
        return socket.destroy();
      }
      const token = Buffer.from(String(hello.token), 'hex');
      const candidate = this.#workers.get(hello.index);
      if (token.length !== this.#token.length || !timingSafeEqual(token, this.#token) || !candidate || candidate.socket) {
        return socket.destroy();
      }
      w = candidate;
      w.attach(socket);
      if (w.state === WorkerState.Stopping) w.stop();
      else if (w.state === WorkerState.Killing) socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        process.stderr.write(`proc pool: bad message from a worker: ${(err as Error).message}. This is a bug in proc.\n`);
        socket.destroy();
      }
    });
  }

  #onFrame(w: WorkerHandle, type: number, body: Buffer): void {
    switch (type) {
      case ToPool.Results:
        this.#onResults(w, body);
        break;
      case ToPool.Ready:
        w.wasReady = true;
        if (w.state === WorkerState.Starting) w.state = WorkerState.Ready;
        this.#bootFailures = 0;
        this.#scheduleDispatch();
        break;
      case ToPool.InitFailed:
        w.initError = decodeError(body);
        break;
      case ToPool.CancelRunning:
        this.#onCancelRunning(w, JSON.parse(body.toString('utf8')) as CancelRunning);
        break;
    }
  }

  #onResults(w: WorkerHandle, body: Buffer): void {
    let flat: unknown[];
    try {
      flat = deserialize(body) as unknown[];
    } catch (err) {
      if ((err as { code?: string }).code === 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED') {
        const copy = Buffer.from(body);
        void deserializeAsync(copy).then(
          (v) => this.#applyResults(w, v as unknown[]),
          (e: unknown) => this.#applyUndecodable(w, copy, e),
        );
        return;
      }
      this.#applyUndecodable(w, body, err);
      return;
    }
    this.#applyResults(w, flat);
  }

  /** A results frame the codec cannot read: the tasks it answered fail with the reason. */
  #applyUndecodable(w: WorkerHandle, _body: Buffer, err: unknown): void {
    const e = new SerializationError(`A worker's results could not be decoded: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
    // Without the ids, every task the worker held is failed and the worker replaced.
    for (const t of w.held.values()) if (!t.settled) this.#settle(t, false, e);
    w.kill('its results could not be decoded', 'SIGKILL');
  }

  #applyResults(w: WorkerHandle, flat: unknown[]): void {
    const held = w.held;
    for (let i = 0; i < flat.length; i += 4) {
      const id = flat[i] as number;
      const task = held.get(id);
      if (!task) continue;
      held.delete(id);
      w.heldMicros -= task.est;
      w.completed++;
      task.state = TaskState.Done;
      this.#live--;
      const status = flat[i + 1] as ResultStatus;
      if (status !== ResultStatus.Dropped) {
        const per = (flat[i + 3] as number) / task.items;
        const fn = task.fn;
        fn.microsPerItem = fn.microsPerItem < 0 ? per : fn.microsPerItem * 0.7 + per * 0.3;
      }
      if (task.graceTimer) clearTimeout(task.graceTimer);
      if (task.settled) continue;
      this.#settle(task, status === ResultStatus.Ok, flat[i + 2]);
    }
    // An aborted task that is now first in line may be running: it gets the grace period.
    const first = held.values().next().value;
    if (first?.aborted && !first.graceTimer) this.#startGrace(w, first);
    const max = this.#options.maxtasksperchild;
    if (max !== undefined && w.completed >= max && held.size === 0 && w.state === WorkerState.Ready) {
      w.stop();
      if (this.#needsWorkers()) this.#spawn();
    }
    this.#dispatch();
    this.#checkIdle();
  }

  #onCancelRunning(w: WorkerHandle, msg: CancelRunning): void {
    // Give back what the worker never started, then replace it: the task it runs cannot be
    // stopped any other way.
    const returned: Task[] = [];
    for (const id of msg.returned) {
      const t = w.held.get(id);
      if (!t) continue;
      w.held.delete(id);
      w.heldMicros -= t.est;
      t.state = TaskState.Queued;
      t.worker = undefined;
      if (t.settled) {
        t.state = TaskState.Done;
        this.#live--;
      } else returned.push(t);
    }
    if (returned.length > 0) {
      this.#queue = [...returned, ...this.#queue.slice(this.#qHead)];
      this.#qHead = 0;
    }
    w.kill('it was stopped to end an aborted task', 'SIGKILL');
    this.#scheduleDispatch();
  }

  #needsWorkers(): boolean {
    if (this.#broken || this.state === PoolState.Terminate) return false;
    if (this.state === PoolState.Run) return true;
    return this.#live > 0 || this.#feeders > 0;
  }

  #activeWorkers(): number {
    let n = 0;
    for (const w of this.#workers.values()) if (w.state === WorkerState.Starting || w.state === WorkerState.Ready) n++;
    return n;
  }

  #onExit(w: WorkerHandle, info: ExitInfo): void {
    this.#workers.delete(w.index);
    if (this.#silent) {
      this.#checkIdle();
      return;
    }
    // A worker that dies before it is ready (boot error, initializer failure) counts towards
    // the crash-loop bound; one the pool stopped or killed does not.
    const neverReady = !w.wasReady && w.stateAtExit === WorkerState.Starting;
    // Tasks it held: a result that made it out was applied before this (its socket is read
    // to the end first); the rest are lost with the worker.
    if (w.held.size > 0) {
      const count = w.held.size;
      const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`;
      const why = w.killReason ? ` (${w.killReason})` : '';
      const tail = info.stderrTail.trim();
      const err = new WorkerLostError(
        `Pool worker ${w.name} (pid ${w.pid}) ${how}${why} while it held ${count} task${count === 1 ? '' : 's'}${tail ? `; the end of its stderr:\n${lastLines(tail, 12)}` : ''}`,
        { exitCode: info.exitCode, signal: info.signal, stderrTail: info.stderrTail, pid: w.pid },
      );
      for (const t of w.held.values()) {
        if (t.graceTimer) clearTimeout(t.graceTimer);
        t.state = TaskState.Done;
        this.#live--;
        if (!t.settled) this.#settle(t, false, err);
      }
      w.held.clear();
      w.heldMicros = 0;
    }
    if (neverReady && this.state !== PoolState.Terminate) {
      this.#bootFailures++;
      if (this.#bootFailures >= BOOT_FAILURE_LIMIT) {
        const cause = w.initError ?? w.bootError;
        const what = w.initError ? 'the initializer failed' : 'workers could not start';
        this.#break(
          new PoolBrokenError(
            `The pool stopped starting workers: ${what} ${this.#bootFailures} times in a row (last: ${describe(cause, info)})`,
            { cause },
          ),
        );
      }
    }
    if (this.#needsWorkers() && this.#activeWorkers() < this.#options.processes) this.#spawn();
    this.#dispatch();
    this.#checkIdle();
  }

  /** The pool cannot go on (initializer failing, socket failing): fail all work, now and later. */
  #break(err: Error): void {
    if (this.#broken) return;
    this.#broken = err;
    this.#failQueued(err);
    for (const w of this.#workers.values()) {
      for (const t of w.held.values()) if (!t.settled) this.#settle(t, false, err);
      w.kill('the pool is broken', 'SIGTERM', TERMINATE_GRACE_MS);
    }
    this.#checkIdle();
  }

  // ---- dispatch ---------------------------------------------------------------------------

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => this.#dispatch());
  }

  #dispatch(): void {
    this.#dispatchScheduled = false;
    if (this.#qHead >= this.#queue.length || this.state === PoolState.Terminate) return;
    const ready: WorkerHandle[] = [];
    const max = this.#options.maxtasksperchild;
    for (const w of this.#workers.values()) {
      if (w.state === WorkerState.Ready && w.socket && (max === undefined || w.dispatched < max)) ready.push(w);
    }
    if (ready.length === 0) return;
    const batches: Task[][] = ready.map(() => []);
    let progress = true;
    while (progress) {
      progress = false;
      for (let k = 0; k < ready.length; k++) {
        const task = this.#peek();
        if (!task) break;
        const w = ready[k];
        const est = estimate(task);
        if (w.held.size > 0 && (w.heldMicros + est > AHEAD_MICROS || w.held.size >= MAX_AHEAD_TASKS)) continue;
        if (max !== undefined && w.dispatched >= max) continue;
        this.#qHead++;
        task.state = TaskState.Held;
        task.worker = w;
        task.est = est;
        w.heldMicros += est;
        w.held.set(task.id, task);
        w.dispatched++;
        batches[k].push(task);
        progress = true;
      }
    }
    if (this.#qHead > 1024 && this.#qHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#qHead);
      this.#qHead = 0;
    }
    // Frames of at most FRAME_ITEMS items, sent to the workers in turn: a worker starts on its
    // first chunk while the pool still encodes the next ones (large chunks pipeline).
    const cursors = batches.map(() => 0);
    let more = true;
    while (more) {
      more = false;
      for (let k = 0; k < ready.length; k++) {
        const batch = batches[k];
        let i = cursors[k];
        if (i >= batch.length) continue;
        const start = i;
        let items = 0;
        while (i < batch.length && (i === start || items + batch[i].items <= FRAME_ITEMS)) items += batch[i++].items;
        cursors[k] = i;
        this.#send(ready[k], start === 0 && i === batch.length ? batch : batch.slice(start, i));
        if (i < batch.length) more = true;
      }
    }
  }

  /** The next task still waiting (skipping withdrawn ones). */
  #peek(): Task | undefined {
    while (this.#qHead < this.#queue.length) {
      const t = this.#queue[this.#qHead];
      if (t.state === TaskState.Queued) return t;
      this.#qHead++;
    }
    return undefined;
  }

  #send(w: WorkerHandle, tasks: Task[]): void {
    for (const t of tasks) {
      if (!w.defined.has(t.fn.id)) {
        const { id: fnId, modules, exportName, fingerprint, explicitModule } = t.fn;
        w.define({ fnId, modules, exportName, fingerprint, explicitModule });
      }
    }
    const flat = new Array<unknown>(tasks.length * 4);
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i];
      flat[i * 4] = t.id;
      flat[i * 4 + 1] = t.fn.id;
      flat[i * 4 + 2] = t.kind;
      flat[i * 4 + 3] = t.payload;
    }
    let body: Uint8Array;
    try {
      body = serialize(flat);
    } catch {
      // Some task's arguments cannot travel: fail those tasks, send the rest.
      const ok: Task[] = [];
      for (const t of tasks) {
        try {
          serialize(t.payload);
          ok.push(t);
        } catch (err) {
          w.held.delete(t.id);
          w.heldMicros -= t.est;
          w.dispatched--;
          t.state = TaskState.Done;
          this.#live--;
          const e =
            err instanceof SerializationError ? err : new SerializationError(`A task's arguments cannot be sent to a worker: ${(err as Error)?.message}`, { cause: err });
          if (!t.settled) this.#settle(t, false, e);
        }
      }
      this.#checkIdle();
      if (ok.length > 0) this.#send(w, ok);
      return;
    }
    w.sendTasks(body);
  }

  // ---- lifecycle --------------------------------------------------------------------------

  #checkIdle(): void {
    if (this.#live === 0 && this.#feeders === 0 && this.state === PoolState.Run) this.#keepAlive.unref();
    if (this.state === PoolState.Close && this.#live === 0 && this.#feeders === 0) {
      for (const w of this.#workers.values()) if (w.state === WorkerState.Ready || w.state === WorkerState.Starting) w.stop();
    }
    if (this.#broken && this.#workers.size > 0) {
      for (const w of this.#workers.values()) if (w.state !== WorkerState.Killing && w.state !== WorkerState.Exited) w.kill('the pool is broken');
    }
    if (this.state !== PoolState.Run && this.#workers.size === 0 && !this.#serverClosed) {
      this.#serverClosed = true;
      this.#server.close();
      if (socketFiles.delete(this.#path)) fs.rmSync(this.#path, { force: true });
      clearInterval(this.#keepAlive);
      unregister(this);
      this.#resolveEnded();
    }
  }
}

/**
 * The run time a task is expected to take, in microseconds. A function not measured yet
 * counts as a full share: nothing is queued behind it on its worker until it is known.
 */
function estimate(task: Task): number {
  const per = task.fn.microsPerItem;
  return per < 0 ? AHEAD_MICROS : per * task.items;
}

/**
 * Where the pool listens. On Linux, the abstract namespace: no file to leave behind however the
 * process ends (anyone local may connect, but a worker must show the pool's random token first).
 * Elsewhere a 0600 file in the temp directory, removed when the pool ends or the process exits.
 */
function socketPath(): string {
  const name = `proc-pool-${process.pid}-${randomBytes(6).toString('hex')}.sock`;
  if (process.platform === 'linux') return `\0${name}`;
  const p = path.join(os.tmpdir(), name);
  socketFiles.add(p);
  if (socketFiles.size === 1) process.once('exit', removeSocketFiles);
  return p;
}

const socketFiles = new Set<string>();

function removeSocketFiles(): void {
  for (const p of socketFiles) fs.rmSync(p, { force: true });
  socketFiles.clear();
}

function decodeError(body: Buffer): unknown {
  try {
    return deserialize(body);
  } catch (err) {
    return err;
  }
}

function describe(cause: unknown, info: ExitInfo): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  if (cause !== undefined) return String(cause);
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.exitCode}`;
}

function lastLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.slice(-n).join('\n');
}
