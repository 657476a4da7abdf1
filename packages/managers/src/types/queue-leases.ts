/**
 * Items a queue delivered ahead to a consumer's proxy (its prefetch), not yet consumed there.
 * Leased items are out of the queue but not gone: the consumer acknowledges each one as its
 * `get()` hands it out, and whatever is still unacknowledged goes back to the head of the queue,
 * in order, when the consumer gives it back (idle, closed proxy) or its connection ends (the
 * process died). So an item is consumed exactly once: never lost with a dead consumer, never
 * handed out twice.
 */
import type { Owner } from '../server/call-context.js';

interface Lease {
  items: unknown[];
  head: number;
  offClose: () => void;
}

export class QueueLeases {
  readonly #leases = new Map<string, Lease>();
  /** Puts items back at the head of the queue, in order (the queue's `unget`). */
  readonly #giveBack: (items: unknown[]) => void;
  #count = 0;

  constructor(giveBack: (items: unknown[]) => void) {
    this.#giveBack = giveBack;
  }

  /** How many items are out on lease, unacknowledged. */
  get count(): number {
    return this.#count;
  }

  /** Records `items` as leased to `owner`'s lease `id` (after those it holds already). */
  add(owner: Owner, id: number, items: unknown[]): void {
    if (items.length === 0) return;
    const key = `${owner.id}:${id}`;
    let l = this.#leases.get(key);
    if (l === undefined) {
      const lease: Lease = { items: [], head: 0, offClose: () => {} };
      // A consumer that dies holding items: they go back, in order.
      lease.offClose = owner.atClose(() => this.#return(key));
      this.#leases.set(key, lease);
      l = lease;
    }
    for (let i = 0; i < items.length; i++) l.items.push(items[i]);
    this.#count += items.length;
  }

  /** The consumer handed out `n` leased items: they are consumed. */
  ack(owner: Owner, id: number, n: number): void {
    const l = this.#leases.get(`${owner.id}:${id}`);
    if (l === undefined || !(n > 0)) return;
    const k = Math.min(n, l.items.length - l.head);
    for (let i = 0; i < k; i++) l.items[l.head + i] = undefined;
    l.head += k;
    this.#count -= k;
    if (l.head === l.items.length) {
      l.items = [];
      l.head = 0;
    } else if (l.head > 1024 && l.head * 2 > l.items.length) {
      l.items = l.items.slice(l.head);
      l.head = 0;
    }
  }

  /** The consumer gives back what it has not handed out (idle, or its proxy closed). */
  release(owner: Owner, id: number): void {
    const key = `${owner.id}:${id}`;
    const l = this.#leases.get(key);
    if (l === undefined) return;
    l.offClose();
    this.#return(key);
  }

  #return(key: string): void {
    const l = this.#leases.get(key);
    if (l === undefined) return;
    this.#leases.delete(key);
    const rest = l.items.slice(l.head);
    this.#count -= rest.length;
    if (rest.length > 0) this.#giveBack(rest);
  }

  /** Every leased item (a freed queue releases the proxies inside them too). */
  *contents(): Iterable<unknown> {
    for (const l of this.#leases.values()) for (let i = l.head; i < l.items.length; i++) yield l.items[i];
  }
}
