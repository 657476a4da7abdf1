import { checkWaitOptions } from '@proc/core';
import { Primitive } from './base.js';
import { Op } from './protocol.js';

/** Python's `multiprocessing.Event`. */
export class Event extends Primitive {
  constructor() {
    super('Event', {}, { kind: 'event' });
  }

  /** Sets the flag and wakes every waiter; resolves once the host has done so. */
  async set(): Promise<void> {
    await this.channel.call(Op.EventSet, this.prim, 0, 0, 0);
  }

  async clear(): Promise<void> {
    await this.channel.call(Op.EventClear, this.prim, 0, 0, 0);
  }

  async isSet(): Promise<boolean> {
    return (await this.channel.call(Op.EventIsSet, this.prim, 0, 0, 0)).a === 1;
  }

  /** Resolves `true` once the flag is set, `false` when `timeout` passes first (as Python's). */
  async wait(options?: { timeout?: number | null; signal?: AbortSignal }): Promise<boolean> {
    checkWaitOptions(options, 'options');
    const f = await this.channel.call(Op.EventWait, this.prim, options?.timeout ?? -1, 0, 0, undefined, {
      signal: options?.signal,
      onAbort: 'drop',
    });
    return f.a === 1;
  }
}
