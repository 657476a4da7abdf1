// Runs every example as a user would (`tsx FILE.ts`) and compares its output with the
// `.expected` file beside it: each line exact, or a regular expression when it starts with `~`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '..', 'src');
const tsx = new URL(import.meta.resolve('tsx')).href;
const examples = fs.readdirSync(src).filter((f) => f.endsWith('.ts') && fs.existsSync(path.join(src, f.replace(/\.ts$/, '.expected'))));

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--import=${tsx}`, file], { cwd: src, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples', () => {
  it('has examples', () => expect(examples.length).toBeGreaterThan(3));
  for (const file of examples) {
    it(file, async () => {
      const expected = fs.readFileSync(path.join(src, file.replace(/\.ts$/, '.expected')), 'utf8').trimEnd().split('\n');
      const r = await run(file);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.length, `${r.stdout}\n${r.stderr}`).toBe(expected.length);
      expected.forEach((want, i) => {
        if (want.startsWith('~')) expect(lines[i]).toMatch(new RegExp(want.slice(1)));
        else expect(lines[i], `line ${i + 1}\n${r.stderr}`).toBe(want);
      });
      expect(r.code, r.stderr).toBe(0);
    });
  }
});
