import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { debug } from '../debug.js';
import { type ChildMessage, ControlChannel, type Incoming, type ParentMessage } from './channel.js';
import { watchChild } from './reaper.js';

export type StdioOption = 'inherit' | 'pipe' | 'ignore';

/** Everything that decides how a child interpreter is started (a spare matches on all of it). */
export interface LaunchConfig {
  execPath: string;
  execArgv: string[];
  cwd: string | undefined;
  env: NodeJS.ProcessEnv | undefined;
  stdout: StdioOption;
  stderr: StdioOption;
  /** Node IPC channel at fd 4 (fork and forkserver: it can carry handles after start). */
  ipc: boolean;
  /** Sockets handed to the child as fds (after fd 3 control and fd 4 IPC). */
  handles: Socket[];
  spare: boolean;
}

/**
 * The module a child runs first: the one-file bundle of the entry made at build time
 * (`scripts/bundle-child.mjs`, a few ms off every start), or the entry itself when there is no
 * bundle (run from source).
 */
const bundled = fileURLToPath(new URL('../child/entry.bundle.js', import.meta.url));
const entry = existsSync(bundled) ? bundled : fileURLToPath(new URL('../child/entry.js', import.meta.url));

/** How long an exit waits for the child's last control messages. */
const EXIT_DRAIN_MS = 200;

/** A started child interpreter and its control channel. */
export class Launched {
  readonly child: ChildProcess;
  readonly channel: ControlChannel<ChildMessage, ParentMessage>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #listeners = new Set<(m: Incoming<ChildMessage>) => void>();
  #backlog: Incoming<ChildMessage>[] = [];

  constructor(config: LaunchConfig) {
    const stdio: StdioOption[] | StdioOptions = ['ignore', config.stdout, config.stderr, 'pipe'];
    if (config.ipc) (stdio as unknown[]).push('ipc');
    for (const h of config.handles) (stdio as unknown[]).push(h);
    const args = [...config.execArgv, entry];
    if (config.spare) args.push('--proc-spare');
    debug('launch %s %s', config.execPath, args.join(' '));
    this.child = spawn(config.execPath, args, {
      stdio: stdio as StdioOptions,
      cwd: config.cwd,
      env: config.env,
      serialization: 'advanced',
    });
    const control = this.child.stdio[3] as Socket;
    control.on('error', () => {});
    // The child process handle is what keeps a parent alive for a non-daemonic child; the
    // control socket never should.
    control.unref();
    this.channel = new ControlChannel<ChildMessage, ParentMessage>(control, (m) => {
      if (this.#listeners.size === 0) this.#backlog.push(m);
      for (const l of this.#listeners) l(m);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        // What the child wrote just before it ended (its error) may still be unread: wait for
        // the control socket's end, but not for long: a grandchild that inherited the socket
        // could hold it open.
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          resolve({ code, signal });
        };
        if (control.readableEnded || control.destroyed) return done();
        timer = setTimeout(done, EXIT_DRAIN_MS);
        control.once('end', done);
        control.once('close', done);
      });
      this.child.once('error', () => resolve({ code: this.child.exitCode ?? 1, signal: null }));
    });
    if (this.child.pid !== undefined) watchChild(this.child.pid);
  }

  onMessage(listener: (m: Incoming<ChildMessage>) => void): () => void {
    this.#listeners.add(listener);
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const m of backlog) listener(m);
    return () => this.#listeners.delete(listener);
  }

  /** The child must not keep this process alive (daemons, spares). */
  unref(): void {
    this.child.unref();
    const ipc = (this.child as unknown as { channel?: { unref(): void } }).channel;
    ipc?.unref();
    for (const s of [this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  ref(): void {
    this.child.ref();
    const ipc = (this.child as unknown as { channel?: { ref(): void } }).channel;
    ipc?.ref();
    for (const s of [this.child.stdout, this.child.stderr]) (s as unknown as { ref?: () => void } | null)?.ref?.();
  }
}
