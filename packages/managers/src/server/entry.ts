/**
 * The manager server's process entry: the target `BaseManager.start()` runs in a child. It
 * imports only the server (referent types load on first use), listens, and reports its address
 * on stdout, then serves until shut down. Ctrl-C is ignored, as CPython's manager process does,
 * so the parent shuts it down in order.
 */
import { currentProcess } from '@proc/core';
import type { TypeSpec } from './registry.js';
import { Server } from './server.js';

export const READY = 'PROC_MANAGER_READY ';
export const CONFIG_ENV = 'PROC_MANAGER_CONFIG';

export interface EntryConfig {
  address?: import('../wire/messages.js').Address;
  types: TypeSpec[];
  builtins: boolean;
}

export async function runManagerServer(): Promise<void> {
  process.on('SIGINT', () => {});
  const raw = process.env[CONFIG_ENV];
  delete process.env[CONFIG_ENV];
  const config = JSON.parse(raw ?? '{"types":[],"builtins":true}') as EntryConfig;
  const server = new Server({
    address: config.address,
    authkey: currentProcess().authkey,
    types: config.types,
    builtins: config.builtins,
  });
  const address = await server.listen();
  process.stdout.write(`${READY}${JSON.stringify({ address, id: server.id })}\n`);
  await server.serveForever();
}
