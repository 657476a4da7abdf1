/**
 * This process's connections to manager servers: one per server, shared by all its proxies.
 * Kept on `globalThis` (a `Symbol.for` key) so every copy of this package shares it.
 */
import { currentProcess } from '@proc/core';
import { type Address, addressKey } from '../wire/messages.js';
import { ManagerClient } from './manager-client.js';

interface Pool {
  byAddress: Map<string, ManagerClient>;
  bySid: Map<string, ManagerClient>;
  authkeys: Map<string, Buffer>;
  tls?: Map<string, import('node:tls').ConnectionOptions>;
}

const key = Symbol.for('proc.managers.pool');
const g = globalThis as { [key]?: Pool };
const pool: Pool = g[key] ?? { byAddress: new Map(), bySid: new Map(), authkeys: new Map() };
g[key] = pool;

/** Remembers the authkey of a manager this process uses (proxies rebuilt here connect with it). */
export function rememberAuthkey(address: Address, authkey: Uint8Array, tls?: import('node:tls').ConnectionOptions): void {
  pool.authkeys.set(addressKey(address), Buffer.from(authkey));
  pool.tls ??= new Map();
  if (tls) pool.tls.set(addressKey(address), tls);
}

/** The live connection to the server at `address` (made when needed). */
export function clientFor(address: Address, sid?: string, authkey?: Uint8Array): ManagerClient {
  if (sid !== undefined) {
    const c = pool.bySid.get(sid);
    if (c && !c.gone) return c;
  }
  const a = addressKey(address);
  const key = authkey ?? pool.authkeys.get(a) ?? currentProcess().authkey;
  // A connection is shared only by users of the same key (a wrong key must not ride on a good one).
  const k = `${a}#${Buffer.from(key).toString('base64')}`;
  let c = pool.byAddress.get(k);
  if (!c || c.gone) {
    c = new ManagerClient(address, key, pool.tls?.get(a));
    pool.byAddress.set(k, c);
  }
  if (sid !== undefined) pool.bySid.set(sid, c);
  return c;
}

/** Registers a client under its server id once known. */
export function noteServerId(c: ManagerClient): void {
  if (c.serverId !== undefined) pool.bySid.set(c.serverId, c);
}

/** Forgets a client (after shutdown). */
export function forget(c: ManagerClient): void {
  for (const [k, v] of pool.byAddress) if (v === c) pool.byAddress.delete(k);
  if (c.serverId !== undefined && pool.bySid.get(c.serverId) === c) pool.bySid.delete(c.serverId);
}
