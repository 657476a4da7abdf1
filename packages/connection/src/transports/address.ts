/**
 * Addresses as Python's `multiprocessing.connection` spells them: a string is a Unix socket path
 * (a leading NUL for a Linux abstract socket) or, starting with `\\`, a Windows pipe name;
 * `[host, port]` is TCP (IPv4 or IPv6).
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Address = string | readonly [host: string, port: number];

/** Python's family names (`AF_INET6` is ours: Python's `AF_INET` is IPv4 only). */
export type Family = 'AF_INET' | 'AF_INET6' | 'AF_UNIX' | 'AF_PIPE';

export function addressType(address: Address): Family {
  if (Array.isArray(address)) {
    const [host, port] = address;
    if (address.length !== 2 || typeof host !== 'string' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError('A TCP address is [host: string, port: integer 0-65535]');
    }
    return isIP(host) === 6 ? 'AF_INET6' : 'AF_INET';
  }
  if (typeof address === 'string') {
    if (address.length === 0) throw new TypeError('An empty string is not an address');
    return address.startsWith('\\\\') ? 'AF_PIPE' : 'AF_UNIX';
  }
  throw new TypeError(`Unrecognized address type: ${typeof address}`);
}

export function checkFamily(family: unknown): Family | undefined {
  if (family === undefined || family === null) return undefined;
  if (family === 'AF_INET' || family === 'AF_INET6' || family === 'AF_UNIX' || family === 'AF_PIPE') {
    if (family === 'AF_PIPE' && process.platform !== 'win32') throw new TypeError('AF_PIPE exists only on Windows');
    if (family === 'AF_UNIX' && process.platform === 'win32') throw new TypeError('AF_UNIX is not supported on Windows here');
    return family;
  }
  throw new TypeError(`Unknown family ${String(family)}`);
}

export function defaultFamily(): Family {
  return process.platform === 'win32' ? 'AF_PIPE' : 'AF_UNIX';
}

export function isAbstract(path: string): boolean {
  return path.startsWith('\0');
}

/** A fresh address of `family`, with a cleanup to run when the listener closes. */
export function arbitraryAddress(family: Family): { address: Address; cleanup: () => void } {
  switch (family) {
    case 'AF_INET':
      return { address: ['127.0.0.1', 0], cleanup: () => {} };
    case 'AF_INET6':
      return { address: ['::1', 0], cleanup: () => {} };
    case 'AF_PIPE':
      return { address: `\\\\.\\pipe\\proc-${process.pid}-${randomBytes(6).toString('hex')}`, cleanup: () => {} };
    case 'AF_UNIX': {
      // A private folder (mkdtemp makes it 0700): nobody else can connect, or squat the name.
      const dir = mkdtempSync(join(tmpdir(), 'proc-'));
      return {
        address: join(dir, 'listener.sock'),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    }
  }
}

/** True for a TCP host only reachable from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
}
