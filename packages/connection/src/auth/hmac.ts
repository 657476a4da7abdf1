/**
 * HMAC (RFC 2104) for the handshake, made of two one-shot hashes where Node has `crypto.hash`
 * (20.12+): `createHmac` builds a stream object and looks the digest up by name in OpenSSL on
 * every call, which costs more than the hashing itself for a 40-byte challenge. A handshake
 * computes four MACs and runs long before the JIT has optimised anything, so this is most of
 * what the handshake spends besides the socket. Older Node falls back to `createHmac`.
 */
import crypto from 'node:crypto';
import type { DigestName } from './digest.js';

interface Algorithm {
  /** The name OpenSSL knows the digest by. */
  openssl: string;
  /** The digest's block size in bytes (the HMAC pad length). */
  block: number;
}

const ALGORITHMS: Record<DigestName, Algorithm> = {
  md5: { openssl: 'md5', block: 64 },
  sha256: { openssl: 'sha256', block: 64 },
  sha384: { openssl: 'sha384', block: 128 },
  sha3_256: { openssl: 'sha3-256', block: 136 },
  sha3_384: { openssl: 'sha3-384', block: 104 },
};

type OneShot = (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer;
/** `crypto.hash`, if this Node has it and it returns Buffers (checked once, at load). */
const oneShot = ((): OneShot | undefined => {
  const hash = (crypto as unknown as { hash?: OneShot }).hash;
  try {
    return typeof hash === 'function' && Buffer.isBuffer(hash('md5', Buffer.alloc(0), 'buffer')) ? hash : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * The padded keys of the last key seen per digest: a Listener or Client uses one key for all.
 * (A copy of that key stays here, as it stays in the Listener and in `currentProcess()`.)
 */
interface Pads {
  key: Buffer;
  /** `key XOR ipad`, with room after it for the message. */
  inner: Buffer;
  /** `key XOR opad`, with room after it for the inner digest. */
  outer: Buffer;
}
const cache = new Map<DigestName, Pads>();

function pads(name: DigestName, key: Buffer, messageLength: number, hash: OneShot): Pads {
  const hit = cache.get(name);
  if (hit?.key.equals(key) && hit.inner.length >= ALGORITHMS[name].block + messageLength) return hit;
  const { openssl, block } = ALGORITHMS[name];
  const k = key.length > block ? hash(openssl, key, 'buffer') : key;
  // Room for a message of up to 256 bytes (a handshake frame's limit) without reallocating.
  const inner = Buffer.alloc(block + Math.max(messageLength, 256));
  const outer = Buffer.alloc(block + 64);
  for (let i = 0; i < block; i++) {
    const b = i < k.length ? k[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  const entry = { key: Buffer.from(key), inner, outer };
  cache.set(name, entry);
  return entry;
}

/**
 * HMAC of `message` under `key` with digest `name`; with `prefix`, the result is `prefix` + MAC
 * in one buffer (a reply `{digest}mac`).
 */
export function hmac(name: DigestName, key: Buffer, message: Buffer, prefix?: Buffer): Buffer {
  let mac: Buffer;
  if (oneShot === undefined) {
    mac = crypto.createHmac(ALGORITHMS[name].openssl, key).update(message).digest();
  } else {
    const { openssl, block } = ALGORITHMS[name];
    const { inner, outer } = pads(name, key, message.length, oneShot);
    message.copy(inner, block);
    const innerDigest = oneShot(openssl, inner.subarray(0, block + message.length), 'buffer');
    innerDigest.copy(outer, block);
    mac = oneShot(openssl, outer.subarray(0, block + innerDigest.length), 'buffer');
  }
  if (prefix === undefined) return mac;
  const out = Buffer.allocUnsafe(prefix.length + mac.length);
  prefix.copy(out, 0);
  mac.copy(out, prefix.length);
  return out;
}
