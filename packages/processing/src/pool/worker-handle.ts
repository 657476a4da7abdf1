import type net from 'node:net';
import { constants } from 'node:os';
import { busyPoll, Process, type StartMethod } from '@proc/core';
import { type FunctionDefinition, frame, frameHeader, jsonFrame, ToWorker, u32Frame } from './protocol.js';
import { StderrTail } from './stderr-tail.js';
import { type Task, TaskState } from './task.js';
import { poolWorker, type WorkerConfig } from './worker-main.js';

export enum WorkerState {
  /** The process is starting or the initializer is running. */
  Starting = 0,
  /** Takes tasks. */
  Ready = 1,
  /** Asked to finish and exit (close(), maxtasksperchild). */
  Stopping = 2,
  /** Being killed (terminate(), a running task aborted). */
  Killing = 3,
  Exited = 4,
}

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

const workerModule = new URL('./worker-main.js', import.meta.url).href;
const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);
/** How long to wait for a dead worker's last results and stderr before failing its tasks. */
const DRAIN_MS = 1000;

/** The pool's side of one worker process: its Process, socket, held tasks and stderr tail. */
export class WorkerHandle {
  readonly index: number;
  readonly process: Process;
  state = WorkerState.Starting;
  socket: net.Socket | undefined;
  /** Tasks sent and not answered, in the order the worker runs them. */
  readonly held = new Map<number, Task>();
  /** Function ids already defined on this worker. */
  readonly defined = new Set<number>();
  /** Estimated run time of the held tasks (µs). */
  heldMicros = 0;
  /** Tasks ever sent (for maxtasksperchild). */
  dispatched = 0;
  completed = 0;
  /** Why the pool is stopping this worker, for the error its held tasks get. */
  killReason: string | undefined;
  readonly tail = new StderrTail();
  /** Has sent Ready once (its initializer ran). */
  wasReady = false;
  /** The state it was in when its process ended. */
  stateAtExit: WorkerState | undefined;
  /** Why `start()` failed, if it did. */
  bootError: unknown;
  /** What the initializer threw, if it did. */
  initError: unknown;
  /** Settles when the process has exited and its last output has been read. */
  readonly ended: Promise<ExitInfo>;
  #socketClosed: Promise<void> | undefined;
  #resolveExit!: (code: number) => void;
  #resolveStderr!: () => void;
  readonly #stderrDone = new Promise<void>((r) => {
    this.#resolveStderr = r;
  });

  constructor(options: {
    index: number;
    name: string;
    config: WorkerConfig;
    startMethod: StartMethod;
    execArgv: string[];
  }) {
    this.index = options.index;
    this.process = new Process({
      target: poolWorker,
      module: workerModule,
      exportName: 'poolWorker',
      args: [options.config],
      name: options.name,
      // Python's pool workers are daemonic: they never outlive the pool's process.
      daemon: true,
      startMethod: options.startMethod,
      stdio: { stdout: 'inherit', stderr: 'pipe' },
      execArgv: options.execArgv,
    });
    const exited = new Promise<number>((resolve) => {
      this.#resolveExit = resolve;
    });
    this.process.once('exit', (code) => this.#resolveExit(code));
    this.ended = exited.then(async (code) => {
      this.stateAtExit = this.state;
      this.state = WorkerState.Exited;
      // 'exit' can come before the last results and stderr bytes are read: wait for both ends.
      await new Promise((r) => setImmediate(r));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([this.socket ? this.#socketClosed : undefined, this.#stderrDone]),
        new Promise<void>((r) => {
          timer = setTimeout(r, DRAIN_MS);
        }),
      ]);
      clearTimeout(timer);
      this.socket?.destroy();
      return {
        exitCode: code,
        signal: code < 0 ? (signalNames.get(-code) ?? null) : null,
        stderrTail: this.tail.toString(),
      };
    });
  }

  /**
   * Starts the process once the pool listens. A failure is kept in `bootError`; `ended`
   * settles either way (at once when no process was launched).
   */
  async start(listening: Promise<void>): Promise<void> {
    try {
      await listening;
      if (this.state !== WorkerState.Starting) {
        this.#resolveStderr();
        this.#resolveExit(0);
        return;
      }
      await this.process.start();
    } catch (err) {
      this.bootError = err;
      if (this.process.pid === undefined) this.#resolveExit(1);
    } finally {
      this.#pipeStderr();
    }
    if (this.state === WorkerState.Killing) {
      try {
        this.process.kill();
      } catch {}
    }
  }

  #pipeStderr(): void {
    const stderr = this.process.stderr;
    if (!stderr) {
      this.#resolveStderr();
      return;
    }
    stderr.once('close', () => this.#resolveStderr());
    stderr.once('end', () => this.#resolveStderr());
    stderr.on('data', (chunk: Buffer) => {
      this.tail.push(chunk);
      process.stderr.write(chunk);
    });
    stderr.on('error', () => {});
  }

  /** Records `task` as sent to this worker, with its estimated run time `est` (µs). */
  hold(task: Task, est: number): void {
    task.state = TaskState.Held;
    task.worker = this;
    task.est = est;
    this.heldMicros += est;
    this.held.set(task.id, task);
    this.dispatched++;
  }

  /** Forgets a held task (answered, given back, or never sent). */
  release(task: Task): void {
    this.held.delete(task.id);
    this.heldMicros -= task.est;
  }

  attach(socket: net.Socket): void {
    this.socket = socket;
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get name(): string {
    return this.process.name;
  }

  isLive(): boolean {
    return this.state !== WorkerState.Exited;
  }

  write(buf: Buffer): void {
    const s = this.socket;
    if (s && !s.destroyed) s.write(buf);
  }

  define(def: FunctionDefinition): void {
    this.defined.add(def.fnId);
    this.write(jsonFrame(ToWorker.Define, def));
  }

  sendTasks(body: Uint8Array): void {
    const s = this.socket;
    if (!s || s.destroyed) return;
    // Header and body in one writev, without copying the body into a new frame buffer.
    s.cork();
    s.write(frameHeader(ToWorker.Tasks, body.byteLength));
    s.write(body);
    s.uncork();
    // A task or two in flight (an awaited `apply`): the result is often due within microseconds,
    // so poll for it rather than sleep. Not with many held (a map): results stream in anyway,
    // and the spinning pool would take a core from its workers.
    if (this.held.size <= 2) busyPoll();
  }

  /** `stop`: if the task is running, the worker says so (and is replaced); else it only drops a queued one. */
  cancel(id: number, stop: boolean): void {
    this.write(u32Frame(stop ? ToWorker.Cancel : ToWorker.Discard, id));
  }

  stop(): void {
    if (this.state === WorkerState.Exited || this.state === WorkerState.Killing) return;
    this.state = WorkerState.Stopping;
    if (this.socket) this.write(frame(ToWorker.Stop));
    // A worker still starting has no socket yet: it is told when it connects (see engine).
  }

  /** Ends the process: SIGTERM (Python's terminate), SIGKILL after `graceMs` if it is still there. */
  kill(reason: string, signal: NodeJS.Signals = 'SIGTERM', graceMs = 1000): void {
    if (this.state === WorkerState.Exited) return;
    this.killReason ??= reason;
    this.state = WorkerState.Killing;
    try {
      if (signal === 'SIGKILL') this.process.kill();
      else this.process.terminate();
    } catch {}
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => {
        try {
          if (this.process.exitCode === null) this.process.kill();
        } catch {}
      }, graceMs);
      timer.unref();
      void this.ended.then(() => clearTimeout(timer));
    }
  }
}
