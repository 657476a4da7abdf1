// Pipe: two connected ends; one goes to a child process in `args` and arrives connected.
// Objects travel with send/recv (proc's codec: Map, Date, BigInt, ... survive), raw bytes with
// sendBytes/recvBytes (Python's send_bytes/recv_bytes).
import { type Connection, isMainProcess, Pipe, Process } from '@proc/processing';

export async function child(conn: Connection): Promise<void> {
  // Objects: echo each one back with a note, until 'done'.
  for (;;) {
    const msg = await conn.recv();
    if (msg === 'done') break;
    await conn.send({ echo: msg, from: 'child' });
  }
  // Bytes: reply with the same bytes upper-cased.
  const bytes = await conn.recvBytes();
  await conn.sendBytes(Buffer.from(bytes.toString('utf8').toUpperCase()));
  await conn.close();
}

if (isMainProcess()) {
  const [parentEnd, childEnd] = Pipe();
  await childEnd.ready;
  const p = new Process({ target: child, args: [childEnd] });
  await p.start();

  await parentEnd.send(42);
  console.log('got', await parentEnd.recv());
  await parentEnd.send(new Map([['a', 1n]]));
  console.log('got', await parentEnd.recv());
  await parentEnd.send('done');

  await parentEnd.sendBytes(new TextEncoder().encode('raw bytes'));
  const reply = await parentEnd.recvBytes();
  console.log('bytes', reply.length, reply.toString('utf8'));

  await p.join();
  await parentEnd.close();
  console.log('child exit', p.exitCode);
}
