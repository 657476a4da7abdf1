import { InvalidKeyError } from '../errors.js';

/** Dict keys are primitives: a key rebuilt from the wire never equals the caller's object. */
export type DictKey = string | number | bigint | boolean;

export function checkKey(key: unknown): DictKey {
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') return key as DictKey;
  throw new InvalidKeyError(
    `A shared dict key must be a string, number, bigint or boolean, got ${key === null ? 'null' : t}: an object key rebuilt in another process would never equal yours. Use a string id instead.`,
  );
}
