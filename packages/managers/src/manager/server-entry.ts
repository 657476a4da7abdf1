import { existsSync } from 'node:fs';

/**
 * The module a manager's server process runs. The bundle made at build time
 * (`scripts/bundle-server.mjs`: one file to load instead of about fifty, so the first call is
 * answered some 50 ms sooner) when it exists and no user type is registered; else the plain
 * entry. A user type's factory module loads this package's own modules beside the bundle's
 * copies (two `ServerRef` classes, two type tables), so with user types the server runs the
 * plain modules. Run from source (under tsx) there is no bundle.
 */
const plain = new URL('../server/entry.js', import.meta.url);
const bundled = new URL('../server/entry.bundle.js', import.meta.url);
let haveBundle: boolean | undefined;

export function serverEntry(userTypes: number): string {
  if (userTypes > 0) return plain.href;
  haveBundle ??= bundled.protocol === 'file:' && existsSync(bundled);
  return haveBundle ? bundled.href : plain.href;
}
