/**
 * Undo steps registered right after each resource is made, run in reverse order, each bounded
 * by a timeout so a stuck close cannot hang the figure. The job process's group is killed after
 * the figure anyway; this is the polite path that lets proc shut its children down in order.
 */
export class Cleanup {
  #steps: Array<{ label: string; fn: () => unknown }> = [];

  add(label: string, fn: () => unknown): void {
    this.#steps.push({ label, fn });
  }

  async run(timeoutMs = 3000): Promise<string[]> {
    const problems: string[] = [];
    while (this.#steps.length > 0) {
      const { label, fn } = this.#steps.pop() as { label: string; fn: () => unknown };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(fn),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${label}: no answer in ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      } finally {
        clearTimeout(timer);
      }
    }
    return problems;
  }
}

/** What went wrong while cleaning up in this process; job-child.ts reports it as a warning. */
export const cleanupProblems: string[] = [];

/** Runs `body` with a fresh Cleanup and always runs it afterwards. */
export async function withCleanup<T>(body: (c: Cleanup) => Promise<T>): Promise<T> {
  const c = new Cleanup();
  try {
    return await body(c);
  } finally {
    for (const p of await c.run()) if (!cleanupProblems.includes(p)) cleanupProblems.push(p);
  }
}
