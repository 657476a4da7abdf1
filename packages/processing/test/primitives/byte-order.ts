/**
 * Where a stream of bytes written as `position & 0xff` first went wrong: the index of the first
 * byte that differs, or -1 when every byte came, in order.
 */
export function firstMisplacedByte(all: Uint8Array): number {
  for (let i = 0; i < all.length; i++) if (all[i] !== (i & 0xff)) return i;
  return -1;
}
