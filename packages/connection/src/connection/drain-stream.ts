import type { Duplex } from 'node:stream';

type Handle = { reading?: boolean; readStop?: () => number; readStart?: () => number };

/**
 * Stops a stream reading, for a handoff to another process: `pause()` stops `'data'`, `read()`
 * empties what the stream already holds, then the socket's handle stops reading from the OS
 * (pause() alone lets it fill its buffer). All synchronous: libuv reads only in the poll phase,
 * so no byte can arrive between here and the handoff. Returns what the stream held.
 */
export function drainStream(stream: Duplex): { held: Buffer[]; wasReading: boolean } {
  stream.pause();
  const held: Buffer[] = [];
  while (stream.readableLength > 0) {
    const chunk = stream.read() as Buffer | null;
    if (chunk === null) break;
    held.push(chunk);
  }
  const handle = (stream as unknown as { _handle?: Handle })._handle;
  let wasReading = false;
  if (handle && typeof handle.readStop === 'function') {
    handle.reading = false;
    handle.readStop();
    wasReading = true;
  }
  return { held, wasReading };
}

/**
 * Undoes `drainStream` (a handoff that failed). `read()` above may have left the stream believing
 * a read is under way: the handle itself is restarted rather than relying on resume() to call
 * `_read` again.
 */
export function resumeStream(stream: Duplex, wasReading: boolean): void {
  const handle = (stream as unknown as { _handle?: Handle })._handle;
  if (wasReading && handle && typeof handle.readStart === 'function' && !handle.reading) {
    handle.reading = true;
    handle.readStart();
  }
  stream.resume();
}
