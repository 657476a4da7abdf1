import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixtures = new URL('./fixtures/', import.meta.url);
export const targetsUrl = new URL('targets.ts', fixtures).href;
export const tsxLoader = new URL(import.meta.resolve('tsx')).href;

/** Runs a node program (with tsx) and collects its output. */
export function runNode(file: string, args: string[] = [], options: { tsx?: boolean; timeout?: number } = {}) {
  const execArgv = options.tsx === false ? [] : [`--import=${tsxLoader}`];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [...execArgv, fileURLToPath(new URL(file, fixtures)), ...args], { timeout: options.timeout ?? 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Pids whose parent is `ppid` (Linux /proc). */
export function childrenOf(ppid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) === ppid && fields[0] !== 'Z') out.push({ pid: Number(d), comm });
    } catch {}
  }
  return out;
}

export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves when `cond()` holds, polling the kernel's view; rejects after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
