import fs from 'node:fs';
import type net from 'node:net';

/**
 * Writes `buf` to a stream's file descriptor with one `write(2)` when the stream has nothing
 * queued (no stream machinery: this is the hot path of every put); what the kernel does not take
 * at once (EAGAIN, a partial write) goes through the stream, which keeps the order. True when
 * the kernel took all of it now; otherwise `done` is called once it has.
 */
export function writeDirect(stream: net.Socket, buf: Buffer, done: (err?: Error | null) => void): boolean {
  const fd = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd === 'number' && fd >= 0 && stream.writableLength === 0 && !stream.connecting) {
    let n = 0;
    try {
      n = fs.writeSync(fd, buf);
    } catch {
      // EAGAIN (full) or an error the stream will report: let it handle the bytes.
      n = 0;
    }
    if (n === buf.length) return true;
    buf = buf.subarray(n);
  }
  stream.write(buf, done);
  return stream.writableLength === 0 && !stream.connecting;
}
