/**
 * Bundles the child's entry (dist/child/entry.js and the five small modules it loads) into one
 * file: dist/child/entry.bundle.js, which every child process and forkserver spare runs.
 *
 * Why: Node's ES module loader reads each file through the libuv thread pool, and on a VM each
 * hop is a slow cross-CPU wake-up; one file instead of six is a few milliseconds off every
 * process start (start+join of a trivial target: from 1.14-1.17x to 1.02-1.10x a bare
 * `child_process.fork`, in turns with it). What the entry imports later, and only when needed
 * (the codec, the error classes), stays out: those imports keep pointing at the built modules,
 * so a target that loads @proc/core shares them rather than loading a second copy.
 */
import { build } from 'esbuild';

const lazyStaysOut = {
  name: 'lazy-imports-stay-out',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

await build({
  entryPoints: ['dist/child/entry.js'],
  outfile: 'dist/child/entry.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [lazyStaysOut],
  logLevel: 'warning',
});
