import { Duplex } from 'node:stream';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it, onTestFinished } from 'vitest';
import { answerChallenge, Connection, deliverChallenge, EOFError } from '../src/index.js';

/** The README's example: a MessagePort as a byte stream. */
function portStream(port: MessagePort): Duplex {
  const stream = new Duplex({
    read() {},
    write(chunk, _enc, done) {
      port.postMessage(chunk);
      done();
    },
    final(done) {
      port.close();
      done();
    },
  });
  port.on('message', (chunk: Uint8Array) => stream.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  port.on('close', () => stream.push(null));
  return stream;
}

describe('a Connection over a custom transport', () => {
  it('works over a MessagePort wrapped as a Duplex, with the handshake on top', async () => {
    const { port1, port2 } = new MessageChannel();
    const a = new Connection(portStream(port1));
    const b = new Connection(portStream(port2));
    onTestFinished(async () => {
      await Promise.all([a.close(), b.close()]);
    });
    const key = Buffer.from('k');
    await Promise.all([
      deliverChallenge(a, key).then(() => answerChallenge(a, key)),
      answerChallenge(b, key).then(() => deliverChallenge(b, key)),
    ]);
    void a.send({ over: 'port' });
    void a.sendBytes(new Uint8Array(100_000).fill(3));
    expect(await b.recv()).toEqual({ over: 'port' });
    expect((await b.recvBytes()).length).toBe(100_000);
    await a.close();
    await expect(b.recv()).rejects.toBeInstanceOf(EOFError);
  });
});
