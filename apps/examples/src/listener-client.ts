// Listener and Client with an authkey, in two processes: the parent listens, the child connects,
// both prove they know the key (Python's handshake), and the parent reads with `for await`.
import { randomBytes } from 'node:crypto';
import { type Address, Client, isMainProcess, Listener, Process } from '@proc/processing';

export async function client(address: Address, authkey: Buffer): Promise<void> {
  await using conn = await Client(address, { authkey });
  for (const word of ['hello', 'from', 'the', 'child']) await conn.send({ word });
  console.log('child: server says', await conn.recv());
} // the connection closes here, which ends the parent's `for await`

if (isMainProcess()) {
  const authkey = randomBytes(32);
  // No address: a fresh Unix socket in a private temp folder, removed on close.
  await using listener = new Listener(undefined, { authkey });
  await listener.listening;
  const p = new Process({ target: client, args: [listener.address, authkey] });
  await p.start();

  await using conn = await listener.accept();
  const words: string[] = [];
  for await (const msg of conn) {
    words.push((msg as { word: string }).word);
    if (words.length === 4) await conn.send(`thanks for ${words.length} words`);
  }
  console.log('parent: got', words.join(' '));

  // A client with the wrong key is refused on both sides.
  const bad = Client(listener.address, { authkey: Buffer.from('wrong key') });
  const [clientErr, serverErr] = await Promise.all([bad.catch((e: Error) => e), listener.accept().catch((e: Error) => e)]);
  console.log('wrong key:', (clientErr as Error).name, '/', (serverErr as Error).name);

  await p.join();
  console.log('child exit', p.exitCode);
}
