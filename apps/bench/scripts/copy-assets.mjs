// The build's second half: tsc emits the TypeScript; the app also runs files tsc does not emit
// (the Python peer, plain .mjs children and targets, their .d.mts types), found next to the
// compiled modules by URL, so they are copied to the same places under dist.
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const asset = /\.(mjs|d\.mts|py)$/;

for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !asset.test(entry.name)) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(dist, path.relative(src, from)));
}
