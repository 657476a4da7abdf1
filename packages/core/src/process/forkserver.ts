import { debug } from '../debug.js';
import { type LaunchConfig, Launched } from './launch.js';

/**
 * The 'forkserver' start method, Node's way: Node cannot fork, so interpreters are started
 * ahead of need ("spares") and wait, booted as far as they can be, for a target. A spare that
 * learned the module of the last target imports it while idle, so the next start of the same
 * target pays neither the interpreter start nor the import. Spares never keep the parent alive
 * and ignore Ctrl-C until they run a target.
 *
 * When a spare is taken, its replacement is started once the taken child has ended, or has run
 * for REPLENISH_AFTER_MS: starting an interpreter blocks this thread (fork/exec; milliseconds on
 * a quiet machine, far more on a busy one) and the new interpreter's boot competes for the CPU,
 * so doing it while a short target runs would delay that child's exit, and its join, by as much.
 */
interface Spare {
  launched: Launched;
  key: string;
  /** Settles when the spare reported ready (codec and preloaded module imported) or ended. */
  ready: Promise<void>;
}

type SpareConfig = Omit<LaunchConfig, 'handles' | 'spare' | 'ipc'>;

const key = Symbol.for('proc.forkserver');

/** A taken spare still running a target after this long gets its replacement started anyway. */
const REPLENISH_AFTER_MS = 100;

interface SparePool {
  spares: Map<string, Spare[]>;
  preload: Map<string, string>;
  /** Configurations whose spares are to be started on the next turn of the event loop. */
  pending: Map<string, SpareConfig>;
  size: number;
}

function pool(): SparePool {
  const g = globalThis as { [key]?: SparePool };
  g[key] ??= { spares: new Map(), preload: new Map(), pending: new Map(), size: 1 };
  g[key].pending ??= new Map();
  return g[key];
}

export function configKey(config: Omit<LaunchConfig, 'handles' | 'spare'>): string | undefined {
  // A spare is started with the parent's own env and cwd; a process asking for others gets a
  // fresh interpreter.
  if (config.env !== undefined || config.cwd !== undefined) return undefined;
  return JSON.stringify([config.execPath, config.execArgv, config.stdout, config.stderr]);
}

/** Python's forkserver start: make sure spares are on their way for this configuration. */
export function warm(config: SpareConfig): void {
  const k = configKey({ ...config, ipc: true });
  if (!k) return;
  const p = pool();
  p.pending.delete(k);
  const list = p.spares.get(k) ?? [];
  p.spares.set(k, list);
  while (list.length < p.size) list.push(startSpare(config, k));
}

/**
 * warm() on the next turn of the event loop, after the code awaiting the current start or
 * join has run. It must not keep the parent alive: a program that has ended needs no spare.
 */
function warmSoon(config: SpareConfig, k: string): void {
  const p = pool();
  if (p.pending.has(k)) return;
  p.pending.set(k, config);
  setImmediate(() => {
    if (p.pending.get(k) === config) warm(config);
  }).unref();
}

function startSpare(config: SpareConfig, k: string): Spare {
  const launched = new Launched({ ...config, handles: [], ipc: true, spare: true });
  launched.unref();
  const ready = new Promise<void>((resolve) => {
    const off = launched.onMessage(({ message }) => {
      if (message.type !== 'ready') return;
      off();
      resolve();
    });
    void launched.exited.then(() => {
      off();
      resolve();
    });
  });
  const spare: Spare = { launched, key: k, ready };
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

/** Takes a spare for this configuration (its replacement follows, see above); undefined with no spares allowed. */
export function take(config: SpareConfig, targetModule: string): Launched | undefined {
  const k = configKey({ ...config, ipc: true });
  if (!k) return undefined;
  const p = pool();
  p.preload.set(k, targetModule);
  const list = p.spares.get(k) ?? [];
  p.spares.set(k, list);
  let spare = takeLive(list);
  if (!spare) {
    // None waiting (the first start, or this start came before the last one's replacement):
    // start one now and take it. It is a fresh interpreter like any other; the next spare
    // follows this child, as above.
    warm(config);
    spare = takeLive(list);
  }
  if (!spare) return undefined;
  const launched = spare.launched;
  const timer = setTimeout(() => warmSoon(config, k), REPLENISH_AFTER_MS);
  timer.unref();
  void launched.exited.then(() => {
    clearTimeout(timer);
    warmSoon(config, k);
  });
  launched.ref();
  return launched;
}

function takeLive(list: Spare[]): Spare | undefined {
  while (list.length > 0) {
    const s = list.shift() as Spare;
    if (s.launched.child.exitCode === null && s.launched.child.signalCode === null) return s;
  }
  return undefined;
}

/**
 * Settles when every spare of every configuration has reported ready (or ended), including
 * spares due to start on this turn of the event loop. For benchmarks: "a start with a spare
 * ready".
 */
export async function sparesReady(): Promise<void> {
  // Spares never keep this process alive; whoever awaits them must.
  const hold = setInterval(() => {}, 1 << 30);
  try {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const p = pool();
    await Promise.all([...p.spares.values()].flat().map((s) => s.ready ?? Promise.resolve()));
  } finally {
    clearInterval(hold);
  }
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
