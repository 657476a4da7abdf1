/**
 * Every behaviour suite written for @proc/processing, run against @proc/dummy: the suites live
 * in packages/processing/test/conformance and export `define*Suite(api, caps)`. Tests that need
 * what threads lack (a pid of their own, signals, a separate address space) are skipped by the
 * suites through `caps`.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '@proc/dummy';
import { describe, it } from 'vitest';

const dir = new URL('../../processing/test/conformance/', import.meta.url);
const caps = { processes: false, signals: false, pid: false };
/** Fixtures the suites start import the backend by this specifier: a URL, since packages/processing does not depend on @proc/dummy. */
const options = { backend: import.meta.resolve('@proc/dummy') };

const files = fs.existsSync(fileURLToPath(dir))
  ? fs.readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  : [];

let defined = 0;
for (const file of files) {
  const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) {
    if (typeof fn === 'function' && /^define\w*Suite$/.test(name)) {
      describe(`conformance ${file} ${name} (threads)`, () => {
        (fn as (a: typeof api, c: typeof caps, o: typeof options) => void)(api, caps, options);
      });
      defined++;
    }
  }
}

if (defined === 0) {
  describe('conformance', () => {
    it.skip('no conformance suites found in packages/processing/test/conformance yet', () => {});
  });
}
