import { readSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { TargetRef } from './target.js';

/**
 * The control channel between a parent and a child it started: a socket on fd 3 (spawn has no
 * Node IPC channel; using the same channel for every start method keeps one protocol).
 * Frames: u32 BE length, then a JSON message. A message with `binary: true` is followed by one
 * raw frame (serialized args, a serialized error), so the child parses JSON only and loads the
 * codec only when there is something for it to decode: a lean start path.
 */
export type ParentMessage =
  | {
      type: 'boot';
      name: string;
      daemon: boolean;
      authkey: string;
      identity: number[];
      parent: { pid: number; name: string };
      target: TargetRef;
      /** A serialized args frame follows. */
      binary: boolean;
      /** Handles that arrive as fds 4, 5, ... (spawn/fork) or over IPC (forkserver). */
      handles: number;
      handleMode: 'fd' | 'ipc';
      logToStderr: boolean;
    }
  | { type: 'preload'; module: string };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'bootError'; message: string; binary: boolean }
  | { type: 'error'; message: string; binary: boolean };

export type Incoming<M> = { message: M; binary?: Buffer };

export class ControlChannel<In extends { type: string }, Out> {
  #socket: Socket;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #pending: In | undefined;
  #onMessage: (m: Incoming<In>) => void;

  constructor(socket: Socket, onMessage: (m: Incoming<In>) => void) {
    this.#socket = socket;
    this.#onMessage = onMessage;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
  }

  get socket(): Socket {
    return this.#socket;
  }

  send(message: Out, binary?: Uint8Array): boolean {
    const json = Buffer.from(JSON.stringify(message));
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(json.length, 0);
    if (!binary) return this.#socket.write(Buffer.concat([head, json]));
    const head2 = Buffer.allocUnsafe(4);
    head2.writeUInt32BE(binary.byteLength, 0);
    return this.#socket.write(Buffer.concat([head, json, head2, binary]));
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= 4) {
      const all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
      const len = all.readUInt32BE(0);
      if (all.length < 4 + len) {
        this.#chunks = [all];
        return;
      }
      const body = all.subarray(4, 4 + len);
      const rest = all.subarray(4 + len);
      this.#chunks = rest.length ? [rest] : [];
      this.#buffered = rest.length;
      this.#frame(body);
    }
  }

  #frame(body: Buffer): void {
    if (this.#pending) {
      const message = this.#pending;
      this.#pending = undefined;
      this.#onMessage({ message, binary: Buffer.from(body) });
      return;
    }
    const message = JSON.parse(body.toString('utf8')) as In;
    if ((message as { binary?: boolean }).binary) {
      this.#pending = message;
      return;
    }
    this.#onMessage({ message });
  }
}

/**
 * Reads one message from fd 3 synchronously: a child's boot message, which its parent wrote
 * right after spawning it. `null` at EOF (the parent is gone); `undefined` when the fd turns
 * out not to block and nothing is there yet (the caller then waits for it on the socket).
 */
export function readMessageSync<In>(fd: number): Incoming<In> | null | undefined {
  let json: Buffer | null;
  try {
    json = readFrameSync(fd);
  } catch (err) {
    // Only the first read can find the fd empty: the parent writes a message in one go.
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return undefined;
    throw err;
  }
  if (json === null) return null;
  const message = JSON.parse(json.toString('utf8')) as In;
  if (!(message as { binary?: boolean }).binary) return { message };
  const binary = readFrameSync(fd);
  return binary === null ? null : { message, binary };
}

/** One frame (u32 BE length, then the bytes); `null` at EOF. */
function readFrameSync(fd: number): Buffer | null {
  const head = readExactly(fd, 4);
  return head === null ? null : readExactly(fd, head.readUInt32BE(0));
}

function readExactly(fd: number, n: number): Buffer | null {
  const buf = Buffer.allocUnsafe(n);
  for (let off = 0; off < n; ) {
    const k = readSync(fd, buf, off, n - off, null);
    if (k === 0) return null;
    off += k;
  }
  return buf;
}
