import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DigestName } from './digest.js';
import { hmac } from './hmac.js';

const OPENSSL: Record<DigestName, string> = {
  md5: 'md5',
  sha256: 'sha256',
  sha384: 'sha384',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
};

describe('hmac', () => {
  for (const [name, openssl] of Object.entries(OPENSSL) as [DigestName, string][]) {
    it(`equals createHmac for ${name}, for keys shorter than, as long as and longer than a block`, () => {
      for (const keyLength of [0, 1, 9, 64, 65, 104, 128, 136, 137, 300]) {
        const key = randomBytes(keyLength);
        for (const messageLength of [0, 20, 48, 245, 400]) {
          const message = randomBytes(messageLength);
          const expected = createHmac(openssl, key).update(message).digest();
          expect(hmac(name, key, message).equals(expected)).toBe(true);
          // twice: the second call takes the cached pads
          expect(hmac(name, key, message).equals(expected)).toBe(true);
        }
      }
    });
  }

  it('puts the prefix before the MAC, in one buffer', () => {
    const key = Buffer.from('k');
    const message = randomBytes(48);
    const out = hmac('sha256', key, message, Buffer.from('{sha256}'));
    expect(out.subarray(0, 8).toString()).toBe('{sha256}');
    expect(out.subarray(8).equals(createHmac('sha256', key).update(message).digest())).toBe(true);
  });

  it('follows a key that changes in place between calls', () => {
    const key = Buffer.from('first key');
    const message = randomBytes(40);
    hmac('sha256', key, message);
    key.write('other');
    expect(hmac('sha256', key, message).equals(createHmac('sha256', key).update(message).digest())).toBe(true);
  });
});
