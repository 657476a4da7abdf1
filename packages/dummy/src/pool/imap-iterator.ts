/**
 * What `imap` and `imapUnordered` return: an async iterator over the results that reads its
 * input lazily (a bounded number of chunks ahead, so a slow consumer holds the input back).
 * The first failure is thrown where it occurs; `return()` (a `break`) stops it early.
 */
export class IMapIterator<R> implements AsyncIterableIterator<R> {
  readonly #gen: AsyncGenerator<unknown, void, undefined>;

  /** @internal Made by `Pool.imap` / `Pool.imapUnordered`. */
  constructor(gen: AsyncGenerator<unknown, void, undefined>) {
    this.#gen = gen;
  }

  next(): Promise<IteratorResult<R>> {
    return this.#gen.next() as Promise<IteratorResult<R>>;
  }

  return(value?: unknown): Promise<IteratorResult<R>> {
    return this.#gen.return(value as undefined) as Promise<IteratorResult<R>>;
  }

  throw(err?: unknown): Promise<IteratorResult<R>> {
    return this.#gen.throw(err) as Promise<IteratorResult<R>>;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return 'IMapIterator';
  }
}
