import v8 from 'node:v8';
import { SerializationError } from '../errors.js';
import type { Codec } from './types.js';

/**
 * A codec on `v8.serialize` (structured clone), for comparison or interop. Several times
 * slower than the default on small values; errors lose their class and `code`; no reducers
 * or registered classes.
 */
export const v8Codec: Codec = {
  name: 'v8',
  encode(value) {
    try {
      return v8.serialize(value);
    } catch (cause) {
      throw new SerializationError(`Cannot serialize value: ${(cause as Error).message}`, { cause });
    }
  },
  decode(buf) {
    try {
      return v8.deserialize(buf);
    } catch (cause) {
      throw new SerializationError(`Cannot deserialize: ${(cause as Error).message}`, { cause });
    }
  },
};
