import { checkWaitOptions } from '@proc/core';
import { attachingRef, Primitive } from './base.js';
import type { Core } from './client/channel.js';
import { Op } from './protocol.js';

/** Runs the barrier's action in the creating process when the host asks. */
class BarrierActionCore implements Core {
  constructor(
    private readonly send: (ok: boolean) => void,
    private readonly action: (() => unknown) | undefined,
  ) {}

  onFrame(op: Op): void {
    if (op !== Op.BarrierAction) return;
    let result: unknown;
    try {
      result = this.action?.();
    } catch {
      this.send(false);
      return;
    }
    Promise.resolve(result).then(
      () => this.send(true),
      () => this.send(false),
    );
  }
}

/**
 * Python's `multiprocessing.Barrier(parties, action=None, timeout=None)`. `wait` resolves with
 * the arrival index (0 .. parties-1). A timeout, `abort()`, `reset()` while parties wait, or a
 * waiting party's process dying breaks it: waiters reject with `BrokenBarrierError`. The action
 * runs in the process that created the barrier (the only one holding the function), before
 * the parties are released; if it throws, the barrier breaks.
 */
export class Barrier extends Primitive {
  readonly #parties: number;

  constructor(parties: number, action?: () => unknown, timeout?: number | null) {
    const ref = attachingRef();
    if (!ref) {
      if (!Number.isInteger(parties) || parties < 1) throw new RangeError('parties must be an integer >= 1');
      if (action !== undefined && action !== null && typeof action !== 'function') throw new TypeError('action must be a function');
      if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || timeout < 0)) {
        throw new RangeError('timeout must be a number of milliseconds >= 0');
      }
    }
    const p = ref ? (ref.params.parties as number) : parties;
    const t = ref ? (ref.params.timeout as number) : (timeout ?? -1);
    super('Barrier', { parties: p, timeout: t }, { kind: 'barrier', parties: p, timeout: t, action: typeof action === 'function' });
    this.#parties = p;
    if (!ref && typeof action === 'function') {
      const ch = this.channel;
      const prim = this.prim;
      ch.core(prim, () => new BarrierActionCore((ok) => ch.send(Op.BarrierActionDone, prim, 0, 0, ok ? 1 : 0, 0), action));
    }
  }

  get parties(): number {
    return this.#parties;
  }

  /** Waits for all parties; resolves with this party's arrival index. */
  async wait(options?: { timeout?: number | null; signal?: AbortSignal }): Promise<number> {
    checkWaitOptions(options, 'options');
    const f = await this.channel.call(Op.BarrierWait, this.prim, options?.timeout ?? -1, 0, 0, undefined, {
      signal: options?.signal,
      onAbort: 'drop',
    });
    return f.b;
  }

  /** Breaks the barrier: current and future waiters reject with `BrokenBarrierError` until `reset()`. */
  async abort(): Promise<void> {
    await this.channel.call(Op.BarrierAbort, this.prim, 0, 0, 0);
  }

  /** Back to the initial state; parties waiting now reject with `BrokenBarrierError`. */
  async reset(): Promise<void> {
    await this.channel.call(Op.BarrierReset, this.prim, 0, 0, 0);
  }

  /** Python's `n_waiting`. */
  async nWaiting(): Promise<number> {
    return (await this.channel.call(Op.BarrierInfo, this.prim, 0, 0, 0)).a;
  }

  /** Python's `broken`. */
  async broken(): Promise<boolean> {
    return (await this.channel.call(Op.BarrierInfo, this.prim, 0, 0, 0)).b === 1;
  }
}
