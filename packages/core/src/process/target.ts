import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TargetNotFoundError } from '../errors.js';
import { fingerprint, matchExport } from './find-export.js';

/**
 * How a child finds what to run: Python's spawn pickles a function as (module, qualified name);
 * a JS function knows neither, so the parent sends
 *  - the module URL: the `module` option, or else the module that called `new Process()`
 *    (read from the call stack; a target exported by another module needs the option),
 *  - the export name: the `exportName` option, or else the function's own name,
 *  - a fingerprint (the source text), which the child checks, and uses to search the module's
 *    other exports when the name differs (`export { f as g }`).
 * The parent cannot check the export itself: the module calling `new Process()` is usually
 * still running its top-level await, and importing it then never settles.
 */
export interface TargetRef {
  module: string;
  exportName: string;
  fingerprint: string;
  /** A function to call, or a Process subclass to instantiate and `run()`. */
  kind: 'function' | 'class';
  /** The caller named the module; otherwise it was read off the stack, a guess to verify. */
  explicitModule: boolean;
}

const coreDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The URL of the first module on the stack outside @proc packages and Node internals. */
export function callerModule(skipDirs: readonly string[] = []): string | undefined {
  const saved = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  let frames: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_e, cs) => cs;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, callerModule);
    frames = (holder.stack as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = saved;
    Error.stackTraceLimit = savedLimit;
  }
  for (const frame of frames) {
    const file = frame.getFileName();
    if (!file || file.startsWith('node:') || file.startsWith('internal/')) continue;
    const filePath = file.startsWith('file:') ? fileURLToPath(file) : file;
    if (!path.isAbsolute(filePath)) continue;
    if (filePath.startsWith(coreDir + path.sep)) continue;
    if (skipDirs.some((d) => filePath.startsWith(d + path.sep))) continue;
    if (filePath.includes(`${path.sep}node_modules${path.sep}`) && !filePath.includes(`${path.sep}@proc${path.sep}`)) {
      // A test runner's or a loader's frame: keep looking for user code.
      if (/[\\/]node_modules[\\/](vitest|@vitest|tsx|esbuild|vite)[\\/]/.test(filePath)) continue;
    }
    return pathToFileURL(filePath).href;
  }
  return undefined;
}

/** Normalizes a `module` option (URL, file URL string, or absolute path) to a URL string. */
export function toModuleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (path.isAbsolute(module)) return pathToFileURL(module).href;
  throw new TypeError(`module must be a URL or an absolute path (use import.meta.url), got ${JSON.stringify(module)}`);
}

export interface LocateOptions {
  module?: string | URL;
  exportName?: string;
  kind: 'function' | 'class';
  /** Directories whose frames are not the caller (the package that wraps Process). */
  skipDirs?: readonly string[];
}

export function locateTarget(fn: (...a: never[]) => unknown, options: LocateOptions): TargetRef {
  const exportName = options.exportName ?? fn.name;
  if (!exportName) {
    throw new TargetNotFoundError(
      'The target is an anonymous function, so a child process cannot find it. Export a named function from a module and pass it as the target (or pass { exportName } naming its export).',
    );
  }
  const module = options.module !== undefined ? toModuleUrl(options.module) : callerModule(options.skipDirs);
  if (!module) {
    throw new TargetNotFoundError(
      `Cannot tell which module exports the target "${exportName}". Pass { module: import.meta.url } from the module that exports it.`,
    );
  }
  return { module, exportName, fingerprint: fingerprint(fn), kind: options.kind, explicitModule: options.module !== undefined };
}

export { fingerprint };

/**
 * In the child: the export of `ns` that is the target (see `matchExport`), or a
 * `TargetNotFoundError` saying why none is.
 */
export function findExport(ns: Record<string, unknown>, ref: TargetRef): (...a: unknown[]) => unknown {
  const found = matchExport(ns, ref);
  if (typeof found === 'function') return found;
  throw new TargetNotFoundError(found.notFound);
}
