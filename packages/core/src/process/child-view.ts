import type { ParentMessage } from './channel.js';

/**
 * In the child, the Process object a target sees through `this`-less APIs, and the instance a
 * subclass's `run()` runs on. Python unpickles the Process object without calling `__init__`;
 * we do the same: a constructor call could need arguments we do not have.
 */
type Boot = Extract<ParentMessage, { type: 'boot' }>;

const selfKey = Symbol.for('proc.child.self');

export interface ChildSelf {
  name: string;
  args: unknown[];
  daemon: boolean;
}

export function setChildSelf(boot: Boot, args: unknown[]): ChildSelf {
  const self = { name: boot.name, args, daemon: boot.daemon };
  (globalThis as { [selfKey]?: ChildSelf })[selfKey] = self;
  return self;
}

export function makeChildView(
  Cls: abstract new (...a: never[]) => object,
  boot: Boot,
  args: unknown[],
  own: Record<string, unknown>,
): object {
  setChildSelf(boot, args);
  const instance = Object.create(Cls.prototype) as Record<PropertyKey, unknown>;
  const init = Symbol.for('proc.process.childInit');
  const initFn = instance[init];
  if (typeof initFn === 'function') initFn.call(instance, { name: boot.name, daemon: boot.daemon, args });
  Object.assign(instance, own);
  return instance;
}
