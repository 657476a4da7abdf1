/**
 * The handshake on a host socket, both ways (each side proves it holds the authkey):
 *   host   -> client: 32 random bytes (challenge)
 *   client -> host:   HMAC-SHA256(key, 'proc.primitives.client' + challenge), 32 random bytes
 *   host   -> client: HMAC-SHA256(key, 'proc.primitives.host' + client's bytes)
 * A wrong proof closes the socket. Digests are compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CHALLENGE = 32;
export const PROOF = 32;

export function proof(key: Uint8Array, role: 'client' | 'host', challenge: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`proc.primitives.${role}`).update(challenge).digest();
}

export function verify(key: Uint8Array, role: 'client' | 'host', challenge: Uint8Array, got: Uint8Array): boolean {
  const want = proof(key, role, challenge);
  return got.length === want.length && timingSafeEqual(want, got);
}
