/**
 * Bundles the manager server's process entry (dist/server/bundle-entry.js: the entry and the
 * proxy rebuild module) with everything they load, @proc/core's codec included, into one file:
 * dist/server/entry.bundle.js.
 *
 * Why: Node's ES module loader reads each file through the libuv thread pool, and on a VM every
 * hop there and back is a slow cross-CPU wake-up. A server loading some fifty small modules
 * answered its first call about 60 ms after it reported ready; from one file, about 13 ms.
 * `BaseManager.start()` runs the bundle when no user type is registered (see server-entry.ts).
 *
 * `@proc/connection` stays out: the transport loads it on first use, which a server started by
 * `Manager()` never makes (it binds with node:net), so its lazy import is kept, pointing from the
 * bundle's folder to the built module.
 */
import { build } from 'esbuild';

const lazyConnection = {
  name: 'lazy-connection-channel',
  setup(b) {
    b.onResolve({ filter: /\/connection-channel\.js$/ }, () => ({ path: '../transport/connection-channel.js', external: true }));
  },
};

await build({
  entryPoints: ['dist/server/bundle-entry.js'],
  outfile: 'dist/server/entry.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@proc/connection'],
  plugins: [lazyConnection],
  logLevel: 'warning',
});
