/**
 * Binding the server's socket with node:net alone, so the server process can report its address
 * before it loads anything else (the codec, the protocol); connections that arrive meanwhile
 * are held, paused, until the server adopts the socket.
 */
import net from 'node:net';
import path from 'node:path';
// The subpath loads this one module, not the rest of @proc/core: the entry binds first.
import { makePrivateDir } from '@proc/core/private-dir';
import type { Address } from '../wire/messages.js';

/** A listening socket bound before the rest of the server is loaded (see `server/entry.ts`). */
export interface BoundServer {
  server: net.Server;
  address: Address;
  /** The private folder of a default Unix socket, removed on close. */
  dir: string | undefined;
  /** Connections accepted before `adoptServer` (paused: their bytes wait in the socket). */
  early: net.Socket[];
}

/** Binds and listens, holding accepted connections until `adoptServer`. Uses node:net only. */
export async function bindServer(address: Address | undefined): Promise<BoundServer> {
  let dir: string | undefined;
  let bind: Address;
  if (address === undefined) {
    // Named after this pid: a server that is killed cannot remove it, the next one will.
    dir = makePrivateDir('proc-mgr');
    bind = path.join(dir, 's');
  } else bind = address;
  const server = net.createServer({ noDelay: true, pauseOnConnect: true });
  const bound: BoundServer = { server, address: bind, dir, early: [] };
  server.on('connection', (s) => bound.early.push(s));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof bind === 'string') server.listen(bind, done);
    else server.listen(bind[1], bind[0], done);
  });
  server.on('error', () => {});
  if (typeof bind !== 'string') bound.address = [bind[0], (server.address() as net.AddressInfo).port];
  return bound;
}
