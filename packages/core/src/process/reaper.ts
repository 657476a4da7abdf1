import { type ChildProcess, spawn } from 'node:child_process';
import { debug } from '../debug.js';

/**
 * No orphans, even when the parent is killed with SIGKILL and a child is busy in a CPU loop
 * (so the child's own event loop cannot notice). Linux's PR_SET_PDEATHSIG is out of reach
 * without a native addon, so each parent keeps one tiny `sh` process, the reaper, reading a pipe
 * from it. The parent writes `+pid` when it starts a child and `-pid` when the child exits. When
 * the pipe reaches EOF (the parent is gone, however it died), the reaper sends SIGTERM to the
 * children still listed and SIGKILL a moment later. It ignores SIGINT so Ctrl-C in the terminal
 * does not take it away before the parent's orderly shutdown.
 */
const script = `trap '' INT
pids=""
while IFS= read -r line; do
  case "$line" in
    +*) pids="$pids \${line#+}" ;;
    -*) p="\${line#-}"; keep=""; for q in $pids; do [ "$q" = "$p" ] || keep="$keep $q"; done; pids="$keep" ;;
  esac
done
if [ -n "$pids" ]; then
  kill -TERM $pids 2>/dev/null
  sleep 0.3
  kill -KILL $pids 2>/dev/null
fi
exit 0`;

const key = Symbol.for('proc.reaper');

interface Reaper {
  proc: ChildProcess | null;
  failed: boolean;
}

function reaper(): Reaper {
  const g = globalThis as { [key]?: Reaper };
  g[key] ??= { proc: null, failed: false };
  return g[key];
}

function ensure(): ChildProcess | null {
  const r = reaper();
  if (r.proc || r.failed || process.platform === 'win32') return r.proc;
  try {
    const proc = spawn('/bin/sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: false });
    proc.on('error', (err) => {
      debug('reaper failed: %s', err.message);
      r.failed = true;
      r.proc = null;
    });
    proc.on('exit', () => {
      if (r.proc === proc) r.proc = null;
    });
    proc.stdin?.on('error', () => {});
    // The reaper must never keep the parent alive.
    proc.unref();
    (proc.stdin as unknown as { unref?: () => void })?.unref?.();
    r.proc = proc;
  } catch (err) {
    debug('reaper failed to start: %s', (err as Error).message);
    r.failed = true;
  }
  return r.proc;
}

export function watchChild(pid: number): void {
  ensure()?.stdin?.write(`+${pid}\n`);
}

export function unwatchChild(pid: number): void {
  reaper().proc?.stdin?.write(`-${pid}\n`);
}
