/**
 * How errors travel. `v8.serialize` turns every subclass into a plain Error and drops `code`;
 * a remote failure is only useful with its class, code, cause and stack, so we keep them all.
 *
 * Layout after the ERROR tag:
 *   flags u8 (FLAG_*), varint n, n class names (most derived first, down to the built-in base),
 *   name, message, [stack], [cause value], [errors value], u32 m, m (key, value) pairs
 * where the pairs are the error's own enumerable properties (`code`, `errno`, `syscall`, ...).
 */
import { brandChain } from '../errors.js';
import type { Decoder } from './decoder.js';
import type { Encoder } from './encoder.js';
import { errorClassByName } from './error-registry.js';
import * as T from './tags.js';

const FLAG_STACK = 1;
const FLAG_CAUSE = 2;
const FLAG_ERRORS = 4;
/** The error carries ProcError's cross-copy brand. */
const FLAG_BRANDED = 8;

/** ProcError's brand (see errors.ts): its value is the class name the error was created as. */
const brand = Symbol.for('proc.error');

export function encodeError(enc: Encoder, err: Error): void {
  const chain = classChain(err);
  const stack = err.stack;
  let flags = 0;
  if (typeof stack === 'string') flags |= FLAG_STACK;
  if (Object.hasOwn(err, 'cause')) flags |= FLAG_CAUSE;
  if (Object.hasOwn(err, 'errors')) flags |= FLAG_ERRORS;
  if (brand in err) flags |= FLAG_BRANDED;
  enc.byte(T.ERROR);
  enc.byte(flags);
  enc.varint(chain.length);
  for (const name of chain) enc.string(name);
  enc.string(String(err.name));
  enc.string(String(err.message));
  if (flags & FLAG_STACK) enc.string(stack as string);
  if (flags & FLAG_CAUSE) enc.value(err.cause);
  if (flags & FLAG_ERRORS) enc.value((err as AggregateError).errors);
  enc.props(err, 0, T.OBJECT);
}

/** Called after the ERROR tag was read. `slot` is the error's back-reference index. */
export function decodeError(dec: Decoder): Error {
  const flags = dec.byte();
  const n = dec.varint();
  const chain: string[] = [];
  for (let i = 0; i < n; i++) chain.push(dec.string());
  const name = dec.string();
  const message = dec.string();
  const stack = flags & FLAG_STACK ? dec.string() : undefined;

  // The most derived class registered here; anything less than the exact class also gets the
  // remote chain, so brand-based `instanceof` (ProcError's) still answers as it did remotely.
  let entry = errorClassByName('Error');
  let exact = false;
  for (let i = 0; i < chain.length; i++) {
    const found = errorClassByName(chain[i]);
    if (found !== undefined) {
      entry = found;
      exact = i === 0;
      break;
    }
  }
  let err: Error;
  if (entry?.create) {
    err = entry.create(message, name);
  } else {
    err = Object.create(entry?.prototype ?? Error.prototype) as Error;
    hide(err, 'message', message);
  }
  if (stack !== undefined) hide(err, 'stack', stack);
  if (err.name !== name) hide(err, 'name', name);
  if (!exact) hide(err, brandChain, chain);
  if (flags & FLAG_BRANDED && chain.length > 0) hide(err, brand, chain[0]);
  dec.track(err);
  if (flags & FLAG_CAUSE) hide(err, 'cause', dec.value());
  if (flags & FLAG_ERRORS) hide(err, 'errors', dec.value());
  const m = dec.propCount();
  for (let i = 0; i < m; i++) {
    const key = dec.string();
    // defineProperty, not assignment: the prototype may have a getter-only `name` (ProcError).
    Object.defineProperty(err, key, { value: dec.value(), writable: true, enumerable: true, configurable: true });
  }
  return err;
}

/** Class names from the error's own class down to its built-in base (`Error`, `TypeError`). */
function classChain(err: Error): string[] {
  // An error rebuilt without its class already knows its remote chain: forward that.
  const remote = (err as { [brandChain]?: unknown })[brandChain];
  if (Array.isArray(remote) && remote.every((x) => typeof x === 'string')) return remote;
  const chain: string[] = [];
  let proto: object | null = Object.getPrototypeOf(err);
  while (proto !== null && proto !== Object.prototype) {
    if (Object.hasOwn(proto, 'constructor')) {
      const name = (proto as { constructor: { name?: unknown } }).constructor.name;
      if (typeof name === 'string' && name !== '') chain.push(name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

function hide(obj: object, key: string | symbol, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: false, configurable: true });
}
