/**
 * `BaseManager.register`: the types a manager class serves, inherited by subclasses (a
 * registration on a subclass does not leak to its parent, as Python copies `_registry`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateTarget } from '@proc/core';
import type { ProxyClass } from '../proxy/proxy-types.js';
import type { Factory, TypeSpec } from '../server/registry.js';

export interface RegisterOptions {
  /** Methods a proxy may call. @default the object's public methods (names not starting with `_`) */
  exposed?: string[];
  /** Method name -> typeid: that method's result is shared as an object of that type and returned as a proxy. */
  methodToTypeid?: Record<string, string>;
  /** The proxy class (a subclass of `BaseProxy`). @default an AutoProxy of `exposed` */
  proxyType?: ProxyClass;
  /** Add a `manager[typeid](...args)` method. @default true */
  createMethod?: boolean;
  /** The module exporting `factory` when it is not the module calling `register` (`import.meta.url`). */
  module?: string | URL;
  /** The export name of `factory` when it differs from its name. */
  exportName?: string;
}

export interface Registration {
  spec: TypeSpec;
  factory: Factory | null;
  proxyType?: ProxyClass;
  /** Why a spawned server could not find the factory (an anonymous or unexported function). */
  locateError?: Error;
}

const managersDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const registries = new WeakMap<object, Map<string, Registration>>();

export function addRegistration(cls: object, typeid: string, factory: Factory | null | undefined, options: RegisterOptions): Registration {
  let own = registries.get(cls);
  if (!own) {
    own = new Map();
    registries.set(cls, own);
  }
  const spec: TypeSpec = { typeid, exposed: options.exposed, methodToTypeid: options.methodToTypeid };
  let locateError: Error | undefined;
  if (factory) {
    // Located now, so a spawned server can import it (found by module and export name, as a
    // Process target is). A server in this process (`getServer()`) uses the function itself.
    try {
      spec.ref = locateTarget(factory as never, {
        module: options.module,
        exportName: options.exportName,
        kind: 'function',
        skipDirs: [managersDir],
      });
      // The factory is found by its export name in the module that registered it; its source
      // text may differ between loaders (a test runner's transform, tsx), so it is not compared.
      spec.ref.explicitModule = true;
    } catch (err) {
      locateError = err as Error;
    }
  }
  const reg: Registration = { spec, factory: factory ?? null, proxyType: options.proxyType, locateError };
  own.set(typeid, reg);
  return reg;
}

/** Every registration visible from `cls` (its own over its ancestors'). */
export function registrationsOf(cls: object): Map<string, Registration> {
  const chain: object[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const out = new Map<string, Registration>();
  for (const c of chain) for (const [k, v] of registries.get(c) ?? []) out.set(k, v);
  return out;
}
