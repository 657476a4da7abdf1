import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const tsx = new URL(import.meta.resolve('tsx')).href;

it("runs the seed program with a manager-free Queue: 0, 1, 4, ... 81, STOP, and exits by itself", async () => {
  const file = fileURLToPath(new URL('../fixtures/primitives-seed.ts', import.meta.url));
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [`--import=${tsx}`, file], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout.trim().split('\n')).toEqual([...Array.from({ length: 10 }, (_, i) => String(i * i)), 'STOP']);
});
