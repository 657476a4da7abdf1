import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXED_NAMES } from '../src/catalog.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'proc-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the app as `pnpm bench` does, with an explicit execArgv (never vitest's own flags). */
function bench(args: string[]) {
  return spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts', ...args], {
    cwd: appDir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: '1' },
  });
}

describe('bench CLI', () => {
  it('writes every fixed figure to --json, measured or null with an error', () => {
    const file = path.join(tmp, 'out.json');
    const r = bench(['--quick', '--only', '^map_get_per_s$', '--json', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('map_get_per_s');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { figures: Record<string, Record<string, unknown>> };
    for (const name of FIXED_NAMES) {
      const f = doc.figures[name];
      expect(f, name).toBeDefined();
      expect(Object.keys(f).slice(0, 6), name).toEqual(['value', 'unit', 'higherIsBetter', 'python', 'ratio', 'peers']);
      expect(typeof f.unit, name).toBe('string');
      expect(typeof f.higherIsBetter, name).toBe('boolean');
      expect(Object.keys(f.peers as object).sort(), name).toEqual(['node', 'piscina', 'python']);
      if (f.value === null) expect(typeof f.error, name).toBe('string');
      else expect(Number.isFinite(f.value), name).toBe(true);
      if (f.python === null || f.value === null) expect(f.ratio, name).toBeNull();
      else expect(typeof f.ratio, name).toBe('number');
      expect(f.python, name).toBe((f.peers as { python: unknown }).python);
    }
    // The figure that needs no @proc package is measured; the rest were not selected.
    const map = doc.figures.map_get_per_s;
    expect(map.value).toBeGreaterThan(0);
    expect(map.error).toBeUndefined();
    expect((map.trials as number[]).length).toBeGreaterThanOrEqual(3);
    expect(doc.figures.dict_get_parent_per_s.error).toMatch(/not selected by --only/);
  });

  it('refuses a pattern that matches no figure, and unknown options', () => {
    expect(bench(['--only', 'no_such_figure']).status).toBe(2);
    expect(bench(['--bogus']).status).toBe(2);
  });
});
