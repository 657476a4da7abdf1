/**
 * The handshake on a host socket, both ways (each side proves it holds the authkey):
 *   host   -> client: 32 random bytes (challenge)
 *   client -> host:   HMAC-SHA256(key, 'proc.primitives.client' + challenge), 32 random bytes
 *   host   -> client: HMAC-SHA256(key, 'proc.primitives.host' + client's bytes),
 *                     then a lane offer: u16 length (0: no lane), then 16 random bytes (the
 *                     lane's nonce), u16 length and the path of a FIFO for the client's
 *                     frames, then the path of a shared-memory ring (may be empty)
 *   client -> host:   after an offer, one status byte: 1 if it opened the FIFO and wrote the
 *                     nonce and a mode byte into it (its frames come that way from now on:
 *                     mode 1 in the FIFO itself, mode 2 in the ring), 0 if not
 * A wrong proof closes the socket. Digests are compared in constant time. Lanes: host/fifo-lanes.ts,
 * lane-ring.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CHALLENGE = 32;
export const PROOF = 32;
/** Bytes of a FIFO lane's nonce, the first thing its client writes into it. */
export const LANE_NONCE = 16;

export function proof(key: Uint8Array, role: 'client' | 'host', challenge: Uint8Array): Buffer {
  return createHmac('sha256', key).update(`proc.primitives.${role}`).update(challenge).digest();
}

export function verify(key: Uint8Array, role: 'client' | 'host', challenge: Uint8Array, got: Uint8Array): boolean {
  const want = proof(key, role, challenge);
  return got.length === want.length && timingSafeEqual(want, got);
}
