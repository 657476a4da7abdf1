/**
 * The tasks a worker holds (sent, not yet answered) and the run time they are expected to take
 * in all: the pool prefetches onto a worker only while that total stays small, so nothing waits
 * behind a slow or never-ending task while another worker idles.
 */
export class HeldTasks {
  readonly #est = new Map<number, number>();
  #micros = 0;

  /** Expected microseconds of everything held. */
  get micros(): number {
    return this.#micros;
  }

  get size(): number {
    return this.#est.size;
  }

  add(id: number, micros: number): void {
    this.#est.set(id, micros);
    this.#micros += micros;
  }

  has(id: number): boolean {
    return this.#est.has(id);
  }

  delete(id: number): boolean {
    const m = this.#est.get(id);
    if (m === undefined) return false;
    this.#est.delete(id);
    this.#micros = this.#est.size === 0 ? 0 : this.#micros - m;
    return true;
  }

  clear(): void {
    this.#est.clear();
    this.#micros = 0;
  }

  [Symbol.iterator](): IterableIterator<number> {
    return this.#est.keys();
  }
}
