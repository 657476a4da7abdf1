// The design card's layering, checked: a package's dependencies and imports name only
// packages beneath it (core, then connection, then managers, then processing, then dummy;
// the apps on top).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const layers = ['core', 'connection', 'managers', 'processing', 'dummy'];

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(m|c)?[jt]s$/.test(f))
    .map((f) => path.join(dir, f));
}

function importedProcPackages(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]@proc\/([a-z-]+)/g)) found.add(m[1]);
  return [...found];
}

describe('layering', () => {
  it('knows every package', () => {
    expect(fs.readdirSync(path.join(root, 'packages')).sort()).toEqual([...layers].sort());
  });

  for (const [rank, name] of layers.entries()) {
    const dir = path.join(root, 'packages', name);
    it(`@proc/${name} depends only on packages beneath it`, () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies })
        .filter((d) => d.startsWith('@proc/'))
        .map((d) => d.slice('@proc/'.length));
      for (const d of deps) expect(layers.indexOf(d), `${name} depends on ${d}`).toBeLessThan(rank);
      for (const file of [...sources(path.join(dir, 'src')), ...sources(path.join(dir, 'test'))]) {
        for (const imported of importedProcPackages(file)) {
          if (imported === name) continue;
          expect(layers.indexOf(imported), `${path.relative(root, file)} imports @proc/${imported}`).toBeGreaterThanOrEqual(0);
          expect(layers.indexOf(imported), `${path.relative(root, file)} imports @proc/${imported}`).toBeLessThan(rank);
          expect(deps, `${name} imports @proc/${imported} without declaring it`).toContain(imported);
        }
      }
    });
  }

  it('detects a violation (the check can fail)', () => {
    const tmp = fs.mkdtempSync(path.join(root, 'node_modules', '.layering-'));
    try {
      const f = path.join(tmp, 'x.ts');
      fs.writeFileSync(f, "import { Pool } from '@proc/processing';\nconst m = await import('@proc/dummy');\n");
      expect(importedProcPackages(f).sort()).toEqual(['dummy', 'processing']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
