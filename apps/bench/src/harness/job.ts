import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type JobResult, RESULT_MARKER } from './result-line.ts';

export interface JobSpec {
  command: string;
  args: string[];
  cwd?: string;
  /** Kill the job (its whole process group) after this long. */
  timeoutMs: number;
  /** After its result, how long the job may take to exit by itself. */
  graceMs?: number;
  /**
   * Report processes the job left behind (proc jobs: issue 2 promises no orphans). Off for
   * peers: CPython's forkserver and resource tracker outlive their parent by design.
   */
  reportLeftovers?: boolean;
}

export interface JobOutcome extends JobResult {
  elapsedMs: number;
}

/** Process groups of running jobs, killed if the app itself is interrupted. */
const liveGroups = new Set<number>();

export function killLiveJobs(): void {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group is still running. A zombie does not count: the group's
 * leader is gone, so its exited children are reparented to PID 1, and a container's PID 1 may
 * reap them late (proc's reaper `sh` shows up that way). On Linux, /proc tells zombies apart.
 */
function groupAlive(pgid: number): boolean {
  if (process.platform !== 'linux') return signalable(pgid);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalable(pgid);
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

function signalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `p`, or `late` after `ms`; the timer is cleared either way, so it never holds the app open. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a job in a process group of its own (`detached`), so that on timeout, or when it leaves
 * children behind, the group can be killed as a whole: the figure's children and theirs too.
 * Never rejects: every failure becomes `error`.
 */
export async function runJob(spec: JobSpec): Promise<JobOutcome> {
  const t0 = Date.now();
  const graceMs = spec.graceMs ?? 3000;
  const cp = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const pgid = cp.pid;
  if (pgid === undefined) {
    const error = await new Promise<string>((r) => cp.once('error', (e) => r(e.message)));
    return { error: `could not start ${spec.command}: ${error}`, elapsedMs: Date.now() - t0 };
  }
  liveGroups.add(pgid);

  let result: JobResult | undefined;
  let stdoutRest = '';
  let stderrTail = '';
  let onResult: () => void = () => {};
  const gotResult = new Promise<void>((r) => {
    onResult = r;
  });
  cp.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (stdoutRest + chunk).split('\n');
    stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      if (result || !line.startsWith(RESULT_MARKER)) continue;
      try {
        result = JSON.parse(line.slice(RESULT_MARKER.length)) as JobResult;
      } catch {
        result = { error: `unreadable result line: ${line.slice(0, 200)}` };
      }
      onResult();
    }
  });
  cp.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => cp.once('exit', (code, signal) => r({ code, signal })));

  const first = await within(Promise.race([gotResult.then(() => 'result' as const), exited.then(() => 'exit' as const)]), spec.timeoutMs);

  const warnings: string[] = [];
  if (first === 'late') {
    killGroup(pgid, 'SIGKILL');
    await exited;
    result = { error: `timed out after ${Math.round(spec.timeoutMs / 1000)} s${lastLine(stderrTail)}` };
  } else if (first === 'result') {
    if ((await within(exited, graceMs)) === 'late') {
      warnings.push(`the job process did not exit within ${graceMs / 1000} s of its result (a handle left open?); killed`);
      killGroup(pgid, 'SIGKILL');
      await exited;
    }
  } else {
    // Exited: its last stdout may still be in flight.
    await within(gotResult, 300);
    if (!result) {
      const { code, signal } = await exited;
      // Node exits with 13 when the top-level await never settles and nothing keeps the loop alive.
      const why = code === 13 ? 'a promise the figure awaited never settled, and nothing kept the event loop alive (exit code 13)' : `the job process ended (${signal ?? `exit code ${code}`}) without a result`;
      result = { error: `${why}${lastLine(stderrTail)}` };
    }
  }

  // Whatever a proc job started and left in its group gets a second to go by itself (issue 2:
  // children exit within a second of their parent's death); then the group is killed.
  if (spec.reportLeftovers) for (let i = 0; i < 10 && groupAlive(pgid); i++) await sleep(100);
  const leftover = spec.reportLeftovers && groupAlive(pgid);
  killGroup(pgid, 'SIGKILL');
  if (leftover) warnings.push('processes of the job were still running 1 s after it ended; killed');
  liveGroups.delete(pgid);
  const warning = [result?.warning, ...warnings].filter(Boolean).join('; ');
  return { ...result, ...(warning ? { warning } : {}), elapsedMs: Date.now() - t0 };
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const tail = lines.slice(-2).join(' | ');
  return tail ? `: ${tail.slice(0, 300)}` : '';
}
