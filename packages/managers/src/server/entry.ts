/**
 * The manager server's process entry: the target `BaseManager.start()` runs in a child. It binds
 * the socket with node:net alone and reports the address on stdout at once; then it loads the
 * server (the codec, the protocol) while the parent connects: connections that arrive meanwhile
 * wait, paused, and are served once it is loaded. Referent types load on first use. Ctrl-C is
 * ignored, as CPython's manager process does, so the parent shuts it down in order.
 */
import { bindServer } from '../transport/bind.js';
import type { Address } from '../wire/messages.js';
import type { TypeSpec } from './registry.js';

export const READY = 'PROC_MANAGER_READY ';
export const CONFIG_ENV = 'PROC_MANAGER_CONFIG';

export interface EntryConfig {
  address?: Address;
  types: TypeSpec[];
  builtins: boolean;
}

export async function runManagerServer(): Promise<void> {
  process.on('SIGINT', () => {});
  const raw = process.env[CONFIG_ENV];
  delete process.env[CONFIG_ENV];
  const config = JSON.parse(raw ?? '{"types":[],"builtins":true}') as EntryConfig;
  const bound = await bindServer(config.address);
  process.stdout.write(`${READY}${JSON.stringify({ address: bound.address })}\n`);
  const [{ Server }, { ownAuthkey }] = await Promise.all([import('./server.js'), import('./own-authkey.js')]);
  const server = new Server({
    address: bound.address,
    bound,
    authkey: ownAuthkey(),
    types: config.types,
    builtins: config.builtins,
  });
  await server.serveForever();
}
