/**
 * Memory shared between processes, from proc's optional native addon (`native/shm.cc`, built by
 * `scripts/build-native.mjs` where a C++ compiler and Node's headers exist). Node itself can
 * share memory only between threads of one process. Without the addon (or with
 * `PROC_SHM_LANE=0`) this returns null and lanes carry frames through their FIFO.
 */
import { createRequire } from 'node:module';

export interface ShmNative {
  /**
   * A new memfd of `size` zeroed bytes, mapped: its fd (for `/proc/<pid>/fd/<fd>`) and memory.
   * The memory is an ArrayBuffer, not a SharedArrayBuffer (`native/shm.cc` says why): only one
   * thread of each process may use it.
   */
  create(size: number): [fd: number, memory: ArrayBuffer];
  /** Maps the whole file at `path` (another process's memfd). */
  open(path: string): ArrayBuffer;
  /** `mkfifo(3)`: Node has no call for it (without the addon, the `mkfifo` program makes them). */
  mkfifo(path: string, mode: number): void;
}

let loaded: ShmNative | null | undefined;

export function shmNative(): ShmNative | null {
  if (loaded === undefined) {
    loaded = null;
    if (process.platform === 'linux' && process.env.PROC_SHM_LANE !== '0') {
      try {
        // dist/primitives/shm.js -> dist/native/proc_shm.node
        loaded = createRequire(import.meta.url)('../native/proc_shm.node') as ShmNative;
      } catch {
        // Not built here: lanes go without shared memory.
      }
    }
  }
  return loaded;
}
