/**
 * Python's framing (`multiprocessing.connection.Connection._send_bytes`): a 4-byte big-endian
 * signed length, then the payload. A payload over 2^31-1 bytes gets the length -1, then an
 * 8-byte big-endian unsigned length.
 */

/** The largest payload a 4-byte header can declare. */
export const SHORT_LIMIT = 0x7fffffff;

/** Bytes in the header of a payload of `size` bytes. */
export function headerSize(size: number): 4 | 12 {
  return size > SHORT_LIMIT ? 12 : 4;
}

/** Writes the header of a `size`-byte payload at `offset`; returns the offset after it. */
export function writeHeader(target: Buffer, offset: number, size: number): number {
  if (size <= SHORT_LIMIT) {
    target.writeInt32BE(size, offset);
    return offset + 4;
  }
  target.writeInt32BE(-1, offset);
  target.writeUInt32BE(Math.floor(size / 0x1_0000_0000), offset + 4);
  target.writeUInt32BE(size >>> 0, offset + 8);
  return offset + 12;
}

/** A fresh header for a `size`-byte payload. */
export function encodeHeader(size: number): Buffer {
  const header = Buffer.allocUnsafe(headerSize(size));
  writeHeader(header, 0, size);
  return header;
}

/** A header and its payload in one buffer (a queued frame handed on with a transfer). */
export function encodeFrame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(headerSize(payload.length) + payload.length);
  payload.copy(out, writeHeader(out, 0, payload.length));
  return out;
}
