import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fixtures = new URL('./fixtures/', import.meta.url);
export const targetsUrl = new URL('targets.ts', fixtures).href;
export const tsxLoader = new URL(import.meta.resolve('tsx')).href;

/** Runs a node program (with tsx) and collects its output. */
export function runNode(file: string, args: string[] = [], options: { timeout?: number } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [`--import=${tsxLoader}`, fileURLToPath(new URL(file, fixtures)), ...args],
      { timeout: options.timeout ?? 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
