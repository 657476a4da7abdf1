import { debuglog } from 'node:util';

/**
 * Debug output the Node way: `NODE_DEBUG=proc` turns it on (util.debuglog). Python's
 * `log_to_stderr()` turns it on from code, for this process and the children it starts.
 */
let toStderr = false;
const nodeDebug = debuglog('proc');

export function debug(message: string, ...args: unknown[]): void {
  if (toStderr) {
    process.stderr.write(`[proc ${process.pid}] ${format(message, args)}\n`);
  } else if (nodeDebug.enabled) {
    nodeDebug(message, ...args);
  }
}

function format(message: string, args: unknown[]): string {
  return args.length === 0 ? message : `${message} ${args.map((a) => String(a)).join(' ')}`;
}

/** Python's `log_to_stderr()`: log proc's activity to stderr here and in children started later. */
export function logToStderr(): void {
  toStderr = true;
  process.env.PROC_LOG_STDERR = '1';
}

if (process.env.PROC_LOG_STDERR === '1') toStderr = true;
