import type net from 'node:net';
import { ProcessError, type SerializationError, type StartMethod } from '@proc/core';
import { assign, sendInFrames } from './dispatch.js';
import { PoolBrokenError, PoolTerminatedError } from './errors.js';
import { FnRegistry } from './fn-registry.js';
import { decodeError, decodeResults, encodeTasks } from './payloads.js';
import { PoolServer } from './pool-server.js';
import { type CancelRunning, type FunctionDefinition, ResultStatus, type TaskKind, ToPool } from './protocol.js';
import { register, unregister } from './sigint.js';
import { type FnEntry, newTask, type Task, type TaskOwner, TaskState } from './task.js';
import { TaskQueue } from './task-queue.js';
import { type ExitInfo, WorkerHandle, WorkerState } from './worker-handle.js';
import { bootFailure, workerLost } from './worker-lost.js';

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
  readonly #queue = new TaskQueue();
  /** Tasks queued or held by a worker. */
  #live = 0;
  #feeders = 0;
  readonly #fns: FnRegistry;
  #nextTaskId = 1;
  #nextWorkerIndex = 1;
  readonly #server: PoolServer;
  readonly #keepAlive: NodeJS.Timeout;
  #broken: Error | undefined;
  #bootFailures = 0;
  #dispatchScheduled = false;
  #ended: Promise<void>;
  #resolveEnded!: () => void;
  #finished = false;
  readonly #namePrefix: string;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#fns = new FnRegistry(options.preload);
    this.#namePrefix = `${options.startMethod[0].toUpperCase()}${options.startMethod.slice(1)}PoolWorker`;
    this.#ended = new Promise((r) => {
      this.#resolveEnded = r;
    });
    this.#keepAlive = setInterval(() => {}, 2 ** 30);
    this.#keepAlive.unref();
    this.#server = new PoolServer(
      (index, socket) => this.#accept(index, socket),
      (err) => this.#break(new ProcessError(`The pool's socket failed: ${err.message}`, 'PROC_ERR_POOL_SOCKET', { cause: err })),
    );
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
    return this.#fns.get(modules, exportName, fingerprint, explicitModule);
  }

  task(fn: FnEntry, kind: TaskKind, payload: unknown, items: number, owner: TaskOwner, index: number): Task {
    const id = this.#nextTaskId;
    this.#nextTaskId = id >= 0xffffffff ? 1 : id + 1;
    return newTask(id, fn, kind, payload, items, owner, index);
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
    return this.#queue.size;
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
    for (const t of this.#queue.ownedBy(owner)) {
      t.settled = true;
      t.state = TaskState.Done;
      this.#live--;
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
    for (const t of this.#queue.clear()) {
      t.state = TaskState.Done;
      this.#live--;
      if (!t.settled) this.#settle(t, false, err);
    }
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
        path: this.#server.path,
        token: this.#server.token,
        index,
        preload: [...o.preload],
        initializer: o.initializer,
        initargs: o.initargs,
        tsLoader: o.tsLoader,
      },
    });
    this.#workers.set(index, w);
    void w.start(this.#server.listening);
    void w.ended.then((info) => this.#onExit(w, info));
  }

  /** A connection that showed the token says it is worker `index`: its frame handler, if so. */
  #accept(index: number, socket: net.Socket): ((type: number, body: Buffer) => void) | undefined {
    const w = this.#workers.get(index);
    if (!w || w.socket) return undefined;
    w.attach(socket);
    if (w.state === WorkerState.Stopping) w.stop();
    else if (w.state === WorkerState.Killing) socket.destroy();
    return (type, body) => this.#onFrame(w, type, body);
  }

  #onFrame(w: WorkerHandle, type: number, body: Buffer): void {
    switch (type) {
      case ToPool.Results:
        decodeResults(
          body,
          (flat) => this.#applyResults(w, flat),
          (err) => this.#undecodable(w, err),
        );
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

  /** A results frame the codec cannot read: without the ids, every task the worker held fails. */
  #undecodable(w: WorkerHandle, err: SerializationError): void {
    for (const t of w.held.values()) if (!t.settled) this.#settle(t, false, err);
    w.kill('its results could not be decoded', 'SIGKILL');
  }

  #applyResults(w: WorkerHandle, flat: unknown[]): void {
    const held = w.held;
    for (let i = 0; i < flat.length; i += 4) {
      const id = flat[i] as number;
      const task = held.get(id);
      if (!task) continue;
      w.release(task);
      w.completed++;
      task.state = TaskState.Done;
      this.#live--;
      const status = flat[i + 1] as ResultStatus;
      if (status !== ResultStatus.Dropped) {
        const per = (flat[i + 3] as number) / task.items;
        const fn = task.fn;
        // A moving average over items: a chunk's mean counts as that many samples, so one
        // big chunk corrects an estimate made from a few single calls.
        const keep = fn.microsPerItem < 0 ? 0 : 0.7 ** Math.min(task.items, 64);
        fn.microsPerItem = fn.microsPerItem * keep + per * (1 - keep);
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
      w.release(t);
      t.state = TaskState.Queued;
      t.worker = undefined;
      if (t.settled) {
        t.state = TaskState.Done;
        this.#live--;
      } else returned.push(t);
    }
    if (returned.length > 0) this.#queue.unshift(returned);
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
      const err = workerLost(w, info);
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
            `The pool stopped starting workers: ${what} ${this.#bootFailures} times in a row (last: ${bootFailure(cause, info)})`,
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
    if (this.#queue.size === 0 || this.state === PoolState.Terminate) return;
    const ready: WorkerHandle[] = [];
    const max = this.#options.maxtasksperchild;
    for (const w of this.#workers.values()) {
      if (w.state === WorkerState.Ready && w.socket && (max === undefined || w.dispatched < max)) ready.push(w);
    }
    if (ready.length === 0) return;
    sendInFrames(assign(this.#queue, ready, max), (k, tasks) => this.#send(ready[k], tasks));
  }

  #send(w: WorkerHandle, tasks: Task[]): void {
    for (const t of tasks) {
      if (!w.defined.has(t.fn.id)) {
        const { id: fnId, modules, exportName, fingerprint, explicitModule } = t.fn;
        w.define({ fnId, modules, exportName, fingerprint, explicitModule });
      }
    }
    const { body, failed } = encodeTasks(tasks);
    for (const [t, err] of failed) {
      w.release(t);
      w.dispatched--;
      t.state = TaskState.Done;
      this.#live--;
      if (!t.settled) this.#settle(t, false, err);
    }
    if (body) w.sendTasks(body);
    if (failed.length > 0) this.#checkIdle();
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
    if (this.state !== PoolState.Run && this.#workers.size === 0 && !this.#finished) {
      this.#finished = true;
      this.#server.close();
      clearInterval(this.#keepAlive);
      unregister(this);
      this.#resolveEnded();
    }
  }
}
