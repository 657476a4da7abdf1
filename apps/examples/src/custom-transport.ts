// Custom transports: any Duplex stream becomes a Connection. Here (1) a spawned child's
// stdin/stdout, authenticated with Python's handshake (deliverChallenge/answerChallenge), and
// (2) a worker_threads MessagePort wrapped as a byte stream.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Duplex } from 'node:stream';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { answerChallenge, deliverChallenge } from '@proc/connection';
import { Connection } from '@proc/processing';

/** The child's side: its own stdin/stdout are the connection (so it logs to stderr only). */
async function stdioChild(): Promise<void> {
  const authkey = Buffer.from(process.env.EXAMPLE_KEY ?? '', 'hex');
  const conn = new Connection(Duplex.from({ readable: process.stdin, writable: process.stdout }));
  // The connecting side answers first, then challenges (as Python's Client does).
  await answerChallenge(conn, authkey);
  await deliverChallenge(conn, authkey);
  for await (const msg of conn) {
    const { op, args } = msg as { op: 'sum' | 'max'; args: number[] };
    await conn.send(op === 'sum' ? args.reduce((a, b) => a + b, 0) : Math.max(...args));
  }
  // The parent closed its end: stdin ended, the loop is over, and the child exits.
}

/** A MessagePort as a byte stream: each chunk written is posted, each message received pushed. */
function portStream(port: MessagePort): Duplex {
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
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

if (process.argv[2] === 'stdio-child') {
  await stdioChild();
} else {
  // 1. A child's stdio. The child is this file run again with an argument (not a proc Process).
  const authkey = randomBytes(32);
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), import.meta.filename, 'stdio-child'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, EXAMPLE_KEY: authkey.toString('hex') },
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const conn = new Connection(Duplex.from({ readable: child.stdout, writable: child.stdin }));
  // The accepting side challenges first, then answers (as Python's Listener does).
  await deliverChallenge(conn, authkey);
  await answerChallenge(conn, authkey);
  console.log('stdio: authenticated');
  await conn.send({ op: 'sum', args: [1, 2, 3, 4] });
  console.log('stdio: sum =', await conn.recv());
  await conn.send({ op: 'max', args: [7, 42, 5] });
  console.log('stdio: max =', await conn.recv());
  await conn.close();
  console.log('stdio: child exit', await exited);

  // 2. A MessagePort pair (here in one process; a Worker would get port2 in its workerData).
  const { port1, port2 } = new MessageChannel();
  const a = new Connection(portStream(port1));
  const b = new Connection(portStream(port2));
  await a.send({ when: new Date(0), tags: new Set(['x', 'y']) });
  console.log('port:', await b.recv());
  await b.sendBytes(new Uint16Array([1, 2, 3]));
  console.log('port: bytes', [...(await a.recvBytes())].join(' '));
  await a.close();
  await b.close();
  console.log('port: closed', a.closed, b.closed);
}
