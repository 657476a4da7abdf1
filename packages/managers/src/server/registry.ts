/**
 * What a server knows about the types it can create: SyncManager's built-ins and the types
 * registered with `BaseManager.register`. A registration made in the parent travels to a
 * spawned server as plain data: the factory is found there by module URL and export name, as a
 * Process target is.
 */
import { findExport } from '@proc/core';
import { builtinTypes } from '../types/builtins.js';

/** A function or a class (constructed with `new`). */
// biome-ignore lint/suspicious/noExplicitAny: a factory takes any arguments
export type Factory = ((...args: any[]) => unknown) | (new (...args: any[]) => unknown);

export type FactoryRef = import('@proc/core').TargetRef;

/** A registration as it travels to the server. */
export interface TypeSpec {
  typeid: string;
  /** Where the factory is exported; absent for a type made only by `methodToTypeid`. */
  ref?: FactoryRef;
  /** The factory itself (a server in this process). */
  factory?: Factory | null;
  exposed?: string[];
  methodToTypeid?: Record<string, string>;
}

export interface ResolvedType {
  typeid: string;
  /** null: the type wraps a method's result (methodToTypeid) and has no factory. */
  make: ((args: unknown[]) => object) | null;
  exposed?: readonly string[];
  internal?: readonly string[];
  methodToTypeid?: Record<string, string>;
}

const isClass = (f: Factory) => /^class[\s{]/.test(Function.prototype.toString.call(f));

function maker(f: Factory): (args: unknown[]) => object {
  if (isClass(f)) return (args) => new (f as unknown as new (...a: unknown[]) => object)(...args);
  return (args) => (f as (...a: unknown[]) => unknown)(...args) as object;
}

export class TypeRegistry {
  readonly #specs = new Map<string, TypeSpec>();
  readonly #resolved = new Map<string, ResolvedType>();
  readonly #builtins: boolean;

  constructor(specs: readonly TypeSpec[], builtins: boolean) {
    for (const s of specs) this.#specs.set(s.typeid, s);
    this.#builtins = builtins;
  }

  has(typeid: string): boolean {
    return this.#specs.has(typeid) || (this.#builtins && Object.hasOwn(builtinTypes, typeid));
  }

  /** The resolved type, or a promise of it the first time (a module import). */
  resolve(typeid: string): ResolvedType | Promise<ResolvedType> | undefined {
    const hit = this.#resolved.get(typeid);
    if (hit) return hit;
    const spec = this.#specs.get(typeid);
    if (spec) {
      if (spec.factory !== undefined || !spec.ref) {
        const r: ResolvedType = {
          typeid,
          make: spec.factory ? maker(spec.factory) : null,
          exposed: spec.exposed,
          methodToTypeid: spec.methodToTypeid,
        };
        this.#resolved.set(typeid, r);
        return r;
      }
      const ref = spec.ref;
      return (async () => {
        const ns = await import(ref.module);
        const f = findExport(ns as Record<string, unknown>, ref) as Factory;
        const r: ResolvedType = { typeid, make: maker(f), exposed: spec.exposed, methodToTypeid: spec.methodToTypeid };
        this.#resolved.set(typeid, r);
        return r;
      })();
    }
    if (this.#builtins && Object.hasOwn(builtinTypes, typeid)) {
      const b = builtinTypes[typeid];
      return b.load().then((make) => {
        const r: ResolvedType = {
          typeid,
          make: (args) => (make as (...a: unknown[]) => object)(...args),
          exposed: b.exposed,
          internal: b.internal,
        };
        this.#resolved.set(typeid, r);
        return r;
      });
    }
    return undefined;
  }
}

/** An object's public methods (Python's `public_methods`): not `_`-prefixed, not the constructor. */
export function publicMethods(obj: object): string[] {
  const out = new Set<string>();
  for (let p: object | null = obj; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) {
      if (k === 'constructor' || k.startsWith('_') || k.startsWith('$')) continue;
      const d = Object.getOwnPropertyDescriptor(p, k);
      if (d && typeof d.value === 'function') out.add(k);
    }
  }
  return [...out];
}
