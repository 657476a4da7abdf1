import { type ResourceLimits, Worker } from 'node:worker_threads';
import { currentProcess, SerializationError } from '@proc/core';
import { markEnded, markStarted } from '../runtime/thread-table.js';
import { workerExecArgv } from '../runtime/worker-options.js';
import { childLink } from '../transport/item-hub.js';
import { pack } from '../transport/pack.js';
import { HeldTasks } from './held-tasks.js';
import type { PoolWorkerBoot, ToPool, ToWorker } from './messages.js';
import { StderrTail } from './stderr-tail.js';

export enum WorkerState {
  Starting = 0,
  Ready = 1,
  /** Asked to finish and exit (close(), maxtasksperchild). */
  Stopping = 2,
  /** Being terminated (terminate(), a running task aborted). */
  Killing = 3,
  Exited = 4,
}

const entryUrl = new URL('./pool-worker-entry.js', import.meta.url);

/** The pool's side of one worker thread: its Worker, held tasks and stderr tail. */
export class ThreadWorker {
  readonly worker: Worker;
  /** For `activeChildren()`, as a pool's worker processes are listed there. */
  readonly name: string;
  readonly daemon = true;
  readonly threadId: number;
  state = WorkerState.Starting;
  /** Task ids sent and not answered. */
  readonly held = new HeldTasks();
  /** Function ids already defined on this worker. */
  readonly defined = new Set<number>();
  dispatched = 0;
  readonly tail = new StderrTail();
  /** Why the pool is stopping this worker, for the error its held tasks get. */
  killReason: string | undefined;
  error: unknown;
  readonly ended: Promise<number>;
  #out: unknown[] = [];
  #flushScheduled = false;
  #refd = true;

  readonly #onUnsendable: (id: number, err: Error) => void;

  constructor(
    boot: PoolWorkerBoot,
    resourceLimits: ResourceLimits,
    onMessage: (m: ToPool) => void,
    onUnsendable: (id: number, err: Error) => void,
  ) {
    this.#onUnsendable = onUnsendable;
    const initargs = pack(boot.initargs);
    const items = childLink();
    this.worker = new Worker(entryUrl, {
      workerData: { ...boot, initargs: initargs.value, items },
      transferList: [...initargs.transfer, items],
      execArgv: workerExecArgv(),
      stderr: true,
      resourceLimits,
      name: boot.name,
    });
    this.threadId = this.worker.threadId;
    this.name = boot.name;
    markStarted(this.threadId);
    const children = childrenSet();
    children.add(this);
    this.worker.stderr.on('data', (chunk: Buffer) => {
      this.tail.push(chunk);
      process.stderr.write(chunk);
    });
    this.worker.on('message', onMessage);
    this.worker.on('error', (err) => {
      this.error ??= err;
    });
    this.ended = new Promise<number>((resolve) => {
      this.worker.once('exit', (code) => {
        markEnded(this.threadId);
        children.delete(this);
        this.state = WorkerState.Exited;
        resolve(code);
      });
    });
  }

  /** This process's pid (a thread has none of its own). */
  get pid(): number {
    return process.pid;
  }

  isAlive(): boolean {
    return this.state !== WorkerState.Exited;
  }

  terminate(): void {
    this.kill('terminated');
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  /** Queues a task expected to run `micros`; every task queued in one event-loop turn goes in one message. */
  queueTask(id: number, fnId: number, kind: number, payload: unknown, micros: number): void {
    this.#out.push(id, fnId, kind, payload);
    this.held.add(id, micros);
    this.dispatched++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.#flushScheduled = false;
    const flat = this.#out;
    if (flat.length === 0 || this.state === WorkerState.Exited) return;
    this.#out = [];
    try {
      const p = pack(flat);
      this.worker.postMessage({ type: 'proc:tasks', flat: p.value as unknown[] } satisfies ToWorker, p.transfer);
    } catch {
      // Some task's arguments cannot travel (a function, a closed port): fail those, send the rest.
      const ok: unknown[] = [];
      for (let i = 0; i < flat.length; i += 4) {
        try {
          structuredClone(pack(flat[i + 3]).value);
          ok.push(flat[i], flat[i + 1], flat[i + 2], flat[i + 3]);
        } catch (err) {
          this.held.delete(flat[i] as number);
          this.#onUnsendable(flat[i] as number, new SerializationError(`The task's arguments cannot be sent to a worker thread: ${(err as Error).message}`, { cause: err }));
        }
      }
      if (ok.length > 0) {
        const p = pack(ok);
        this.worker.postMessage({ type: 'proc:tasks', flat: p.value as unknown[] } satisfies ToWorker, p.transfer);
      }
    }
  }

  /** An idle pool must not keep the process alive (Python's pool threads are daemonic). */
  setRef(ref: boolean): void {
    if (ref === this.#refd) return;
    this.#refd = ref;
    if (ref) this.worker.ref();
    else this.worker.unref();
  }

  kill(reason: string): void {
    if (this.state === WorkerState.Exited) return;
    this.killReason ??= reason;
    this.state = WorkerState.Killing;
    void this.worker.terminate();
  }
}

function childrenSet(): Set<unknown> {
  currentProcess();
  return (globalThis as unknown as Record<symbol, { children: Set<unknown> }>)[Symbol.for('proc.process.state')].children;
}
