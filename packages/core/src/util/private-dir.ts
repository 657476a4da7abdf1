/**
 * Private temp folders named after the process that owns them, and the sweep of folders whose
 * process is gone.
 *
 * Why: a process that holds a Unix socket in a folder of its own (a primitives host, a manager)
 * removes it when it ends, but one that is killed cannot. With the owner's pid in the name, the
 * next process that makes such a folder removes those of dead pids, so killed processes leave
 * at most a folder each until then, not forever.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Makes `<tmp>/<prefix>-<pid>-XXXXXX` (mode 0700), after sweeping the dead pids' ones. */
export function makePrivateDir(prefix: string): string {
  const tmp = os.tmpdir();
  sweepDeadDirs(tmp, prefix);
  return fs.mkdtempSync(path.join(tmp, `${prefix}-${process.pid}-`));
}

/** Removes `<dir>/<prefix>-<pid>-*` folders whose pid is not a live process. */
export function sweepDeadDirs(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const pattern = new RegExp(`^${prefix.replace(/[^\w]/g, '\\$&')}-(\\d+)-`);
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      // ESRCH: no such process. (EPERM: alive, another user's.)
      if ((err as { code?: string }).code === 'ESRCH') {
        try {
          fs.rmSync(path.join(dir, name), { recursive: true, force: true });
        } catch {}
      }
    }
  }
}
