import { deserialize, serialize } from '@proc/core';
import { ManagerGoneError } from '@proc/managers';
import { watchWord } from '../runtime/atomic-wait.js';
import { isThreadAlive } from '../runtime/thread-table.js';

/**
 * A call from another thread to a thread manager's objects, through shared memory: the caller
 * writes the request into its mailbox and sleeps with `Atomics.wait` (a blocking wait, which a
 * worker may do) until the host thread has written the answer. The host watches each mailbox
 * with `Atomics.waitAsync` and, after answering, spins a few microseconds for the next request,
 * so a caller looping over `get` does not pay an event-loop wake-up per call. A MessagePort
 * round trip costs about 40 µs here; this costs a few.
 *
 * Layout: int32 state, int32 length, then the encoded request or answer.
 */
export const MB = { STATE: 0, LENGTH: 1 } as const;
export enum MbState {
  Idle = 0,
  Request = 1,
  Answer = 2,
  Closed = 3,
}
const HEADER = 8;
/** Bytes a request or an answer may take. */
export const MAILBOX_BYTES = 1024 * 1024;
/**
 * The most microseconds each side spins for the other before it sleeps. Spinning is adaptive:
 * a side spins only as long as the other side took last time (times two), and not at all when
 * the other side was slow. Measured on the 2-core build machine under load: the host spinning
 * (up to 500 us) took a worker's awaited `get` from ~20k/s to ~33k/s; the caller spinning as
 * well made it worse (it competes with the host for the cores), so the caller sleeps at once.
 */
const CLIENT_SPIN_US = 0;
const HOST_SPIN_US = 500;

export function createMailbox(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER + MAILBOX_BYTES);
}

/** The calling side (a thread other than the host). */
export class MailboxClient {
  readonly #i32: Int32Array;
  readonly #data: Buffer;
  readonly #hostThread: number;
  /** How long the last answer took, in microseconds. */
  #lastUs = 0;

  constructor(sab: SharedArrayBuffer, hostThread: number) {
    this.#i32 = new Int32Array(sab, 0, 2);
    this.#data = Buffer.from(sab, HEADER);
    this.#hostThread = hostThread;
  }

  /** Sends `[objectId, method, args]` and returns the answer (synchronously). */
  call(objectId: number, method: string, args: unknown[]): unknown {
    const i32 = this.#i32;
    const req = serialize([objectId, method, args]);
    if (req.length > MAILBOX_BYTES) throw new RangeError(`The call's arguments (${req.length} bytes encoded) exceed a thread manager call's limit (${MAILBOX_BYTES})`);
    if (Atomics.load(i32, MB.STATE) === MbState.Closed) throw new ManagerGoneError('The manager was shut down');
    this.#data.set(req, 0);
    Atomics.store(i32, MB.LENGTH, req.length);
    Atomics.store(i32, MB.STATE, MbState.Request);
    Atomics.notify(i32, MB.STATE);
    // The host usually answers within microseconds: spin before sleeping.
    const t0 = performance.now();
    if (this.#lastUs < CLIENT_SPIN_US) spinUntilNot(i32, MbState.Request, Math.min(CLIENT_SPIN_US, 2 * this.#lastUs + 5));
    for (;;) {
      const st = Atomics.load(i32, MB.STATE);
      if (st === MbState.Answer) break;
      if (st === MbState.Closed) throw new ManagerGoneError('The manager was shut down');
      if (Atomics.wait(i32, MB.STATE, st, 1000) === 'timed-out' && !isThreadAlive(this.#hostThread)) {
        throw new ManagerGoneError('The thread hosting the manager has ended');
      }
    }
    this.#lastUs = (performance.now() - t0) * 1000;
    const n = Atomics.load(i32, MB.LENGTH);
    const answer = deserialize(this.#data.subarray(0, n)) as [number, unknown];
    Atomics.store(i32, MB.STATE, MbState.Idle);
    if (answer[0] === 1) return answer[1];
    throw answer[1];
  }
}

/** The host side: answers requests in `sab` until the mailbox or the host is closed. */
export async function serveMailbox(sab: SharedArrayBuffer, handle: (objectId: number, method: string, args: unknown[]) => unknown, isClosed: () => boolean): Promise<void> {
  const i32 = new Int32Array(sab, 0, 2);
  const data = Buffer.from(sab, HEADER);
  /** Microseconds between the last answer and the next request (adaptive spinning, see above). */
  let gapUs = HOST_SPIN_US;
  let answeredAt = 0;
  for (;;) {
    let st = Atomics.load(i32, MB.STATE);
    if (st === MbState.Request) {
      if (answeredAt > 0) gapUs = (performance.now() - answeredAt) * 1000;
      const n = Atomics.load(i32, MB.LENGTH);
      let answer: Buffer;
      try {
        const [objectId, method, args] = deserialize(data.subarray(0, n)) as [number, string, unknown[]];
        answer = serialize([1, handle(objectId, method, args)]);
      } catch (err) {
        try {
          answer = serialize([0, err]);
        } catch {
          answer = serialize([0, new Error(String(err))]);
        }
      }
      if (answer.length > MAILBOX_BYTES) answer = serialize([0, new RangeError(`The answer (${answer.length} bytes encoded) exceeds a thread manager call's limit`)]);
      data.set(answer, 0);
      Atomics.store(i32, MB.LENGTH, answer.length);
      Atomics.store(i32, MB.STATE, MbState.Answer);
      Atomics.notify(i32, MB.STATE);
      // The caller often calls again at once: wait for it here a little rather than through the event loop.
      answeredAt = performance.now();
      if (gapUs < HOST_SPIN_US) {
        const deadline = answeredAt + Math.min(HOST_SPIN_US, 2 * gapUs + 5) / 1000;
        do {
          st = Atomics.load(i32, MB.STATE);
          if (st === MbState.Request || st === MbState.Closed) break;
          for (let k = 0; k < 64; k++) Atomics.load(i32, MB.STATE);
        } while (performance.now() < deadline);
      }
      continue;
    }
    if (st === MbState.Closed || isClosed()) {
      Atomics.store(i32, MB.STATE, MbState.Closed);
      Atomics.notify(i32, MB.STATE);
      return;
    }
    // Not ref'd: an idle manager does not keep the process alive.
    await watchWord(i32, MB.STATE, st);
    // Let other work of this thread run between requests of a busy caller.
    if (Atomics.load(i32, MB.STATE) !== MbState.Request) await new Promise((r2) => setImmediate(r2));
  }
}

export function closeMailbox(sab: SharedArrayBuffer): void {
  const i32 = new Int32Array(sab, 0, 2);
  Atomics.store(i32, MB.STATE, MbState.Closed);
  Atomics.notify(i32, MB.STATE);
}

function spinUntilNot(i32: Int32Array, state: number, micros: number): void {
  if (Atomics.load(i32, MB.STATE) !== state) return;
  const deadline = performance.now() + micros / 1000;
  do {
    for (let k = 0; k < 64; k++) if (Atomics.load(i32, MB.STATE) !== state) return;
  } while (performance.now() < deadline);
}
