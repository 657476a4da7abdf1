/**
 * process.exit() drops what is still queued on a piped stdout/stderr (a pipe holds 64 KiB; the
 * rest waits in the stream), so a child flushes them before it exits. But `process.stdout` is
 * made on first use (a stream, and the tty, net or fs modules behind it), so flushing a stream
 * the target never touched would build it only to flush nothing: a child that prints nothing
 * should not pay for stdout. The getters are wrapped to note which streams were made; only
 * those are flushed.
 */
type Name = 'stdout' | 'stderr';

const made = new Set<Name>();

/** Flags whose modules ran before this one: they may have made a stream and kept it. */
const preloads = /^(--import|--require|-r|--loader|--experimental-loader)(=|$)/;

export function trackStdio(): void {
  // A stream made before this runs (console caches the stream it got) is not seen by a getter
  // wrapped now, so with a preload module both are flushed, as before.
  const options = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
  if ([...process.execArgv, ...options].some((a) => preloads.test(a))) {
    made.add('stdout');
    made.add('stderr');
    return;
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const d = Object.getOwnPropertyDescriptor(process, name);
    const get = d?.get;
    if (!d?.configurable || !get) {
      // Not Node's lazy getter (an embedder's or a test runner's own stream): always flush it.
      made.add(name);
      continue;
    }
    Object.defineProperty(process, name, {
      ...d,
      get() {
        made.add(name);
        return get.call(process);
      },
    });
  }
}

export async function flushStdio(): Promise<void> {
  await Promise.all(
    [...made].map(
      (name) =>
        new Promise<void>((resolve) => {
          const s = process[name];
          if (!s.writable || s.destroyed) return resolve();
          s.write('', () => resolve());
        }),
    ),
  );
}
