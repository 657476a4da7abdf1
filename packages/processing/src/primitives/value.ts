/**
 * Python's `multiprocessing.Value` and `Array`. Node has no memory shared between processes, so
 * the values live on the creating process's host and every read or write is a message: `get()`
 * and `set()` are async. The array type is called `SharedArray` so it does not shadow the global
 * `Array`.
 */
import { attachingRef, Primitive } from './base.js';
import { Lock, RLock } from './lock.js';
import { Op } from './protocol.js';
import { checkValue, decodeValues, encodeValues, type Typecode, type TypecodeOrType, toTypecode } from './typecodes.js';

export type { Typecode, TypecodeOrType };

export interface ValueOptions {
  /**
   * `true`: a new RLock guards the value (Python's default); a Lock or RLock: that one; `false`:
   * none (`getLock()` throws). Each `get`/`set` is atomic by itself either way.
   * @default true
   */
  lock?: boolean | Lock | RLock;
}

function makeLock(lock: ValueOptions['lock']): Lock | RLock | null {
  if (lock === undefined || lock === true) return new RLock();
  if (lock === false) return null;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  throw new TypeError('lock must be a boolean, a Lock or an RLock');
}

abstract class Shared extends Primitive {
  readonly #typecode: Typecode;
  readonly #lock: Lock | RLock | null;

  protected constructor(kind: 'Value' | 'SharedArray', typecode: Typecode, values: (number | bigint)[], lock: Lock | RLock | null) {
    super(kind, { typecode, length: values.length, lock }, { kind: 'value', typecode, values: encodeValues(values) });
    this.#typecode = typecode;
    this.#lock = lock;
  }

  get typecode(): Typecode {
    return this.#typecode;
  }

  /** Python's `get_lock()`. */
  getLock(): Lock | RLock {
    if (!this.#lock) throw new TypeError('this value was made with { lock: false }: it has no lock');
    return this.#lock;
  }

  /** @internal */
  protected async read(start: number, end: number): Promise<(number | bigint)[]> {
    const f = await this.channel.call(Op.ValueGet, this.prim, 0, start, end);
    return decodeValues(JSON.parse(f.payload.toString('utf8')) as unknown[]);
  }

  /** @internal */
  protected async write(start: number, values: unknown[]): Promise<void> {
    const checked = values.map((v) => checkValue(this.#typecode, v));
    await this.channel.call(Op.ValueSet, this.prim, 0, start, 0, Buffer.from(JSON.stringify(encodeValues(checked))));
  }
}

/** Python's `Value(typecode_or_type, value, lock=True)`: `await v.get()`, `await v.set(x)`. */
export class Value<T extends number | bigint = number> extends Shared {
  constructor(typecodeOrType: TypecodeOrType, value?: number | bigint, options: ValueOptions = {}) {
    const ref = attachingRef();
    if (ref) {
      super('Value', ref.params.typecode as Typecode, [], ref.params.lock as Lock | RLock | null);
      return;
    }
    const typecode = toTypecode(typecodeOrType);
    const initial = checkValue(typecode, value ?? 0);
    super('Value', typecode, [initial], makeLock(options.lock));
  }

  async get(): Promise<T> {
    return (await this.read(0, 1))[0] as T;
  }

  async set(value: T): Promise<void> {
    await this.write(0, [value]);
  }
}

/**
 * Python's `Array(typecode_or_type, size_or_initializer, lock=True)`, named `SharedArray`.
 * Fixed length; `await a.get(i)`, `await a.set(i, v)`, `await a.toArray()`, slices.
 */
export class SharedArray<T extends number | bigint = number> extends Shared {
  readonly #length: number;

  constructor(typecodeOrType: TypecodeOrType, sizeOrInitializer: number | Iterable<number | bigint>, options: ValueOptions = {}) {
    const ref = attachingRef();
    if (ref) {
      super('SharedArray', ref.params.typecode as Typecode, [], ref.params.lock as Lock | RLock | null);
      this.#length = ref.params.length as number;
      return;
    }
    const typecode = toTypecode(typecodeOrType);
    let values: (number | bigint)[];
    if (typeof sizeOrInitializer === 'number') {
      if (!Number.isInteger(sizeOrInitializer) || sizeOrInitializer < 0) throw new RangeError('size must be an integer >= 0');
      const zero = checkValue(typecode, 0);
      values = new Array(sizeOrInitializer).fill(zero);
    } else if (sizeOrInitializer !== null && typeof (sizeOrInitializer as Iterable<T>)[Symbol.iterator] === 'function') {
      values = [...sizeOrInitializer].map((v) => checkValue(typecode, v));
    } else {
      throw new TypeError('sizeOrInitializer must be a length or an iterable of values');
    }
    super('SharedArray', typecode, values, makeLock(options.lock));
    this.#length = values.length;
  }

  get length(): number {
    return this.#length;
  }

  #index(i: number): number {
    if (!Number.isInteger(i)) throw new TypeError('index must be an integer');
    const j = i < 0 ? this.#length + i : i;
    if (j < 0 || j >= this.#length) throw new RangeError(`index ${i} out of range for length ${this.#length}`);
    return j;
  }

  async get(index: number): Promise<T> {
    const j = this.#index(index);
    return (await this.read(j, j + 1))[0] as T;
  }

  async set(index: number, value: number | bigint): Promise<void> {
    const j = this.#index(index);
    await this.write(j, [value]);
  }

  /** Every element, in one message. */
  async toArray(): Promise<T[]> {
    return (await this.read(0, this.#length)) as T[];
  }

  /** Elements `start` to `end` (exclusive), negative indexes from the end, as `Array.prototype.slice`. */
  async slice(start = 0, end = this.#length): Promise<T[]> {
    const n = this.#length;
    const s = Math.max(0, start < 0 ? n + start : Math.min(start, n));
    const e = Math.max(s, end < 0 ? n + end : Math.min(end, n));
    return (await this.read(s, e)) as T[];
  }

  /** Writes `values` from `start` on, atomically; rejects with `RangeError` past the end. */
  async setSlice(start: number, values: Iterable<number | bigint>): Promise<void> {
    const j = start === this.#length ? start : this.#index(start);
    const vs = [...values];
    if (j + vs.length > this.#length) throw new RangeError(`${vs.length} values from ${start} do not fit in length ${this.#length}`);
    await this.write(j, vs);
  }
}
