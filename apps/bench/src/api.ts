/**
 * The public API of the @proc packages, as issues 2-7 specify it, reduced to what the figures
 * use. The packages are written in parallel with this app, so the figures load them lazily and
 * check each export: a missing one fails that figure alone, with a message naming it. The local
 * types keep the app compiling whatever the packages export today.
 */
export type Awaitable<T> = T | Promise<T>;

export interface ProcessOptions {
  target: (...args: never[]) => unknown;
  args?: unknown[];
  module?: string;
  name?: string;
  daemon?: boolean;
}

export interface ProcessLike {
  start(): Promise<void>;
  join(options?: { timeout?: number }): Promise<void>;
  isAlive(): boolean;
  terminate(): void;
  kill(): void;
  close?(): void;
  readonly exitCode: number | null;
  readonly pid?: number;
}

export type ProcessClass = new (options: ProcessOptions) => ProcessLike;

export interface QueueLike {
  put(item: unknown, options?: { timeout?: number }): Promise<void>;
  get(options?: { timeout?: number }): Promise<unknown>;
  close?(): Awaitable<void>;
}

export interface ConnectionLike {
  send(obj: unknown): Promise<void>;
  recv(options?: { timeout?: number }): Promise<unknown>;
  sendBytes(buf: Uint8Array): Promise<void>;
  recvBytes(options?: { maxlength?: number; timeout?: number }): Promise<Uint8Array>;
  close(): Awaitable<void>;
}

export interface ListenerLike {
  readonly address: unknown;
  accept(options?: { timeout?: number }): Promise<ConnectionLike>;
  close(): Awaitable<void>;
}

export interface DictProxy {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface LockLike {
  acquire(options?: { timeout?: number }): Promise<boolean | undefined>;
  release(): Awaitable<void>;
}

export interface ManagerLike {
  dict(): Promise<DictProxy>;
  Queue(options?: { maxsize?: number }): Promise<QueueLike>;
  Lock(): Promise<LockLike>;
  shutdown(): Awaitable<void>;
}

export interface AsyncResultLike<T> {
  get(options?: { timeout?: number }): Promise<T>;
}

export interface PoolLike {
  map<T, R>(fn: (x: T) => R, iterable: Iterable<T>, options?: { chunksize?: number }): Promise<R[]>;
  apply<A extends unknown[], R>(fn: (...args: A) => R, args: A): Promise<R>;
  applyAsync<A extends unknown[], R>(fn: (...args: A) => R, args: A): AsyncResultLike<R>;
  close(): Awaitable<void>;
  terminate(): Awaitable<void>;
  join(): Promise<void>;
}

export type PoolClass = new (options?: { processes?: number }) => PoolLike;

export interface ContextLike {
  Process: ProcessClass;
}

/** `@proc/processing` (and, with the same names, `@proc/dummy`). */
export interface ProcessingApi {
  Process: ProcessClass;
  Queue: new (options?: { maxsize?: number }) => QueueLike;
  Pipe: (options?: { duplex?: boolean }) => Awaitable<[ConnectionLike, ConnectionLike]>;
  Lock: new () => LockLike;
  Manager: () => Promise<ManagerLike>;
  Pool: PoolClass;
  Listener: new (address?: unknown, options?: { authkey?: Uint8Array }) => ListenerLike;
  Client: (address: unknown, options?: { authkey?: Uint8Array }) => Promise<ConnectionLike>;
  getContext: (method?: string) => ContextLike;
}

export type DummyApi = ProcessingApi;

type Loaded<T> = { [K in keyof T]?: T[K] };

/**
 * Where a name is defined beneath `@proc/processing` (issue 5 re-exports the lower layers).
 * While processing does not re-export a name yet, the figure takes it from its home package and
 * says so in its note, so the layers already written can be measured.
 */
const HOME: Record<string, string> = {
  Process: '@proc/core',
  getContext: '@proc/core',
  Pipe: '@proc/connection',
  Listener: '@proc/connection',
  Client: '@proc/connection',
  Manager: '@proc/managers',
};

/** Notes on names taken from a lower layer in this process (read by job-child.ts). */
export const fallbackNotes: string[] = [];

/** Imports `pkg` and returns its exports named in `names`, or throws naming the missing ones. */
async function load<T, K extends keyof T & string>(pkg: string, names: readonly K[], fallback: boolean): Promise<Pick<T, K>> {
  const mod = { ...((await import(pkg)) as Loaded<T>) };
  const missing: string[] = [];
  for (const n of names) {
    if (mod[n] !== undefined) continue;
    const home = fallback ? HOME[n] : undefined;
    const lower = home ? ((await import(home)) as Loaded<T>)[n] : undefined;
    if (lower === undefined) {
      missing.push(n);
      continue;
    }
    mod[n] = lower;
    const note = `${n} from ${home} (${pkg} does not export it yet)`;
    if (!fallbackNotes.includes(note)) fallbackNotes.push(note);
  }
  if (missing.length > 0) throw new Error(`${pkg} does not export ${missing.join(', ')} yet`);
  return mod as Pick<T, K>;
}

export function processing<K extends keyof ProcessingApi & string>(...names: K[]): Promise<Pick<ProcessingApi, K>> {
  return load<ProcessingApi, K>('@proc/processing', names, true);
}

/** `@proc/dummy`: no fallback, its names are its own (threads, not processes). */
export function dummy<K extends keyof DummyApi & string>(...names: K[]): Promise<Pick<DummyApi, K>> {
  return load<DummyApi, K>('@proc/dummy', names, false);
}
