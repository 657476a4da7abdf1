import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsExt = /\.(m|c)?tsx?$/;

export function isTypeScriptUrl(url: string): boolean {
  return url.startsWith('file:') && tsExt.test(new URL(url).pathname);
}

const cache = new Map<string, string | null>();

/**
 * The URL of `tsx/esm/api` as the module at `fromUrl` would import it (its own node_modules
 * first), else as the current directory or this package would. A worker thread on Node 20 does
 * not run `--import tsx` from its execArgv for `.ts` entries, so the bootstrap registers tsx's
 * ESM hooks itself through this API before importing the target.
 */
export function resolveTsxApi(fromUrl: string | undefined): string | null {
  const starts = [
    fromUrl?.startsWith('file:') ? fileURLToPath(fromUrl) : undefined,
    path.join(process.cwd(), 'noop.js'),
    fileURLToPath(import.meta.url),
  ];
  for (const start of starts) {
    if (!start) continue;
    const dir = path.dirname(start);
    const hit = cache.get(dir);
    if (hit) return hit;
    if (hit === null) continue;
    let found: string | null = null;
    try {
      const require = createRequire(start);
      const pkgPath = require.resolve('tsx/package.json');
      const pkg = require(pkgPath) as { exports?: Record<string, unknown> };
      const entry = pkg.exports?.['./esm/api'] as { import?: string | { default?: string } } | undefined;
      const rel = typeof entry?.import === 'string' ? entry.import : entry?.import?.default;
      if (rel) found = pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
    } catch {
      found = null;
    }
    cache.set(dir, found);
    if (found) return found;
  }
  return null;
}
