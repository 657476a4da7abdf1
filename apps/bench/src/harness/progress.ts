/**
 * Progress on stderr: a bar redrawn in place on a terminal, one plain line per step otherwise
 * (a CI log, a pipe). stdout is kept for the table.
 */
export class Progress {
  #done = 0;
  readonly #total: number;
  readonly #tty: boolean;
  readonly #out: NodeJS.WriteStream;

  constructor(total: number, out: NodeJS.WriteStream = process.stderr) {
    this.#total = Math.max(1, total);
    this.#out = out;
    this.#tty = Boolean(out.isTTY) && !process.env.CI;
  }

  start(label: string): void {
    if (this.#tty) this.#draw(label);
  }

  finish(label: string, summary: string): void {
    this.#done++;
    if (this.#tty) this.#draw(label);
    else this.#out.write(`[${this.#done}/${this.#total}] ${label}: ${summary}\n`);
  }

  end(): void {
    if (this.#tty) this.#out.write('\r\x1b[2K');
  }

  #draw(label: string): void {
    const width = 24;
    const filled = Math.round((width * this.#done) / this.#total);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const cols = (this.#out.columns ?? 0) > 20 ? this.#out.columns : 100;
    const line = `[${bar}] ${this.#done}/${this.#total} ${label}`;
    this.#out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  }
}
