import { deserialize, serialize } from '@proc/core';
import { lockMutex, unlockMutex } from '../runtime/spin-mutex.js';

/**
 * The shared state of a queue: a header of int32 words and a byte ring of encoded items, in one
 * SharedArrayBuffer. Any thread holding the buffer can put and take; the header's mutex guards
 * the few instructions that move the indices. An entry is `u32 length, u8 kind, payload`;
 * small values (numbers, short strings, booleans, null) skip the codec.
 *
 * Each entry is written in full before `count` and `tail` are stored, and read in full before
 * `head` moves, so a thread terminated inside the mutex leaves the ring whole (see spin-mutex.ts).
 */
export const H = {
  MUTEX: 0,
  MUTEX_SLEEPERS: 1,
  COUNT: 2,
  HEAD: 3,
  TAIL: 4,
  USED: 5,
  /** Bumped on every put: takers wait on it. */
  PUT_SEQ: 6,
  /** Bumped on every take: putters (maxsize, full buffer) wait on it. */
  TAKE_SEQ: 7,
  /**
   * Set to 1 by a taker about to sleep on PUT_SEQ; the next put clears it and notifies. One
   * notify per sleep, not one per put: a woken taker takes a while to run again (its wake-up
   * goes through its event loop), and a counter of sleepers would still read "someone sleeps"
   * for every put made in that while, each paying for a futex wake that finds nobody.
   */
  TAKE_SLEEPING: 8,
  /** The same for putters sleeping on TAKE_SEQ (bounded or full queue). */
  PUT_SLEEPING: 9,
  MAXSIZE: 10,
  /** JoinableQueue: items put and not yet marked done. */
  UNFINISHED: 11,
  /** Bumped when UNFINISHED reaches 0: joiners wait on it. */
  JOIN_SEQ: 12,
  JOIN_WAITERS: 13,
  CAPACITY: 14,
} as const;
const HEADER_WORDS = 16;
const HEADER_BYTES = HEADER_WORDS * 4;
const ENTRY_HEADER = 5;

enum Kind {
  Wrap = 0,
  Number = 1,
  String = 2,
  Codec = 3,
  Null = 4,
  Undefined = 5,
  True = 6,
  False = 7,
  /** The id of an item waiting in the item hub (item-hub.ts): it holds shared objects. */
  Ref = 8,
}

/** What `tryTake` returns for a `Ref` entry: the caller fetches the item from the hub. */
export class ItemRef {
  constructor(readonly id: number) {}
}

export interface Encoded {
  kind: Kind;
  num: number;
  str: string;
  bytes: Uint8Array | null;
  size: number;
}

const scratch: Encoded = { kind: Kind.Null, num: 0, str: '', bytes: null, size: 0 };

/** Encodes a hub item id into the shared scratch record. */
export function encodeRef(id: number): Encoded {
  const e = scratch;
  e.bytes = null;
  e.kind = Kind.Ref;
  e.num = id;
  e.size = 8;
  return e;
}

/** Encodes `value` into the shared scratch record (valid until the next call). */
export function encode(value: unknown): Encoded {
  const e = scratch;
  e.bytes = null;
  switch (typeof value) {
    case 'number':
      e.kind = Kind.Number;
      e.num = value;
      e.size = 8;
      return e;
    case 'string':
      if (value.length <= 256) {
        e.kind = Kind.String;
        e.str = value;
        e.size = Buffer.byteLength(value, 'utf8');
        return e;
      }
      break;
    case 'boolean':
      e.kind = value ? Kind.True : Kind.False;
      e.size = 0;
      return e;
    case 'undefined':
      e.kind = Kind.Undefined;
      e.size = 0;
      return e;
    default:
      if (value === null) {
        e.kind = Kind.Null;
        e.size = 0;
        return e;
      }
  }
  e.kind = Kind.Codec;
  e.bytes = serialize(value);
  e.size = e.bytes.length;
  return e;
}

export class Ring {
  readonly sab: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly #data: Buffer;
  readonly #capacity: number;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.i32 = new Int32Array(sab, 0, HEADER_WORDS);
    this.#data = Buffer.from(sab, HEADER_BYTES);
    this.#capacity = this.#data.length;
  }

  static create(capacity: number, maxsize: number): Ring {
    const sab = new SharedArrayBuffer(HEADER_BYTES + capacity);
    const ring = new Ring(sab);
    ring.i32[H.MAXSIZE] = maxsize;
    ring.i32[H.CAPACITY] = capacity;
    return ring;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** The largest payload an entry can hold. */
  get maxPayload(): number {
    return (this.#capacity >> 1) - ENTRY_HEADER;
  }

  count(): number {
    return Atomics.load(this.i32, H.COUNT);
  }

  /**
   * Appends an encoded item unless the queue is at maxsize or the ring lacks room.
   * Returns 1 on success, 0 when full by count (maxsize), -1 when full by bytes.
   */
  tryPut(e: Encoded, joinable: boolean): number {
    const i32 = this.i32;
    const need = ENTRY_HEADER + e.size;
    lockMutex(i32, H.MUTEX);
    try {
      const max = i32[H.MAXSIZE];
      const count = i32[H.COUNT];
      if (max > 0 && count >= max) return 0;
      const cap = this.#capacity;
      let tail = i32[H.TAIL];
      let used = i32[H.USED];
      let wrapWaste = 0;
      if (tail + need > cap) {
        wrapWaste = cap - tail;
        if (used + wrapWaste + need > cap) return -1;
      } else if (used + need > cap) return -1;
      const data = this.#data;
      if (wrapWaste > 0) {
        if (wrapWaste >= ENTRY_HEADER) {
          data.writeUInt32LE(0, tail);
          data[tail + 4] = Kind.Wrap;
        }
        tail = 0;
        used += wrapWaste;
      }
      data.writeUInt32LE(e.size, tail);
      data[tail + 4] = e.kind;
      const p = tail + ENTRY_HEADER;
      switch (e.kind) {
        case Kind.Number:
        case Kind.Ref:
          data.writeDoubleLE(e.num, p);
          break;
        case Kind.String:
          data.write(e.str, p, e.size, 'utf8');
          break;
        case Kind.Codec:
          data.set(e.bytes as Uint8Array, p);
          break;
      }
      i32[H.TAIL] = tail + need === cap ? 0 : tail + need;
      i32[H.USED] = used + need;
      if (joinable) i32[H.UNFINISHED]++;
      Atomics.store(i32, H.COUNT, count + 1);
    } finally {
      unlockMutex(i32, H.MUTEX);
    }
    Atomics.add(i32, H.PUT_SEQ, 1);
    if (Atomics.load(i32, H.TAKE_SLEEPING) !== 0 && Atomics.exchange(i32, H.TAKE_SLEEPING, 0) !== 0) Atomics.notify(i32, H.PUT_SEQ);
    return 1;
  }

  /** Takes the oldest item; `empty` when there is none. */
  tryTake<E>(empty: E): unknown | E {
    const i32 = this.i32;
    if (Atomics.load(i32, H.COUNT) === 0) return empty;
    let kind: number;
    let num = 0;
    let str = '';
    let bytes: Buffer | null = null;
    lockMutex(i32, H.MUTEX);
    try {
      const count = i32[H.COUNT];
      if (count === 0) return empty;
      const data = this.#data;
      const cap = this.#capacity;
      let head = i32[H.HEAD];
      let used = i32[H.USED];
      if (cap - head < ENTRY_HEADER || (data[head + 4] === Kind.Wrap && data.readUInt32LE(head) === 0)) {
        used -= cap - head;
        head = 0;
      }
      const size = data.readUInt32LE(head);
      kind = data[head + 4];
      const p = head + ENTRY_HEADER;
      switch (kind) {
        case Kind.Number:
        case Kind.Ref:
          num = data.readDoubleLE(p);
          break;
        case Kind.String:
          str = data.toString('utf8', p, p + size);
          break;
        case Kind.Codec:
          bytes = Buffer.allocUnsafe(size);
          data.copy(bytes, 0, p, p + size);
          break;
      }
      const next = p + size;
      i32[H.HEAD] = next === cap ? 0 : next;
      i32[H.USED] = used - ENTRY_HEADER - size;
      Atomics.store(i32, H.COUNT, count - 1);
    } finally {
      unlockMutex(i32, H.MUTEX);
    }
    Atomics.add(i32, H.TAKE_SEQ, 1);
    if (Atomics.load(i32, H.PUT_SLEEPING) !== 0 && Atomics.exchange(i32, H.PUT_SLEEPING, 0) !== 0) Atomics.notify(i32, H.TAKE_SEQ);
    switch (kind) {
      case Kind.Number:
        return num;
      case Kind.String:
        return str;
      case Kind.Codec:
        return deserialize(bytes as Buffer);
      case Kind.Null:
        return null;
      case Kind.Undefined:
        return undefined;
      case Kind.True:
        return true;
      case Kind.False:
        return false;
      case Kind.Ref:
        return new ItemRef(num);
      default:
        throw new Error(`Unknown queue entry kind ${kind}. This is a bug in proc.`);
    }
  }
}
