/**
 * The transport the manager uses. `@proc/connection` by default; `PROC_MANAGER_TRANSPORT=net`
 * selects the built-in socket transport (same wire format: Python's framing and handshake).
 */
import * as viaConnection from './connection-channel.js';
import * as viaNet from './net-channel.js';

const impl = process.env.PROC_MANAGER_TRANSPORT === 'net' ? viaNet : viaConnection;

export const listen = impl.listen;
export const connect = impl.connect;
