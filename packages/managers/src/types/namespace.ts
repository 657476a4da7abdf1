/** The referent of `manager.Namespace()`: named attributes. */
import { contentsSymbol } from '../server/server-ref.js';
export class SharedNamespace {
  #o = new Map<string, unknown>();

  constructor(init?: Record<string, unknown>) {
    if (init) for (const k of Object.keys(init)) this.#o.set(k, init[k]);
  }

  get(name: string): unknown {
    return this.#o.get(String(name));
  }

  set(name: string, value: unknown): void {
    this.#o.set(String(name), value);
  }

  has(name: string): boolean {
    return this.#o.has(String(name));
  }

  delete(name: string): boolean {
    return this.#o.delete(String(name));
  }

  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.#o);
  }

  [contentsSymbol](): Iterable<unknown> {
    return this.#o.values();
  }
}
