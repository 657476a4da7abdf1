/**
 * The wire between the pool and its workers: a Unix socket per worker, carrying frames
 *
 *   u32 LE length of what follows | u8 type | body
 *
 * Tasks and results travel many to a frame: the pool serializes every task it hands a worker
 * in one event-loop turn as one flat array, and a worker sends the results of everything it
 * ran in one slice as one flat array. That, not the codec, is what lifts `chunksize: 1` far
 * above one round trip per task.
 *
 * Bodies are JSON for control frames and proc's codec (`serialize`) for anything holding user
 * values, so a task's arguments and results may be whatever the codec carries.
 */

/** Pool → worker. */
export enum ToWorker {
  /** JSON `FunctionDefinition`: how to find a task function; sent once per worker per function. */
  Define = 1,
  /** codec: flat `[id, fnId, kind, payload, id, fnId, kind, payload, ...]`. */
  Tasks = 2,
  /** u32 LE task id: drop it if queued; say so if it is running. */
  Cancel = 3,
  /** empty: finish what you hold, then exit. */
  Stop = 4,
  /** u32 LE task id: drop it if queued; let it run if it is running. */
  Discard = 5,
}

/** Worker → pool. */
export enum ToPool {
  /** JSON `{ token, index, pid }`: the first frame on a connection. */
  Hello = 10,
  /** empty: the initializer ran; the worker takes tasks. */
  Ready = 11,
  /** codec: the error the initializer threw. */
  InitFailed = 12,
  /** codec: flat `[id, status, value, micros, id, status, value, micros, ...]`. */
  Results = 13,
  /** JSON `{ id, returned }`: the cancelled task is running; `returned` were never started. */
  CancelRunning = 14,
}

export enum TaskKind {
  /** payload: the argument list. */
  Apply = 0,
  /** payload: the items of a chunk; result: their results, in order. */
  Map = 1,
  /** payload: a chunk of argument lists. */
  Starmap = 2,
  /** payload: one item (a map chunk of one, without the arrays); result: its result. */
  Item = 3,
}

export enum ResultStatus {
  Ok = 0,
  Error = 1,
  /** The task was cancelled before it started: no value. */
  Dropped = 2,
}

export interface FunctionDefinition {
  fnId: number;
  /** Modules to look in, in order: the first whose export matches name and fingerprint wins. */
  modules: string[];
  exportName: string;
  fingerprint: string;
  /** The caller named the module: the export is taken by name (Python's rule) without a source check. */
  explicitModule: boolean;
}

export interface Hello {
  token: string;
  index: number;
  pid: number;
}

export interface CancelRunning {
  id: number;
  returned: number[];
}

export const HEADER = 5;
/** A frame larger than this is a protocol error (the codec would not make one). */
export const MAX_FRAME = 2 ** 31 - 1;

export function frame(type: number, body?: Uint8Array): Buffer {
  const len = body ? body.byteLength : 0;
  const out = Buffer.allocUnsafe(HEADER + len);
  out.writeUInt32LE(len + 1, 0);
  out[4] = type;
  if (body) out.set(body, HEADER);
  return out;
}

/** The header of a frame whose body is written separately (saves copying a large body). */
export function frameHeader(type: number, bodyLength: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER);
  out.writeUInt32LE(bodyLength + 1, 0);
  out[4] = type;
  return out;
}

export function jsonFrame(type: number, value: unknown): Buffer {
  return frame(type, Buffer.from(JSON.stringify(value)));
}

export function u32Frame(type: number, value: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 4);
  out.writeUInt32LE(5, 0);
  out[4] = type;
  out.writeUInt32LE(value, HEADER);
  return out;
}

/**
 * Incremental frame parser over a list of chunks: a frame inside one chunk is a view of it;
 * only a frame that spans chunks is copied, once, when it is complete.
 */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #onFrame: (type: number, body: Buffer) => void;

  constructor(onFrame: (type: number, body: Buffer) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    if (this.#chunks.length === 0) {
      // The common case: whole frames in one chunk, parsed in place.
      let off = 0;
      while (chunk.length - off >= 4) {
        const len = chunk.readUInt32LE(off);
        if (len < 1 || len > MAX_FRAME) throw new RangeError(`pool protocol: bad frame length ${len}`);
        if (chunk.length - off - 4 < len) break;
        this.#onFrame(chunk[off + 4], chunk.subarray(off + HEADER, off + 4 + len));
        off += 4 + len;
      }
      if (off < chunk.length) {
        const rest = chunk.subarray(off);
        this.#chunks.push(rest);
        this.#buffered = rest.length;
      }
      return;
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered < 4) return;
    const head = this.#chunks[0].length >= 4 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#buffered);
    const len = head.readUInt32LE(0);
    if (len < 1 || len > MAX_FRAME) throw new RangeError(`pool protocol: bad frame length ${len}`);
    if (this.#buffered < 4 + len) {
      if (head !== this.#chunks[0]) this.#chunks = [head];
      return;
    }
    const all = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    this.#onFrame(all[4], all.subarray(HEADER, 4 + len));
    if (all.length > 4 + len) this.push(all.subarray(4 + len));
  }
}
