/**
 * Python's copyreg for proc: how instances of user classes travel. The table is process-wide
 * (on `globalThis` under a `Symbol.for` key) so every copy of @proc/core sees the same classes.
 */
import { registerErrorClass } from './error-registry.js';
import type { RebuildContext, ReduceContext } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: any class, whatever its constructor takes
export type AnyClass = abstract new (...args: any[]) => unknown;

export interface ClassOptions<T = unknown, S = unknown> {
  /**
   * The name the class travels under; both sides must register the class under the same id.
   * @default Class.name
   */
  id?: string;
  /**
   * Turns an instance into a state the codec can carry (which may hold reducible values).
   * @default a copy of the instance's own enumerable properties
   */
  reduce?(obj: T, ctx: ReduceContext): S;
  /**
   * Turns the state back into an instance.
   * @default `Object.create(Class.prototype)` with the state's properties assigned; the
   * constructor is not called (as with pickle)
   */
  rebuild?(state: S, ctx: RebuildContext): T;
}

export interface ClassEntry {
  id: string;
  prototype: object;
  reduce: ((obj: never, ctx: ReduceContext) => unknown) | undefined;
  rebuild: ((state: never, ctx: RebuildContext) => unknown) | undefined;
}

interface ClassTable {
  byId: Map<string, ClassEntry>;
  byPrototype: Map<object, ClassEntry>;
}

const tableKey = Symbol.for('proc.codec.classes');
const g = globalThis as { [tableKey]?: ClassTable };
const table: ClassTable = g[tableKey] ?? { byId: new Map(), byPrototype: new Map() };
g[tableKey] = table;

/**
 * Registers a class so its instances keep their class across the codec. Matching is by exact
 * class (as Python's `copyreg.dispatch_table`): an unregistered subclass travels as a plain
 * object. Registering an id again replaces the earlier class (a module evaluated twice, as
 * in test runners, registers a new class object under the same id). An Error subclass without
 * a custom reduce/rebuild is handed to `registerErrorClass` (its message and stack are not
 * own enumerable properties, so the default reduce would lose them).
 */
export function registerClass<T, S = unknown>(
  Class: AnyClass & { prototype: T },
  options: ClassOptions<T, S> = {},
): void {
  if (typeof Class !== 'function' || typeof Class.prototype !== 'object') {
    throw new TypeError('registerClass: expected a class');
  }
  const id = options.id ?? Class.name;
  if (typeof id !== 'string' || id === '') {
    throw new TypeError('registerClass: the class has no name; pass options.id');
  }
  if (Class.prototype instanceof Error && !options.reduce && !options.rebuild) {
    registerErrorClass(Class as unknown as new () => Error, { name: id });
    return;
  }
  const entry: ClassEntry = {
    id,
    prototype: Class.prototype as object,
    reduce: options.reduce as ClassEntry['reduce'],
    rebuild: options.rebuild as ClassEntry['rebuild'],
  };
  const previous = table.byId.get(id);
  if (previous) table.byPrototype.delete(previous.prototype);
  table.byId.set(id, entry);
  table.byPrototype.set(entry.prototype, entry);
}

/** The registration of exactly this prototype, if any. */
export function classByPrototype(prototype: object): ClassEntry | undefined {
  return table.byPrototype.get(prototype);
}

/** The registration under `id`, if any. */
export function classById(id: string): ClassEntry | undefined {
  return table.byId.get(id);
}
