import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

export const fixtures = join(import.meta.dirname, 'fixtures');

/** The interpreter of a pyenv version (e.g. '3.13'), or undefined when not installed. */
export function python(version: string): string | undefined {
  const root = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return undefined;
  const match = readdirSync(versions)
    .filter((v: string) => v === version || v.startsWith(`${version}.`))
    .sort()
    .pop();
  if (!match) return undefined;
  const exe = join(versions, match, 'bin', 'python');
  return existsSync(exe) ? exe : undefined;
}

export interface PyProc {
  child: ChildProcess;
  /** The next line the script prints. */
  line(): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts a Python fixture; it is killed at the end of the test if still running. */
export function runPython(exe: string, script: string, args: string[]): PyProc {
  const child = spawn(exe, [join(fixtures, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  rl.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const ended = new Promise<string>((resolve) => rl.once('close', () => resolve(`<exited; stderr: ${stderr}>`)));
  return {
    child,
    exited,
    line: () => {
      const l = lines.shift();
      if (l !== undefined) return Promise.resolve(l);
      return Promise.race([new Promise<string>((resolve) => waiting.push(resolve)), ended]);
    },
  };
}

/** What a rejected promise rejected with (fails the test if it resolved). */
export interface Caught extends Error {
  code?: string;
  truncated?: boolean;
  size?: number;
  data?: Buffer;
  cause?: Error;
}
export async function caught(p: Promise<unknown>): Promise<Caught> {
  try {
    await p;
  } catch (err) {
    return err as Caught;
  }
  throw new Error('expected a rejection');
}
