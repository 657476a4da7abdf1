import { Acquirable, type AcquireOptions } from './acquirable.js';
import { attachingRef } from './base.js';
import type { Channel } from './client/channel.js';
import { acquireArgs } from './client/lock-core.js';
import { checkAcquire } from './lock.js';
import { Op } from './protocol.js';

function checkValue(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError('value must be an integer');
  if (value < 0) throw new RangeError('semaphore initial value must be >= 0');
  return value;
}

/**
 * Python's `multiprocessing.Semaphore(value=1)`. Semaphores have no owner (as Python's): a
 * process that dies holding one does not give it back.
 */
export class Semaphore extends Acquirable {
  constructor(value = 1) {
    const ref = attachingRef();
    const v = ref ? (ref.params.value as number) : checkValue(value);
    const bounded = ref ? ref.kind === 'BoundedSemaphore' : new.target === BoundedSemaphore;
    super(bounded ? 'BoundedSemaphore' : 'Semaphore', { value: v }, { kind: 'semaphore', value: v, bounded });
  }

  acquire(options?: AcquireOptions): Promise<boolean> {
    checkAcquire(options);
    const opts = options ?? {};
    const { a, b } = acquireArgs(opts);
    const ch: Channel = this.channel;
    const prim = this.prim;
    return ch
      .call(Op.Acquire, prim, a, b, 0, undefined, {
        signal: opts.signal,
        onAbort: 'drop',
        late: (late) => {
          if (late.op === Op.Reply && late.a === 1 && !ch.gone) ch.send(Op.Release, prim, 0, 0, 0, 0);
        },
      })
      .then((f) => f.a === 1);
  }

  /** Python's `release(n=1)`. A BoundedSemaphore rejects with `RangeError` when released above its initial value. */
  async release(n = 1): Promise<void> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be an integer >= 1');
    for (let i = 0; i < n; i++) await this.channel.call(Op.Release, this.prim, 0, 0, 0);
  }

  /** Python's `get_value()`. */
  async getValue(): Promise<number> {
    return (await this.channel.call(Op.SemValue, this.prim, 0, 0, 0)).a;
  }
}

/** Python's `multiprocessing.BoundedSemaphore`: releasing above the initial value rejects with `RangeError`. */
export class BoundedSemaphore extends Semaphore {}
