/**
 * Where decoded typed arrays of 65 bytes to 4 KiB get their memory: views into a shared 64 KiB
 * slab, as Node's `Buffer.allocUnsafe` pools small Buffers in its 8 KiB pool.
 *
 * Why: a fresh `ArrayBuffer` costs V8 a malloc, a backing-store record, external-memory
 * accounting and a sweep after the next GC, several times the cost of copying 1 KiB. A consumer
 * of 1 KiB queue items spent about a quarter of its main thread on it, and V8's helper threads
 * more (measured: a child putting 400,000 1 KiB items to its parent, 14% faster end to end).
 * Up to 64 bytes V8 keeps a typed array's bytes on its own heap, already cheap: those stay own.
 *
 * What a user sees: `.buffer` of such a view is the slab, so code reads it through `byteOffset`
 * and `byteLength` (as with any Buffer); `.slice()` makes an own copy. One retained view keeps its
 * slab alive. The slab is marked untransferable: naming it in a `transferList` copies it instead
 * of detaching the views that share it.
 */
import { markAsUntransferable } from 'node:worker_threads';

/** Largest view taken from the slab (Node's pool takes up to half its size; ours a sixteenth). */
export const SLAB_MAX = 4096;
/** Views up to this size are own arrays (V8 keeps their bytes on its heap). */
export const SLAB_MIN = 65;
const SLAB_BYTES = 64 * 1024;

let slab = new ArrayBuffer(0);
let used = 0;

/** A copy of `src` in the slab, at an 8-byte aligned offset (any element type can view it). */
export function slabCopy(src: Uint8Array): Uint8Array {
  const n = src.byteLength;
  if (used + n > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    markAsUntransferable(slab);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  out.set(src);
  used = (used + n + 7) & ~7;
  return out;
}
