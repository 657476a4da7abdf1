/**
 * Error classes the codec can rebuild by name. Process-wide (on `globalThis` under a
 * `Symbol.for` key) so two copies of @proc/core share it. JavaScript's built-in error classes
 * and every error class of @proc/core are registered from the start.
 */
import * as coreErrors from '../errors.js';

export interface ErrorEntry {
  prototype: object;
  /** For classes whose instances need their constructor (internal slots, as DOMException). */
  create?(message: string, name: string): Error;
}

const tableKey = Symbol.for('proc.codec.errors');
const g = globalThis as { [tableKey]?: Map<string, ErrorEntry> };
const table: Map<string, ErrorEntry> = g[tableKey] ?? new Map();
g[tableKey] = table;

/**
 * Registers an error class so errors of that class arrive as instances of it (rebuilt with
 * `Object.create(Class.prototype)`, without calling the constructor). Errors of unregistered
 * classes arrive as instances of their nearest registered ancestor (at least `Error`) with the
 * remote `name` and the remote class chain under `brandChain`.
 */
export function registerErrorClass(
  Class: abstract new (...args: never[]) => Error,
  options: { name?: string } = {},
): void {
  if (typeof Class !== 'function' || !(Class.prototype instanceof Error || Class === Error)) {
    throw new TypeError('registerErrorClass: expected a subclass of Error');
  }
  const name = options.name ?? Class.name;
  if (!name) throw new TypeError('registerErrorClass: the class has no name; pass options.name');
  table.set(name, { prototype: Class.prototype });
}

/** The class registered under `name`, if any. */
export function errorClassByName(name: string): ErrorEntry | undefined {
  return table.get(name);
}

for (const C of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
  if (!table.has(C.name)) registerErrorClass(C);
}
if (!table.has('AggregateError')) registerErrorClass(AggregateError);
if (!table.has('DOMException')) {
  // DOMException keeps name/message/code in internal slots: it must be constructed.
  table.set('DOMException', {
    prototype: DOMException.prototype,
    create: (message, name) => new DOMException(message, name),
  });
}
for (const value of Object.values(coreErrors)) {
  if (typeof value === 'function' && value.prototype instanceof Error) {
    registerErrorClass(value as unknown as new () => Error);
  }
}
