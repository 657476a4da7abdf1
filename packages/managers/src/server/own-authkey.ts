import { currentProcess } from '@proc/core';

/**
 * This process's authkey: a server started by `BaseManager.start()` serves with it. Its own
 * module, imported by name, so the server's one-file bundle keeps only the parts of @proc/core
 * it uses (a namespace import would keep all of them, process launching included).
 */
export function ownAuthkey(): Buffer {
  return currentProcess().authkey;
}
