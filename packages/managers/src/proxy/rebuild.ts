/**
 * Where a proxy token becomes a value again (the codec calls `rebuildProxy`). In the server
 * that owns the object, it is a reference to the object itself; anywhere else, a proxy connected
 * to the server (this process's shared connection to it), which claims the token's ticket.
 */
import { loadedModule, registerModule } from '@proc/core';
import { clientCodecContext } from '../client/codec-context.js';
import { clientFor, noteServerId } from '../client/pool.js';
import { ProtocolError } from '../errors.js';
import { codecContext } from '../server/codec-context.js';
import { rebuildModule } from '../server/module-urls.js';
import { addressKey, type Token } from '../wire/messages.js';
import { makeAutoProxy } from './auto-proxy.js';
import { proxyTypeFor } from './proxy-types.js';
import * as self from './rebuild.js';

export function rebuildProxy(state: unknown): unknown {
  const { t: token, k: ticket } = (state ?? {}) as { t?: Token; k?: string };
  if (!token || typeof token.oid !== 'number' || typeof token.typeid !== 'string' || typeof ticket !== 'string') {
    throw new ProtocolError('A malformed proxy token');
  }
  const server = codecContext.decoding;
  if (server !== null && server.id === token.sid) return server.refFromToken(token.oid, ticket);
  // A token decoded from a server's reply attaches to that connection (the address in a token
  // may be the server's own view of it, as 0.0.0.0).
  const here = clientCodecContext.decoding;
  const client =
    here !== null && !here.gone && (here.serverId === token.sid || addressKey(here.address) === addressKey(token.address))
      ? here
      : clientFor(token.address, token.sid);
  if (client.serverId === undefined && here === client) client.serverId = token.sid;
  noteServerId(client);
  client.claim(token.oid, ticket);
  const cls = proxyTypeFor(token.typeid);
  const init = { client, token };
  return cls ? new cls(init) : makeAutoProxy(init);
}

// Under its canonical URL, not `import.meta.url`: inside the server's bundle that is the
// bundle's, and the codec would import the plain module instead (a second copy, blind to the
// bundle's server). The first copy loaded wins: in a server, the one that serves.
if (loadedModule(rebuildModule) === undefined) registerModule(rebuildModule, self);
