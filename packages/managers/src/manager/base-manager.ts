/**
 * Python's `BaseManager`: starts a server process (`start()`), or connects to a running server
 * (`connect()`), or serves in this process (`getServer().serveForever()`), and makes shared
 * objects of its registered types, returned as proxies.
 */
import { createInterface } from 'node:readline';
import { ChildBootError, childExecArgv, currentProcess, Process } from '@proc/core';
import type { ManagerClient } from '../client/manager-client.js';
import { clientFor, forget, noteServerId, rememberAuthkey } from '../client/pool.js';
import { ManagerError, ManagerGoneError } from '../errors.js';
import type { BaseProxy } from '../proxy/base-proxy.js';
import { registerProxyType } from '../proxy/proxy-types.js';
import { CONFIG_ENV, type EntryConfig, READY, runManagerServer } from '../server/entry.js';
import type { Factory } from '../server/registry.js';
import { Server, type ServerInfo } from '../server/server.js';
import type { Address } from '../wire/messages.js';
import { addRegistration, type RegisterOptions, registrationsOf } from './registration.js';
import { serverEntry } from './server-entry.js';

export interface ManagerOptions {
  /**
   * Where the server listens (`start()`, `getServer()`) or is (`connect()`): a Unix socket path,
   * or `[host, port]` for TCP (port 0: any free port).
   * @default a fresh private Unix socket
   */
  address?: Address;
  /** The key both ends authenticate with. @default `currentProcess().authkey` */
  authkey?: Uint8Array;
  /** How long `shutdown()` waits for the server process before SIGTERM, then SIGKILL. @default 1000 */
  shutdownTimeout?: number;
  /**
   * Node flags for the server process (`start()`).
   * @default none; tsx when a registered factory lives in a TypeScript module
   */
  execArgv?: string[];
  /**
   * TLS for remote use: `server` options (`key`, `cert`) for `getServer()`, `client` options
   * (`ca`, `servername`, ...) for `connect()`. Proxies rebuilt in this process reuse them.
   * A server started with `start()` (a local child) does not use TLS.
   */
  tls?: import('../transport/transport.js').TlsOptions;
}

enum State {
  Initial = 0,
  Starting = 1,
  Started = 2,
  Connected = 3,
  Shutdown = 4,
}

export class BaseManager {
  /** Serve SyncManager's types (a subclass of SyncManager sets this). */
  protected static builtins = false;
  #options: ManagerOptions;
  #authkey: Buffer;
  #address: Address | undefined;
  #state = State.Initial;
  #process: Process | null = null;
  #client: ManagerClient | null = null;
  #server: Server | null = null;

  constructor(options: ManagerOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { address, authkey } = options;
    if (address !== undefined && !isAddress(address)) {
      throw new TypeError('address must be a Unix socket path or [host, port]');
    }
    if (authkey !== undefined && !(authkey instanceof Uint8Array)) throw new TypeError('authkey must be a Buffer or Uint8Array');
    this.#options = options;
    this.#authkey = Buffer.from(authkey ?? currentProcess().authkey);
    this.#address = address;
  }

  /**
   * Registers a type this manager class can create: `factory(...args)` runs in the server (a
   * class is constructed with `new`). It must be exported from a module, since a server process
   * finds it by module and name (as a Process target). Adds a `manager[typeid](...args)` method.
   */
  static register(typeid: string, factory?: Factory | null, options: RegisterOptions = {}): void {
    if (typeof typeid !== 'string' || typeid === '') throw new TypeError('typeid must be a non-empty string');
    if (factory !== undefined && factory !== null && typeof factory !== 'function') throw new TypeError('factory must be a function');
    if (options.exposed !== undefined && !(Array.isArray(options.exposed) && options.exposed.every((m) => typeof m === 'string'))) {
      throw new TypeError('exposed must be an array of method names');
    }
    if (options.exposed?.some((m) => /^[_$#]/.test(m))) throw new TypeError('exposed methods cannot be private (_, $ or # prefixed)');
    // `this` is the class register() was called on: a subclass's registrations are its own.
    // biome-ignore lint/complexity/noThisInStatic: per-subclass registry, as Python's cls._registry
    addRegistration(this, typeid, factory, options);
    if (options.proxyType) registerProxyType(typeid, options.proxyType);
    if (options.createMethod !== false && factory) {
      // biome-ignore lint/complexity/noThisInStatic: the method goes on the class register() was called on
      Object.defineProperty(this.prototype, typeid, {
        configurable: true,
        writable: true,
        value(this: BaseManager, ...args: unknown[]) {
          return this.create(typeid, ...args);
        },
      });
    }
  }

  /** The server's address (once started, connected or served). */
  get address(): Address | undefined {
    return this.#address;
  }

  /** Starts a server process; resolves once it accepts clients. */
  async start(): Promise<void> {
    if (this.#state !== State.Initial) throw new ManagerError('A manager can be started (or connected) only once', 'PROC_ERR_STATE');
    this.#state = State.Starting;
    const ctor = this.constructor as typeof BaseManager;
    const regs = registrationsOf(ctor);
    for (const r of regs.values()) if (r.locateError) throw r.locateError;
    const config: EntryConfig = {
      address: this.#address,
      types: [...regs.values()].map((r) => r.spec),
      builtins: ctor.builtins,
    };
    const p = new Process({
      target: runManagerServer,
      module: serverEntry(regs.size),
      name: `${ctor.name}-server`,
      daemon: true,
      authkey: this.#authkey,
      stdio: { stdout: 'pipe', stderr: 'inherit' },
      env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
      // The server entry is plain JS: no loader unless a registered factory needs one (a lean start).
      execArgv: this.#options.execArgv ?? serverExecArgv(config),
    });
    this.#process = p;
    try {
      const started = p.start();
      const ready = readReady(p);
      ready.catch(() => {});
      await started;
      // The server is a daemon: core unref'd its handles once it started, so it never keeps
      // this process alive. Waiting for it to be ready must, though: hold stdout ref'd till then.
      const pipe = p.stdout as unknown as { ref?(): void; unref?(): void } | null;
      pipe?.ref?.();
      const { address } = await ready.finally(() => pipe?.unref?.());
      this.#address = address;
    } catch (err) {
      this.#state = State.Shutdown;
      if (p.isAlive()) p.kill();
      throw err instanceof ChildBootError || err instanceof ManagerError
        ? err
        : new ManagerError(`The manager server could not start: ${(err as Error).message}`, 'PROC_ERR_MANAGER_START', { cause: err });
    }
    // Ready means listening: connect in the background (the first call waits for it), so the
    // server's loading overlaps with whatever the caller does next.
    this.#attach(false);
    this.#state = State.Started;
  }

  /** Connects to a running server at `address` (Python's `manager.connect()`). */
  async connect(): Promise<void> {
    if (this.#state !== State.Initial) throw new ManagerError('A manager can be started (or connected) only once', 'PROC_ERR_STATE');
    if (this.#address === undefined) throw new TypeError('connect() needs the address of the server');
    this.#state = State.Starting;
    try {
      await this.#attach(true);
    } catch (err) {
      this.#state = State.Initial;
      throw err;
    }
    this.#state = State.Connected;
  }

  #attach(wait: true): Promise<void>;
  #attach(wait: false): void;
  #attach(wait: boolean): Promise<void> | void {
    const address = this.#address as Address;
    rememberAuthkey(address, this.#authkey, this.#options.tls?.client);
    const c = clientFor(address, undefined, this.#authkey);
    this.#client = c;
    const connected = c.connect().then(() => noteServerId(c));
    if (wait) return connected;
    connected.catch(() => {});
  }

  /**
   * A server for this manager's types, to run in this process: `await server.serveForever()`
   * (Python's `get_server().serve_forever()`), e.g. on `['0.0.0.0', 50000]` with an authkey, for
   * clients on other machines.
   */
  getServer(): Server {
    if (this.#server) return this.#server;
    const ctor = this.constructor as typeof BaseManager;
    const regs = registrationsOf(ctor);
    this.#server = new Server({
      address: this.#address,
      authkey: this.#authkey,
      builtins: ctor.builtins,
      types: [...regs.values()].map((r) => ({ ...r.spec, factory: r.factory })),
      tls: this.#options.tls?.server,
    });
    return this.#server;
  }

  #live(): ManagerClient {
    if (this.#state === State.Shutdown) throw new ManagerGoneError('The manager was shut down');
    if (this.#client === null) throw new ManagerError('The manager is not started: call start() or connect() first', 'PROC_ERR_STATE');
    return this.#client;
  }

  /** Creates a shared object of a registered type; resolves with its proxy. */
  create<P = BaseProxy>(typeid: string, ...args: unknown[]): Promise<P> {
    let c: ManagerClient;
    try {
      c = this.#live();
    } catch (err) {
      return Promise.reject(err);
    }
    return c.create(typeid, args) as Promise<P>;
  }

  /** What the server holds: objects, their reference counts, unclaimed tickets, connections. */
  debugInfo(): Promise<ServerInfo> {
    try {
      return this.#live().control('info') as Promise<ServerInfo>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The server process (after `start()`). */
  get process(): Process | null {
    return this.#process;
  }

  /**
   * Stops the server (started with `start()`: asks it to exit, then SIGTERM and SIGKILL after
   * `shutdownTimeout`, and waits for the exit) or disconnects (`connect()`). Idempotent.
   */
  async shutdown(): Promise<void> {
    if (this.#state === State.Shutdown) return;
    const wasStarted = this.#state === State.Started;
    this.#state = State.Shutdown;
    const c = this.#client;
    const p = this.#process;
    if (wasStarted && c && !c.gone) await c.control('shutdown').catch(() => {});
    if (c) {
      c.close();
      forget(c);
    }
    if (p?.isAlive()) {
      const t = this.#options.shutdownTimeout ?? 1000;
      await p.join({ timeout: t });
      if (p.isAlive()) {
        p.terminate();
        await p.join({ timeout: t });
      }
      if (p.isAlive()) {
        p.kill();
        // A timed join keeps this process alive while it waits (the server is a daemon, whose
        // handles do not).
        while (p.isAlive()) await p.join({ timeout: t });
      }
    }
    if (this.#server) await this.#server.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }
}

function serverExecArgv(config: EntryConfig): string[] {
  const ts = config.types.find((t) => t.ref && /\.(m|c)?tsx?$/.test(new URL(t.ref.module).pathname));
  return ts?.ref ? childExecArgv(ts.ref.module, []) : [];
}

function isAddress(a: unknown): a is Address {
  return typeof a === 'string' || (Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && Number.isInteger(a[1]));
}

/** The first line the server prints; the rest of its stdout goes to ours. */
function readReady(p: Process): Promise<{ address: Address }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      reject(err);
    };
    p.once('exit', (code) => fail(new ManagerGoneError(`The manager server exited (code ${code}) before it was ready`)));
    // stdout exists once the child is spawned, which start() does before its first await.
    const out = p.stdout;
    if (!out) return fail(new ManagerError('The manager server has no stdout', 'PROC_ERR_MANAGER_START'));
    const rl = createInterface({ input: out, crlfDelay: Number.POSITIVE_INFINITY });
    rl.on('line', (line) => {
      if (!done && line.startsWith(READY)) {
        done = true;
        try {
          resolve(JSON.parse(line.slice(READY.length)));
        } catch (err) {
          reject(err);
        }
        return;
      }
      process.stdout.write(`${line}\n`);
    });
  });
}
