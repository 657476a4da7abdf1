import { Client, type Connection, Listener } from '@proc/connection';

const authkey = Buffer.from('secret');
const listener = new Listener(undefined, { authkey });
const served = (async () => {
  const conn: Connection = await listener.accept();
  const msg = await conn.recv();
  await conn.send({ echo: msg });
  await conn.sendBytes(Buffer.from('raw'));
  conn.close();
})();
const client = await Client(listener.address, { authkey });
await client.send({ hello: 'world' });
const reply = await client.recv();
const raw: Buffer = await client.recvBytes();
await served;
client.close();
listener.close();
console.log(JSON.stringify(reply), raw.toString());
console.log('resolved', import.meta.resolve('@proc/connection'));
