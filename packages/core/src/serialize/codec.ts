// TEMPORARY STUB: replaced by the real codec (msgpackr or v8, chosen by measurement).
import v8 from 'node:v8';
import { SerializationError } from '../errors.js';
import type { RebuildContext, ReduceContext } from './types.js';

export function serialize(value: unknown, _ctx?: ReduceContext): Buffer {
  try {
    return v8.serialize(value);
  } catch (cause) {
    throw new SerializationError(`Cannot serialize value: ${(cause as Error).message}`, { cause });
  }
}

export function deserialize(buf: Uint8Array, _ctx?: RebuildContext): unknown {
  return v8.deserialize(buf);
}

export async function deserializeAsync(buf: Uint8Array, ctx?: RebuildContext): Promise<unknown> {
  return deserialize(buf, ctx);
}
