import { lockMutex, unlockMutex } from '../runtime/spin-mutex.js';
import { kShare, registerShareable, type Shared as SharedState } from '../transport/shareable.js';
import { Lock, RLock } from './lock.js';

/** Python's `array` typecodes; 64-bit codes hold bigints (a C long is 64-bit on Linux). */
export type Typecode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd';

type TypedArrayCtor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** A typecode, or a typed array class standing for one (`Int32Array` for 'i'). */
export type TypecodeOrType = Typecode | TypedArrayCtor;

const codes: Record<Typecode, TypedArrayCtor> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: BigInt64Array,
  L: BigUint64Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
};

function toTypecode(t: unknown): Typecode {
  if (typeof t === 'string' && Object.hasOwn(codes, t)) return t as Typecode;
  if (typeof t === 'function') for (const [k, v] of Object.entries(codes)) if (v === t) return k as Typecode;
  throw new TypeError(`typecode must be one of ${Object.keys(codes).join(', ')} or a typed array class, got ${String(t)}`);
}

function isBig(t: Typecode): boolean {
  return t === 'l' || t === 'L' || t === 'q' || t === 'Q';
}

function checkValue(t: Typecode, v: unknown): number | bigint {
  if (isBig(t)) {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw new TypeError(`typecode '${t}' holds bigints, got ${typeof v}`);
  }
  if (typeof v !== 'number') throw new TypeError(`typecode '${t}' holds numbers, got ${typeof v}`);
  return v;
}

export interface ValueOptions {
  /** `true`: a new RLock guards the value (Python's default); a Lock or RLock: that one; `false`: none. @default true */
  lock?: boolean | Lock | RLock;
}

function makeLock(lock: ValueOptions['lock']): Lock | RLock | null {
  if (lock === undefined || lock === true) return new RLock();
  if (lock === false) return null;
  if (lock instanceof Lock) return lock;
  throw new TypeError('lock must be a boolean, a Lock or an RLock');
}

interface Layout {
  sab: SharedArrayBuffer;
  typecode: Typecode;
  length: number;
  lock: Lock | RLock | null;
}

const DATA = 8;
let adopting: Layout | undefined;

/**
 * The values live in a SharedArrayBuffer (a typed array over it), so every thread reads and
 * writes them directly; each `get`/`set` is atomic by itself (a short mutex), and `getLock()`
 * gives the lock that guards compound updates, as Python's.
 */
abstract class SharedValues {
  readonly #typecode: Typecode;
  readonly #lock: Lock | RLock | null;
  readonly #mutex: Int32Array;
  readonly #values: { [i: number]: number | bigint; length: number; slice(s: number, e: number): ArrayLike<number | bigint> };
  readonly #sab: SharedArrayBuffer;

  protected constructor(typecode: Typecode, values: (number | bigint)[] | null, lock: Lock | RLock | null, length: number) {
    const a = adopting;
    adopting = undefined;
    this.#typecode = a ? a.typecode : typecode;
    this.#lock = a ? a.lock : lock;
    const n = a ? a.length : length;
    const C = codes[this.#typecode];
    this.#sab = a ? a.sab : new SharedArrayBuffer(DATA + n * C.BYTES_PER_ELEMENT);
    this.#mutex = new Int32Array(this.#sab, 0, 2);
    this.#values = new C(this.#sab as unknown as ArrayBuffer, DATA, n) as never;
    if (!a && values) for (let i = 0; i < values.length; i++) this.#values[i] = values[i];
  }

  get typecode(): Typecode {
    return this.#typecode;
  }

  /** Python's `get_lock()`. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError('this value was made with { lock: false }: it has no lock');
    return this.#lock;
  }

  protected get size(): number {
    return this.#values.length;
  }

  protected read(start: number, end: number): (number | bigint)[] {
    lockMutex(this.#mutex, 0);
    try {
      return Array.from(this.#values.slice(start, end));
    } finally {
      unlockMutex(this.#mutex, 0);
    }
  }

  protected write(start: number, values: unknown[]): void {
    const checked = values.map((v) => checkValue(this.#typecode, v));
    lockMutex(this.#mutex, 0);
    try {
      for (let i = 0; i < checked.length; i++) this.#values[start + i] = checked[i];
    } finally {
      unlockMutex(this.#mutex, 0);
    }
  }

  [kShare](): SharedState {
    return {
      type: this instanceof SharedArray ? 'SharedArray' : 'Value',
      state: { sab: this.#sab, typecode: this.#typecode, length: this.#values.length, lock: this.#lock } satisfies Layout,
    };
  }
}

/** Python's `Value(typecode_or_type, value, lock=True)`: `await v.get()`, `await v.set(x)`. */
export class Value<T extends number | bigint = number> extends SharedValues {
  constructor(typecodeOrType: TypecodeOrType, value?: number | bigint, options: ValueOptions = {}) {
    if (adopting) {
      super('i', null, null, 1);
      return;
    }
    const typecode = toTypecode(typecodeOrType);
    super(typecode, [checkValue(typecode, value ?? 0)], makeLock(options.lock), 1);
  }

  async get(): Promise<T> {
    return this.read(0, 1)[0] as T;
  }

  async set(value: T): Promise<void> {
    this.write(0, [value]);
  }
}

/** Python's `Array(typecode_or_type, size_or_initializer, lock=True)`, named `SharedArray`. */
export class SharedArray<T extends number | bigint = number> extends SharedValues {
  constructor(typecodeOrType: TypecodeOrType, sizeOrInitializer: number | Iterable<number | bigint>, options: ValueOptions = {}) {
    if (adopting) {
      super('i', null, null, 0);
      return;
    }
    const typecode = toTypecode(typecodeOrType);
    let values: (number | bigint)[];
    if (typeof sizeOrInitializer === 'number') {
      if (!Number.isInteger(sizeOrInitializer) || sizeOrInitializer < 0) throw new RangeError('size must be an integer >= 0');
      values = new Array(sizeOrInitializer).fill(checkValue(typecode, 0));
    } else if (sizeOrInitializer !== null && typeof (sizeOrInitializer as Iterable<T>)[Symbol.iterator] === 'function') {
      values = [...sizeOrInitializer].map((v) => checkValue(typecode, v));
    } else {
      throw new TypeError('sizeOrInitializer must be a length or an iterable of values');
    }
    super(typecode, values, makeLock(options.lock), values.length);
  }

  get length(): number {
    return this.size;
  }

  #index(i: number): number {
    if (!Number.isInteger(i)) throw new TypeError('index must be an integer');
    const n = this.size;
    const j = i < 0 ? n + i : i;
    if (j < 0 || j >= n) throw new RangeError(`index ${i} out of range for length ${n}`);
    return j;
  }

  async get(index: number): Promise<T> {
    const j = this.#index(index);
    return this.read(j, j + 1)[0] as T;
  }

  async set(index: number, value: number | bigint): Promise<void> {
    this.write(this.#index(index), [value]);
  }

  async toArray(): Promise<T[]> {
    return this.read(0, this.size) as T[];
  }

  async slice(start = 0, end = this.size): Promise<T[]> {
    const n = this.size;
    const s = Math.max(0, start < 0 ? n + start : Math.min(start, n));
    const e = Math.max(s, end < 0 ? n + end : Math.min(end, n));
    return this.read(s, e) as T[];
  }

  /** Writes `values` from `start` on, atomically; rejects with `RangeError` past the end. */
  async setSlice(start: number, values: Iterable<number | bigint>): Promise<void> {
    const j = start === this.size ? start : this.#index(start);
    const vs = [...values];
    if (j + vs.length > this.size) throw new RangeError(`${vs.length} values from ${start} do not fit in length ${this.size}`);
    this.write(j, vs);
  }
}

registerShareable('Value', (s: Layout) => {
  adopting = s;
  return new Value('i');
});
registerShareable('SharedArray', (s: Layout) => {
  adopting = s;
  return new SharedArray('i', 0);
});
