/** The channels of this process: to its own host (started on first use) and to other hosts. */
import type { Channel } from './channel.js';
import { type LocalHost, startLocalHost } from './local-host.js';
import { SocketChannel } from './socket-channel.js';

interface Registry {
  host?: LocalHost;
  remote: Map<string, Channel>;
}

const key = Symbol.for('proc.primitives.registry');
const g = globalThis as { [key]?: Registry };
const registry: Registry = g[key] ?? { remote: new Map() };
g[key] = registry;

export function localHost(): LocalHost {
  registry.host ??= startLocalHost();
  return registry.host;
}

export function channelFor(address: string, hostPid: number): Channel {
  if (registry.host && registry.host.address === address) return registry.host.channel;
  let ch = registry.remote.get(address);
  if (!ch) {
    ch = new SocketChannel(address, hostPid);
    registry.remote.set(address, ch);
  }
  return ch;
}
