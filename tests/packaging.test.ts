// Issue 9: every package installs and works on its own, from packed tarballs, in a plain npm
// project outside the workspace, as compiled JavaScript and under tsx, with types resolving.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(import.meta.dirname, 'packaging');
const libs = ['core', 'connection', 'managers', 'processing', 'dummy'];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-pack-'));
const tarballs = new Map<string, string>();
const pnpm = ['-y', 'pnpm@12.4.2'];

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A plain npm project with the given tarballs (and tsx + typescript for the TS forms). */
function project(name: string, packages: string[]): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dev = rootPkg.devDependencies;
  run('npm', ['install', '--no-audit', '--no-fund', ...packages.map((p) => tarballs.get(p) as string), `tsx@${dev.tsx}`, `typescript@${dev.typescript}`, `@types/node@${dev['@types/node']}`], dir);
  return dir;
}

function node(dir: string, file: string, tsx: boolean) {
  fs.copyFileSync(path.join(fixtures, file), path.join(dir, file));
  const args = tsx ? ['--import', 'tsx', file] : [file];
  return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}

function typecheck(dir: string, file: string): void {
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
      files: [file],
    }),
  );
  run(path.join(dir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], dir);
}

beforeAll(() => {
  const out = path.join(scratch, 'tarballs');
  fs.mkdirSync(out);
  for (const lib of libs) {
    const dir = path.join(root, 'packages', lib);
    run('npx', [...pnpm, 'pack', '--pack-destination', out], dir);
  }
  for (const f of fs.readdirSync(out)) {
    const lib = libs.find((l) => f.startsWith(`proc-${l}-`));
    if (lib) tarballs.set(lib, path.join(out, f));
  }
});

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('packed packages', () => {
  it('are small, ship built output and types only, and name their dependencies by version', () => {
    for (const lib of libs) {
      const tgz = tarballs.get(lib) as string;
      expect(tgz, lib).toBeTruthy();
      const size = fs.statSync(tgz).size;
      console.log(`@proc/${lib}: ${(size / 1024).toFixed(1)} KiB packed`);
      const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n');
      expect(files.some((f) => /\.test\.|\/test\/|fixtures/.test(f)), `${lib} ships tests`).toBe(false);
      expect(files.every((f) => /^package\/(dist\/|package\.json$|README\.md$|LICENSE|CHANGELOG\.md$)/.test(f)), `${lib}: ${files.join(' ')}`).toBe(true);
      expect(files).toContain('package/README.md');
      const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
      for (const [dep, range] of Object.entries<string>(pkg.dependencies ?? {})) {
        expect(range, `${lib} -> ${dep}`).not.toMatch(/workspace:/);
      }
      for (const field of ['name', 'version', 'description', 'license', 'exports', 'files', 'engines']) expect(pkg[field], `${lib}.${field}`).toBeTruthy();
      expect(pkg.sideEffects).toBe(false);
      expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
      expect(size).toBeLessThan(400 * 1024);
    }
  });

  it('@proc/connection works alone (compiled and under tsx, types resolve)', () => {
    const dir = project('conn-only', ['core', 'connection']);
    expect(fs.existsSync(path.join(dir, 'node_modules', '@proc', 'managers'))).toBe(false);
    for (const [file, tsx] of [['conn-only.mjs', false], ['conn-only.ts', true]] as const) {
      const r = node(dir, file, tsx);
      expect(r.stderr + r.stdout).toContain('{"echo":{"hello":"world"}} raw');
      expect(r.stdout).toContain(`resolved file://${dir}/node_modules/@proc/connection/`);
      expect(r.status).toBe(0);
    }
    typecheck(dir, 'conn-only.ts');
  });

  for (const lib of ['processing', 'dummy']) {
    it(`the seed program runs with @proc/${lib} installed from tarballs`, () => {
      const needed = libs.slice(0, libs.indexOf(lib) + 1);
      const dir = project(`seed-${lib}`, needed);
      const expected = `${[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 'STOP'].join('\n')}\n`;
      for (const [file, tsx] of [[`seed-${lib}.mjs`, false], [`seed-${lib}.ts`, true]] as const) {
        const r = node(dir, file, tsx);
        expect(r.stdout.startsWith(expected + expected), `${file}: ${r.stdout}\n${r.stderr}`).toBe(true);
        expect(r.stdout).toContain(`resolved file://${dir}/node_modules/@proc/${lib}/`);
        expect(r.status).toBe(0);
      }
      typecheck(dir, `seed-${lib}.ts`);
    });
  }
});

describe('changesets', () => {
  it('version the changed packages and bump internal ranges together (dry run in a copy)', () => {
    const copy = path.join(scratch, 'changeset');
    fs.mkdirSync(copy);
    for (const f of ['package.json', 'pnpm-workspace.yaml']) fs.copyFileSync(path.join(root, f), path.join(copy, f));
    fs.cpSync(path.join(root, '.changeset'), path.join(copy, '.changeset'), { recursive: true });
    for (const dir of ['packages', 'apps']) {
      for (const p of fs.readdirSync(path.join(root, dir))) {
        fs.mkdirSync(path.join(copy, dir, p), { recursive: true });
        fs.copyFileSync(path.join(root, dir, p, 'package.json'), path.join(copy, dir, p, 'package.json'));
      }
    }
    // A known change to core, so the check does not depend on which changesets are pending.
    fs.writeFileSync(path.join(copy, '.changeset', 'zz-test-core.md'), '---\n"@proc/core": minor\n---\n\nA test change.\n');
    const before = JSON.parse(fs.readFileSync(path.join(copy, 'packages', 'core', 'package.json'), 'utf8')).version;
    run(process.execPath, [path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], copy);
    const core = JSON.parse(fs.readFileSync(path.join(copy, 'packages', 'core', 'package.json'), 'utf8'));
    expect(core.version).not.toBe(before);
    expect(fs.readFileSync(path.join(copy, 'packages', 'core', 'CHANGELOG.md'), 'utf8')).toContain('A test change.');
    const conn = JSON.parse(fs.readFileSync(path.join(copy, 'packages', 'connection', 'package.json'), 'utf8'));
    expect(conn.dependencies['@proc/core']).toBe('workspace:^');
    expect(conn.version).not.toBe('0.1.0');
  });
});
