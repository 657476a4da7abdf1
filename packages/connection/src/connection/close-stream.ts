import net from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Closes the stream of a `Connection` whose queued frames were all given to it; resolves on
 * `'close'`. `end()` flushes what the stream still holds, then `destroy()` closes at once: a peer
 * that never closes its side must not keep this end half-open (Python's close() closes the fd).
 */
export function closeStream(stream: Duplex): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    if (!stream.writable || stream.writableEnded) stream.destroy();
    else if (stream.writableLength === 0 && isUnixSocket(stream)) {
      // Everything is with the OS: close at once, as Python does. Deferred past the stream's own
      // write callbacks (queued for this tick): destroyed before them, Writable makes an
      // ERR_STREAM_DESTROYED for nobody, stack trace and all, on every close.
      process.nextTick(destroyStream, stream);
    } else stream.end(() => stream.destroy());
  });
}

function destroyStream(stream: Duplex): void {
  stream.destroy();
}

/**
 * A Unix socket (no TLS) closed with nothing left to write needs no `end()`: the peer reads what
 * was sent, then the end, and a shutdown() plus a turn of the event loop per close are saved. TCP
 * keeps `end()` (a close with unread input sends RST, which can drop what the peer has not read
 * yet); TLS must send its close_notify.
 */
function isUnixSocket(stream: Duplex): boolean {
  return stream instanceof net.Socket && !(stream as { encrypted?: boolean }).encrypted && stream.remoteAddress === undefined;
}
