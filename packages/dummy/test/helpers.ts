import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Process } from '@proc/dummy';
import { afterEach } from 'vitest';

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

/**
 * Returns `start(target, args)`, which starts a dummy Process (a thread) on a fixture target;
 * every thread it started is terminated if still running and joined after each test.
 */
export function threadStarter() {
  const started: Process[] = [];
  afterEach(async () => {
    for (const p of started.splice(0)) {
      if (p.exitCode === null) p.terminate();
      await p.join();
    }
  });
  return async function start<F extends (...args: never[]) => unknown>(target: F, args: Parameters<F>): Promise<Process> {
    const p = new Process({ target, args, module: targetsUrl } as never);
    started.push(p);
    await p.start();
    return p;
  };
}
