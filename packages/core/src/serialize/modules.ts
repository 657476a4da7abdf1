/**
 * The process-wide cache of module namespaces that rebuild functions come from. It lives on
 * `globalThis` under a `Symbol.for` key so that two copies of @proc/core (one from `dist`, one
 * from source, or two versions) share it: a module loaded by one is known to the other.
 *
 * `deserialize` is synchronous, and `import()` is not, so the sync path can only use modules
 * already in this cache. `deserializeAsync` / `preloadModules` fill it first.
 */

const cacheKey = Symbol.for('proc.codec.modules');

type ModuleCache = Map<string, Record<string, unknown>>;

const g = globalThis as { [cacheKey]?: ModuleCache };
const cache: ModuleCache = g[cacheKey] ?? new Map();
g[cacheKey] = cache;

/** The namespace of a loaded module, or `undefined` when it is not in the cache yet. */
export function loadedModule(url: string): Record<string, unknown> | undefined {
  return cache.get(url);
}

/**
 * Records a module's namespace under `url` so that values it rebuilds can be decoded
 * synchronously. A module can register itself: `import * as self from './self.js';
 * registerModule(import.meta.url, self)`.
 */
export function registerModule(url: string, namespace: object): void {
  if (typeof url !== 'string') throw new TypeError('registerModule: url must be a string');
  if (typeof namespace !== 'object' || namespace === null) {
    throw new TypeError('registerModule: namespace must be an object');
  }
  cache.set(url, namespace as Record<string, unknown>);
}

/** Imports every URL that is not in the cache yet (in parallel) and records it. */
export async function loadModules(urls: readonly string[]): Promise<void> {
  const missing = urls.filter((url) => !cache.has(url));
  if (missing.length === 0) return;
  await Promise.all(
    missing.map(async (url) => {
      const ns = (await import(url)) as Record<string, unknown>;
      cache.set(url, ns);
    }),
  );
}
