/**
 * The shared-memory ring between a main thread and a worker thread: bytes arrive whole and in
 * order through wrap-around, a full ring (overflow by message) and writes larger than the ring.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { RingReader, ringBuffer } from '../../src/primitives/ring.js';
import { firstMisplacedByte } from './byte-order.js';

const ringJs = new URL('../../dist/primitives/ring.js', import.meta.url).href;

it('carries every byte in order across wrap-around, overflow and oversized writes', async () => {
  const sab = ringBuffer(4096);
  const { port1, port2 } = new MessageChannel();
  const sizes = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? 5000 : 1 + ((i * 37) % 900)));
  const total = sizes.reduce((a, b) => a + b, 0);
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     import(workerData.ringJs).then(({ RingWriter, portSide }) => {
       const w = new RingWriter(workerData.sab, portSide(workerData.port));
       let k = 0;
       workerData.sizes.forEach((n, i) => {
         const b = new Uint8Array(n);
         for (let j = 0; j < n; j++) b[j] = (k++) & 0xff;
         w.write(b);
         // Every so often let the reader catch up, so the ring is used after overflowing.
         if (i % 500 === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
       });
     });`,
    { eval: true, workerData: { sab, port: port2, sizes, ringJs }, transferList: [port2] },
  );
  const chunks: Buffer[] = [];
  let got = 0;
  await new Promise<void>((resolve) => {
    const reader = new RingReader(sab, port1, (buf) => {
      chunks.push(Buffer.from(buf));
      got += buf.length;
      if (got >= total) {
        reader.stop();
        resolve();
      }
    });
  });
  await worker.terminate();
  port1.close();
  const all = Buffer.concat(chunks);
  expect(all.length).toBe(total);
  expect(firstMisplacedByte(all)).toBe(-1);
});
