/** The referent of `manager.Value(typecode, value)`. The typecode is kept, as Python's. */
import { contentsSymbol } from '../server/server-ref.js';
export class SharedValue {
  #v: unknown;
  readonly #typecode: string | null;

  constructor(typecode: string | null, value: unknown) {
    this.#typecode = typecode;
    this.#v = value;
  }

  get(): unknown {
    return this.#v;
  }

  set(value: unknown): void {
    this.#v = value;
  }

  typecode(): string | null {
    return this.#typecode;
  }

  [contentsSymbol](): Iterable<unknown> {
    return [this.#v];
  }
}
