/**
 * The client side of a queue, one per (process, queue). It holds the credits the host granted
 * (puts that need no round trip) and the items the host lent ahead (gets served locally).
 *
 * Client half of the delivery state machine (host half: host/queue-state.ts):
 *   a Get is WAITING until the host answers: Deliver (the item; the client acks it BEFORE the
 *   get resolves) or EmptyReply (Empty). Aborted while WAITING, it is ABANDONED: the abort
 *   rejects at once, and an item that still arrives for it is handed back with Return.
 *   Extra items lent with a Deliver sit in `#lent` until a later get takes one (ack first) or
 *   the host recalls them (Return). A remote client's ack is a frame written to the kernel in
 *   the same tick, before user code sees the item; a killed consumer's unacked items go back to
 *   the queue when the host sees its connection close. To its own process's host the main
 *   thread acks by count (AckCount) and hands items back with their bytes (ReturnItems): they
 *   live and die together, so that host keeps no ids for it.
 */
import { abortError, deserialize, deserializeAsync, StateError, serialize } from '@proc/core';
import { Empty, Full } from '../errors.js';
import { Deque, idsPayload, itemsPayload, Op } from '../protocol.js';
import type { Channel, Core, Frame } from './channel.js';

export interface QueueWaitOptions {
  /** `false`: do not wait (Python's `block=False`). @default true */
  block?: boolean;
  /** Milliseconds to wait before `Empty`/`Full`. @default no limit */
  timeout?: number | null;
  /** Aborting rejects with `AbortError`. */
  signal?: AbortSignal;
}

interface Lent {
  did: number;
  bytes: Buffer;
}

interface Parked {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** How many items a standing get of this process's main thread may receive (then it asks again). */
const STANDING_WANT = 512;
/** A plain get that leaves fewer items than this lent here asks for the next ones already. */
const STREAM_AHEAD = 256;
/** How many items a get from another process's host may receive (the rest are lent ahead). */
const REMOTE_WANT = 64;
/** A get that leaves fewer items than this lent from another process's host asks for more already. */
const REMOTE_AHEAD = 32;
/** Acks of an unbounded queue to this process's host go in batches this large (or after a short while). */
const ACK_BATCH = 256;

const resolved = Promise.resolve();
const moduleNotLoaded = 'PROC_ERR_SERIALIZE_MODULE_NOT_LOADED';

export function decodeItem(bytes: Buffer): unknown | Promise<unknown> {
  try {
    return deserialize(bytes);
  } catch (err) {
    if ((err as { code?: string }).code === moduleNotLoaded) return deserializeAsync(bytes);
    throw err;
  }
}

export class QueueCore implements Core {
  readonly #ch: Channel;
  readonly #prim: number;
  readonly maxsize: number;
  #credit = 0;
  #putWaits = 0;
  #lent = new Deque<Lent>();
  #closed = false;
  /**
   * The standing get of this process's main thread at its own host (`req`, items still to come):
   * while it lasts, a plain blocking `get` waits here (parked) for the items the host pushes
   * rather than asking for each (one request per item would wake the host thread per item).
   */
  #stream: { req: number; left: number } | null = null;
  #parked = new Deque<Parked>();

  constructor(channel: Channel, prim: number, maxsize: number) {
    this.#ch = channel;
    this.#prim = prim;
    this.maxsize = Math.max(0, maxsize);
  }

  onFrame(op: Op, _req: number, a: number, _b: number, _c: number, payload: Buffer): void {
    switch (op) {
      case Op.Deliver:
        if (_req === this.#ahead && _req !== 0) this.#ahead = 0;
        if (this.#stream !== null && _req === this.#stream.req && --this.#stream.left <= 0) this.#stream = null;
        this.#lent.push({ did: a, bytes: payload });
        for (let w = this.#parked.shift(); w; w = this.#parked.shift()) {
          const l = this.#lent.shift();
          if (!l) {
            this.#parked.unshift(w);
            break;
          }
          if (this.#parked.length === 0) this.#ch.unretain();
          this.#takeInto(l, w);
        }
        // Lent items arrived while other gets of ours wait at the host (concurrent gets): answer
        // them here with these and withdraw them there.
        while (this.#waiting.length > 0 && this.#lent.length > 0) {
          const req = this.#waiting.shift() as number;
          const l = this.#lent.shift() as Lent;
          const answered = this.#ch.answer(this.#prim, req, { op: Op.Deliver, a: l.did, b: 0, c: 0, payload: l.bytes }, this.#keepLate);
          if (!answered) this.#lent.unshift(l);
        }
        // The standing get is used up while gets still wait here: ask for more.
        if (this.#stream === null && this.#parked.length > 0) this.#openStream();
        return;
      case Op.Recall: {
        this.#flushAcks();
        const back: Lent[] = [];
        for (let l = this.#lent.shift(); l; l = this.#lent.shift()) back.push(l);
        this.#return(back);
        return;
      }
      case Op.EmptyReply:
        if (_req === this.#ahead) this.#ahead = 0;
        return;
      case Op.Revoke:
        this.#ch.send(Op.CreditReturn, this.#prim, 0, 0, this.#credit, 0);
        this.#credit = 0;
        return;
    }
  }

  /** The host is gone: gets waiting here fail as the host's own would. */
  fail(err: Error): void {
    this.#stream = null;
    for (let w = this.#parked.shift(); w; w = this.#parked.shift()) w.reject(err);
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#ch.gone) return Promise.resolve();
    return this.#ch.flushed();
  }

  put(item: unknown, options: QueueWaitOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new StateError('The queue is closed in this process'));
    if (this.#ch.gone) return Promise.reject(this.#ch.gone);
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    let bytes: Buffer;
    try {
      bytes = serialize(item);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.maxsize === 0 || (this.#credit > 0 && this.#putWaits === 0)) {
      if (this.maxsize !== 0) this.#credit--;
      // To this process's own host thread: it is with the host once queued here (they live and
      // die together). To another process: once the kernel has it.
      if (this.#ch.local) {
        this.#ch.send(Op.Put, this.#prim, 0, 0, 0, 0, bytes, true);
        return resolved;
      }
      const sent = this.#ch.sendNow(Op.Put, this.#prim, 0, 0, 0, 0, bytes);
      return sent === true ? resolved : sent;
    }
    return this.#putWait(bytes, options);
  }

  async #putWait(bytes: Buffer, options: QueueWaitOptions): Promise<void> {
    const block = options.block ?? true;
    const timeout = block ? (options.timeout ?? -1) : 0;
    this.#putWaits++;
    try {
      const f = await this.#ch.call(Op.PutWait, this.#prim, timeout, block ? 1 : 0, 0, bytes, {
        signal: options.signal,
        onAbort: 'verdict',
      });
      if (f.op === Op.PutOk) {
        this.#credit += f.b;
        return;
      }
      if (f.op === Op.Cancelled) throw abortError(options.signal as AbortSignal);
      throw new Full(timeout > 0 ? `The queue stayed full for ${timeout} ms` : 'The queue is full');
    } finally {
      this.#putWaits--;
    }
  }

  get(options: QueueWaitOptions = {}): Promise<unknown> {
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    // A plain blocking get on this process's own host: items stream in (standing get).
    const plain = this.#ch.local && options.block !== false && options.timeout == null && options.signal === undefined;
    const lent = this.#lent.shift();
    if (lent) {
      if (!this.#ch.gone) {
        if (plain && this.#stream === null && this.#lent.length < STREAM_AHEAD) this.#openStream();
        else if (!this.#ch.local && this.#ahead === 0 && this.#lent.length < REMOTE_AHEAD && options.block !== false) this.#askAhead();
      }
      return this.#take(lent);
    }
    if (this.#ch.gone) return Promise.reject(this.#ch.gone);
    if (plain) {
      if (this.#stream === null) this.#openStream();
      // Waiting like a get at the host does: the process stays alive meanwhile.
      if (this.#parked.length === 0) this.#ch.retain();
      return new Promise((resolve, reject) => this.#parked.push({ resolve, reject }));
    }
    return this.#getRemote(options);
  }

  /**
   * Asks this process's host for the next `STANDING_WANT` items, pushed as they come. Opened
   * while `STREAM_AHEAD` items are still lent here, so that the next ones are on their way
   * before these run out: the host thread may be busy for a millisecond or two (taking in a
   * producer's burst) before it reads the request, and the main thread would idle meanwhile.
   */
  #openStream(): void {
    this.#flushAcks();
    const req = this.#ch.reserveReq();
    this.#stream = { req, left: STANDING_WANT };
    this.#ch.send(Op.Get, this.#prim, req, -1, STANDING_WANT, 3);
  }

  /** The request for items ahead of need at another process's host, in flight; 0: none. */
  #ahead = 0;

  /**
   * Another process's host: asks for the next items, without waiting, while `REMOTE_AHEAD` are
   * still lent here, so that they travel while these are consumed. Otherwise a consumer that
   * used up its items waited a round trip (a wake-up of the host and of this process, tens of
   * µs) every `REMOTE_WANT` items. What comes joins `#lent`; an empty queue answers EmptyReply.
   * A get that finds nothing lent meanwhile asks the host as usual; if the items come first,
   * it is answered with them, and what the host sends it later is kept in order (`#keepLate`).
   */
  #askAhead(): void {
    this.#ahead = this.#ch.reserveReq();
    this.#ch.send(Op.Get, this.#prim, this.#ahead, 0, REMOTE_WANT, 0);
  }

  /**
   * What the host still sends for a get we answered here with a lent item: it is lent to us all
   * the same, and it comes after what was lent before, so it joins `#lent` in order (handing it
   * back would put it in front of the queue, after later items reached us).
   */
  #keepLate = (late: Frame) => {
    if (late.op === Op.Deliver) this.onFrame(Op.Deliver, 0, late.a, 0, 0, late.payload);
  };

  async #getRemote(options: QueueWaitOptions): Promise<unknown> {
    this.#flushAcks();
    const block = options.block ?? true;
    const timeout = block ? (options.timeout ?? -1) : 0;
    const want = this.#ch.local ? STANDING_WANT : REMOTE_WANT;
    let myReq = 0;
    let f: Frame;
    try {
      f = await this.#ch.call(Op.Get, this.#prim, timeout, want, block ? 1 : 0, undefined, {
        signal: options.signal,
        onAbort: 'drop',
        late: this.#giveBack,
        onReq: (req) => {
          myReq = req;
          this.#waiting.push(req);
        },
      });
    } finally {
      const i = this.#waiting.indexOf(myReq);
      if (i !== -1) this.#waiting.splice(i, 1);
    }
    if (f.op === Op.Deliver) return this.#take({ did: f.a, bytes: f.payload });
    throw new Empty(timeout > 0 ? `The queue stayed empty for ${timeout} ms` : 'The queue is empty');
  }

  /** Acks (written before user code sees the item) and decodes. */
  #take(l: Lent): Promise<unknown> {
    let value: unknown;
    try {
      value = decodeItem(l.bytes);
    } catch (err) {
      this.#ack(l.did);
      return Promise.reject(err);
    }
    if (value instanceof Promise) {
      return value.then(
        (v) => {
          this.#ack(l.did);
          return this.#ch.flushed().then(() => v);
        },
        (err) => {
          this.#ack(l.did);
          throw err;
        },
      );
    }
    this.#ack(l.did);
    if (this.#ch.local) return Promise.resolve(value);
    // Remote: the ack must be with the kernel before the caller sees the item.
    return this.#ch.flushed().then(() => value);
  }

  /** `#take` for a parked get (local only): settles `w` with the value itself, no extra promise hops. */
  #takeInto(l: Lent, w: Parked): void {
    let value: unknown;
    try {
      value = decodeItem(l.bytes);
    } catch (err) {
      this.#ack(l.did);
      w.reject(err as Error);
      return;
    }
    if (value instanceof Promise) {
      value.then(
        (v) => {
          this.#ack(l.did);
          w.resolve(v);
        },
        (err) => {
          this.#ack(l.did);
          w.reject(err);
        },
      );
      return;
    }
    this.#ack(l.did);
    w.resolve(value);
  }

  #ack(did: number): void {
    if (this.#ch.gone) return;
    if (this.#ch.local) {
      // Acks to our own host thread go in bulk (nothing to lose if this process dies): soon for
      // a bounded queue (they free room for producers), in large batches for an unbounded one
      // (they only let the host forget the item; `qsize` and the next request flush them).
      this.#acks++;
      if (this.#acks >= ACK_BATCH) this.#flushAcks();
      else if (!this.#ackScheduled) {
        this.#ackScheduled = true;
        if (this.maxsize > 0) setImmediate(this.#scheduledAcks);
        else setTimeout(this.#scheduledAcks, 5).unref();
      }
      return;
    }
    const p = Buffer.allocUnsafe(4);
    p.writeUInt32LE(did >>> 0, 0);
    this.#ch.send(Op.Ack, this.#prim, 0, 0, 0, 0, p);
  }

  /** Our gets waiting at the host, oldest first. */
  #waiting: number[] = [];

  /** An item that raced a get we gave up (aborted): hand it back (one answered here keeps it, `#keepLate`). */
  #giveBack = (late: Frame) => {
    if (late.op === Op.Deliver && !this.#ch.gone) this.#return([{ did: late.a, bytes: late.payload }]);
  };

  /**
   * Hands deliveries back to the host, in order: by id to another process's host, with their
   * bytes to our own (which keeps no ids for us, `host/queue-state.ts`).
   */
  #return(back: Lent[]): void {
    if (this.#ch.local) {
      this.#ch.send(Op.ReturnItems, this.#prim, 0, 0, 0, 0, itemsPayload(back.map((l) => l.bytes)));
      return;
    }
    this.#ch.send(Op.Return, this.#prim, 0, 0, 0, 0, idsPayload(back.map((l) => l.did)));
  }

  /** Deliveries consumed here and not yet acked to our own host (which counts them). */
  #acks = 0;
  #ackScheduled = false;
  #scheduledAcks = () => {
    this.#ackScheduled = false;
    this.#flushAcks();
  };
  #flushAcks = () => {
    if (this.#acks === 0 || this.#ch.gone) return;
    const n = this.#acks;
    this.#acks = 0;
    this.#ch.send(Op.AckCount, this.#prim, 0, 0, n, 0, undefined, true);
  };

  async qsize(): Promise<number> {
    this.#flushAcks();
    const f = await this.#ch.call(Op.QSize, this.#prim, 0, 0, 0);
    return f.a;
  }

  async taskDone(): Promise<void> {
    await this.#ch.call(Op.TaskDone, this.#prim, 0, 0, 0);
  }

  async join(options: { timeout?: number | null; signal?: AbortSignal } = {}): Promise<boolean> {
    const f = await this.#ch.call(Op.Join, this.#prim, options.timeout ?? -1, 0, 0, undefined, {
      signal: options.signal,
      onAbort: 'drop',
    });
    return f.b === 1;
  }
}
