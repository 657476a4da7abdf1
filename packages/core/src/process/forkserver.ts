import { debug } from '../debug.js';
import { type LaunchConfig, Launched } from './launch.js';

/**
 * The 'forkserver' start method, Node's way: Node cannot fork, so interpreters are started
 * ahead of need ("spares") and wait, booted as far as they can be, for a target. A spare that
 * learned the module of the last target imports it while idle, so the next start of the same
 * target pays neither the interpreter start nor the import. Spares never keep the parent alive
 * and ignore Ctrl-C until they run a target.
 */
interface Spare {
  launched: Launched;
  key: string;
}

const key = Symbol.for('proc.forkserver');

interface SparePool {
  spares: Map<string, Spare[]>;
  preload: Map<string, string>;
  size: number;
}

function pool(): SparePool {
  const g = globalThis as { [key]?: SparePool };
  g[key] ??= { spares: new Map(), preload: new Map(), size: 1 };
  return g[key];
}

export function configKey(config: Omit<LaunchConfig, 'handles' | 'spare'>): string | undefined {
  // A spare is started with the parent's own env and cwd; a process asking for others gets a
  // fresh interpreter.
  if (config.env !== undefined || config.cwd !== undefined) return undefined;
  return JSON.stringify([config.execPath, config.execArgv, config.stdout, config.stderr]);
}

/** Python's forkserver start: make sure spares are on their way for this configuration. */
export function warm(config: Omit<LaunchConfig, 'handles' | 'spare' | 'ipc'>): void {
  const k = configKey({ ...config, ipc: true });
  if (!k) return;
  const p = pool();
  const list = p.spares.get(k) ?? [];
  p.spares.set(k, list);
  while (list.length < p.size) list.push(startSpare(config, k));
}

function startSpare(config: Omit<LaunchConfig, 'handles' | 'spare' | 'ipc'>, k: string): Spare {
  const launched = new Launched({ ...config, handles: [], ipc: true, spare: true });
  launched.unref();
  const spare: Spare = { launched, key: k };
  const module = pool().preload.get(k);
  if (module) launched.channel.send({ type: 'preload', module });
  void launched.exited.then(() => {
    const list = pool().spares.get(k);
    const i = list?.indexOf(spare) ?? -1;
    if (list && i !== -1) list.splice(i, 1);
  });
  debug('forkserver: spare %d started', launched.child.pid);
  return spare;
}

/** Takes a spare for this configuration (and starts its replacement), or undefined. */
export function take(config: Omit<LaunchConfig, 'handles' | 'spare' | 'ipc'>, targetModule: string): Launched | undefined {
  const k = configKey({ ...config, ipc: true });
  if (!k) return undefined;
  const p = pool();
  p.preload.set(k, targetModule);
  const list = p.spares.get(k) ?? [];
  p.spares.set(k, list);
  let spare: Spare | undefined;
  while (list.length > 0 && !spare) {
    const s = list.shift() as Spare;
    if (s.launched.child.exitCode === null && s.launched.child.signalCode === null) spare = s;
  }
  if (!spare) {
    warm(config);
    return undefined;
  }
  // Start the replacement once this start is done: spawning blocks this thread for a moment
  // (fork/exec), which should not sit between the boot message and the child's answer.
  let replenished = false;
  const replenish = () => {
    if (replenished) return;
    replenished = true;
    warm(config);
  };
  const off = spare.launched.onMessage(({ message }) => {
    if (message.type === 'started' || message.type === 'bootError') {
      off();
      setImmediate(replenish);
    }
  });
  void spare.launched.exited.then(replenish);
  spare.launched.ref();
  return spare.launched;
}

/**
 * How many spares to keep ready per configuration (default 1). Lowering it stops idle spares
 * beyond the new count (0 stops them all, e.g. before a test checks nothing is left running).
 */
export function setForkserverSpares(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`spares must be an integer >= 0, got ${n}`);
  const p = pool();
  p.size = n;
  for (const list of p.spares.values()) {
    while (list.length > n) (list.pop() as Spare).launched.child.kill('SIGTERM');
  }
}
