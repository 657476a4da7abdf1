/**
 * The transport the manager uses. `@proc/connection` by default; `PROC_MANAGER_TRANSPORT=net`
 * selects the built-in socket transport (same wire format: Python's framing and handshake).
 *
 * `@proc/connection` (twenty modules, with node:tls) loads on first use: a server started by
 * `BaseManager.start()` binds with node:net and never needs it, and loading it would be most of
 * what its first client waits for.
 */
import type { Address } from '../wire/messages.js';
import * as viaNet from './net-channel.js';
import type { Channel, ChannelListener, TransportOptions } from './transport.js';

const useNet = process.env.PROC_MANAGER_TRANSPORT === 'net';
let viaConnection: Promise<typeof import('./connection-channel.js')> | undefined;
const connectionChannel = () => {
  viaConnection ??= import('./connection-channel.js');
  return viaConnection;
};

export function listen(address: Address | undefined, options: TransportOptions): Promise<ChannelListener> {
  if (useNet) return viaNet.listen(address, options);
  return connectionChannel().then((m) => m.listen(address, options));
}

export function connect(address: Address, options: TransportOptions): Promise<Channel> {
  if (useNet) return viaNet.connect(address, options);
  return connectionChannel().then((m) => m.connect(address, options));
}
