/**
 * The digest rules of Python's `multiprocessing.connection` handshake (3.12+, wire-compatible
 * with the HMAC-MD5-only form of 3.11 and earlier).
 *
 * A modern message is `{digest}payload`, longer than 20 bytes; a legacy challenge is exactly 20
 * random bytes and a legacy reply is a raw 16-byte HMAC-MD5. The MAC covers the whole challenge
 * message, `{digest}` prefix included, so a peer cannot downgrade a prefixed challenge.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors.js';

/** Digest names Python allows, and the name OpenSSL knows each by. */
const ALLOWED = new Map<string, string>([
  ['md5', 'md5'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
]);

/** The digests a challenge may name (Python's `_ALLOWED_DIGESTS`). */
export type DigestName = 'md5' | 'sha256' | 'sha384' | 'sha3_256' | 'sha3_384';

const MAX_DIGEST_NAME = 8;
/** A legacy challenge (Python <= 3.11): 20 random bytes, no prefix. */
export const MD5_ONLY_MESSAGE_LENGTH = 20;
const MD5_DIGEST_LENGTH = 16;

export function isDigestName(name: string): name is DigestName {
  return ALLOWED.has(name);
}

/** `['', message]` for the legacy form, else the digest name and the bytes after the prefix. */
export function digestNameAndPayload(message: Buffer): [name: DigestName | '', payload: Buffer] {
  if (message.length === MD5_ONLY_MESSAGE_LENGTH || message.length === MD5_DIGEST_LENGTH) return ['', message];
  if (message.length > 0 && message[0] === 0x7b /* { */) {
    const curly = message.indexOf(0x7d /* } */, 1);
    if (curly > 0 && curly <= MAX_DIGEST_NAME + 1) {
      const name = message.toString('latin1', 1, curly);
      if (ALLOWED.has(name)) return [name as DigestName, message.subarray(curly + 1)];
    }
  }
  throw new AuthenticationError(
    `Unsupported message length (${message.length}), missing digest prefix, or unsupported digest`,
  );
}

export function hmac(name: DigestName, key: Buffer, message: Buffer): Buffer {
  return createHmac(ALLOWED.get(name) as string, key).update(message).digest();
}

/**
 * The reply to a challenge `message` (the bytes after `#CHALLENGE#`): a raw HMAC-MD5 for a
 * legacy challenge, else `{digest}` + HMAC over the whole message.
 */
export function createResponse(key: Buffer, message: Buffer, strict: boolean): Buffer {
  const [name] = digestNameAndPayload(message);
  if (name === '') {
    if (strict) throw new AuthenticationError('The peer offered a legacy HMAC-MD5 challenge; refused (strict)');
    return hmac('md5', key, message);
  }
  if (strict && name === 'md5') throw new AuthenticationError('The peer asked for HMAC-MD5; refused (strict)');
  return Buffer.concat([Buffer.from(`{${name}}`, 'latin1'), hmac(name, key, message)]);
}

/** Checks the peer's reply to our challenge `message`; throws `AuthenticationError`. */
export function verifyResponse(key: Buffer, message: Buffer, response: Buffer, strict: boolean): void {
  const [named, mac] = digestNameAndPayload(response);
  const name = named || 'md5';
  if (strict && name === 'md5') throw new AuthenticationError('The peer replied with HMAC-MD5; refused (strict)');
  const expected = hmac(name, key, message);
  if (expected.length !== mac.length) {
    throw new AuthenticationError(`Expected a ${name} digest of ${expected.length} bytes, got ${mac.length}`);
  }
  if (!timingSafeEqual(expected, mac)) throw new AuthenticationError('The digest received was wrong');
}
