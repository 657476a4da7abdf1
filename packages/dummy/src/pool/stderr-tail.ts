/** The last `limit` bytes a worker wrote to stderr (kept as chunks; trimmed from the front). */
export class StderrTail {
  #chunks: Buffer[] = [];
  #size = 0;
  readonly #limit: number;

  constructor(limit = 8192) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - this.#chunks[0].length >= this.#limit) {
      this.#size -= (this.#chunks.shift() as Buffer).length;
    }
  }

  toString(): string {
    const all = Buffer.concat(this.#chunks, this.#size);
    return all.subarray(Math.max(0, all.length - this.#limit)).toString('utf8');
  }
}
