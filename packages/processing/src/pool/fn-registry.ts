import type { FnEntry } from './task.js';

/**
 * The task functions a pool has seen: one id per distinct function (module list, export name,
 * source fingerprint), and its measured run time. Their modules join `preload`, which workers
 * started later import while they boot.
 */
export class FnRegistry {
  readonly #entries = new Map<string, FnEntry>();
  #nextId = 1;
  readonly #preload: string[];

  constructor(preload: string[]) {
    this.#preload = preload;
  }

  get(modules: string[], exportName: string, fingerprint: string, explicitModule: boolean): FnEntry {
    const key = `${explicitModule}\n${modules.join('\n')}\n${exportName}\n${fingerprint}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { id: this.#nextId++, modules, exportName, fingerprint, explicitModule, microsPerItem: -1 };
      this.#entries.set(key, entry);
      for (const m of modules) if (!this.#preload.includes(m)) this.#preload.push(m);
    }
    return entry;
  }
}
