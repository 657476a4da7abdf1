/**
 * The digest rules of Python's `multiprocessing.connection` handshake (3.12+, wire-compatible
 * with the HMAC-MD5-only form of 3.11 and earlier).
 *
 * A modern message is `{digest}payload`, longer than 20 bytes; a legacy challenge is exactly 20
 * random bytes and a legacy reply is a raw 16-byte HMAC-MD5. The MAC covers the whole challenge
 * message, `{digest}` prefix included, so a peer cannot downgrade a prefixed challenge.
 */
import { timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors.js';
import { hmac } from './hmac.js';

/** The digests a challenge may name (Python's `_ALLOWED_DIGESTS`). */
export type DigestName = 'md5' | 'sha256' | 'sha384' | 'sha3_256' | 'sha3_384';

const NAMES: readonly DigestName[] = ['sha256', 'md5', 'sha384', 'sha3_256', 'sha3_384'];
/** `{name}` as bytes, made once: every challenge and reply starts with one. */
const PREFIXES = new Map<DigestName, Buffer>(NAMES.map((name) => [name, Buffer.from(`{${name}}`, 'latin1')]));

/** A legacy challenge (Python <= 3.11): 20 random bytes, no prefix. */
export const MD5_ONLY_MESSAGE_LENGTH = 20;
const MD5_DIGEST_LENGTH = 16;

export function isDigestName(name: string): name is DigestName {
  return PREFIXES.has(name as DigestName);
}

/** `{name}` as bytes. */
export function digestPrefix(name: DigestName): Buffer {
  return PREFIXES.get(name) as Buffer;
}

/**
 * The digest a message names, or `''` for the legacy form. Compares bytes against the five known
 * prefixes (no string is made): this runs twice per handshake on each side.
 */
export function digestOf(message: Buffer): DigestName | '' {
  if (message.length === MD5_ONLY_MESSAGE_LENGTH || message.length === MD5_DIGEST_LENGTH) return '';
  if (message.length > 0 && message[0] === 0x7b /* { */) {
    for (const name of NAMES) {
      const prefix = PREFIXES.get(name) as Buffer;
      if (message.length >= prefix.length && message.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) return name;
    }
  }
  throw new AuthenticationError(
    `Unsupported message length (${message.length}), missing digest prefix, or unsupported digest`,
  );
}

/** `['', message]` for the legacy form, else the digest name and the bytes after the prefix. */
export function digestNameAndPayload(message: Buffer): [name: DigestName | '', payload: Buffer] {
  const name = digestOf(message);
  return name === '' ? ['', message] : [name, message.subarray((PREFIXES.get(name) as Buffer).length)];
}

export { hmac };

/**
 * The reply to a challenge `message` (the bytes after `#CHALLENGE#`): a raw HMAC-MD5 for a
 * legacy challenge, else `{digest}` + HMAC over the whole message.
 */
export function createResponse(key: Buffer, message: Buffer, strict: boolean): Buffer {
  const name = digestOf(message);
  if (name === '') {
    if (strict) throw new AuthenticationError('The peer offered a legacy HMAC-MD5 challenge; refused (strict)');
    return hmac('md5', key, message);
  }
  if (strict && name === 'md5') throw new AuthenticationError('The peer asked for HMAC-MD5; refused (strict)');
  return hmac(name, key, message, PREFIXES.get(name));
}

/** Checks the peer's reply to our challenge `message`; throws `AuthenticationError`. */
export function verifyResponse(key: Buffer, message: Buffer, response: Buffer, strict: boolean): void {
  const named = digestOf(response);
  const name = named || 'md5';
  if (strict && name === 'md5') throw new AuthenticationError('The peer replied with HMAC-MD5; refused (strict)');
  const mac = named === '' ? response : response.subarray((PREFIXES.get(named) as Buffer).length);
  const expected = hmac(name, key, message);
  if (expected.length !== mac.length) {
    throw new AuthenticationError(`Expected a ${name} digest of ${expected.length} bytes, got ${mac.length}`);
  }
  if (!timingSafeEqual(expected, mac)) throw new AuthenticationError('The digest received was wrong');
}
