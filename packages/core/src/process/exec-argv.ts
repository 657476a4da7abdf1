import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The flags a child interpreter gets. Python's spawn re-runs the same executable with its own
 * arguments; a Node parent's `process.execArgv` may hold a debugger's or a test runner's flags
 * (vitest's, `--inspect*`), which children must not inherit. So by default a child gets only
 * flags known to be about how code runs (loaders such as tsx, conditions, memory limits, source
 * maps), and tsx is added when the target is TypeScript and no loader is present.
 */
const keepWithValue = new Set(['--conditions', '-C', '--max-old-space-size', '--stack-size', '--max-semi-space-size']);
const keepAlone = new Set(['--enable-source-maps', '--expose-gc', '--no-warnings', '--experimental-vm-modules']);
const loaderFlags = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

export function inheritedExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const hasInline = eq !== -1;
    const value = hasInline ? arg.slice(eq + 1) : argv[i + 1];
    if (keepAlone.has(flag)) {
      out.push(arg);
    } else if (keepWithValue.has(flag)) {
      out.push(hasInline ? arg : `${arg}=${value}`);
      if (!hasInline) i++;
    } else if (loaderFlags.has(flag)) {
      // Keep loaders that make TypeScript run (tsx); drop a test runner's own hooks.
      if (value && /[\\/]tsx[\\/]|^tsx(\/|$)/.test(value)) out.push(`${flag}=${value}`);
      if (!hasInline) i++;
    } else if (!arg.startsWith('-')) {
      // A bare value belonging to a flag we dropped.
    } else if (eq === -1 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') && takesValue(flag)) {
      i++;
    }
  }
  return out;
}

function takesValue(flag: string): boolean {
  return ['--inspect-port', '--debug-port', '--title', '--input-type', '--experimental-default-type', '--env-file'].includes(flag);
}

const tsExt = /\.(m|c)?tsx?$/;

export function isTypeScriptModule(moduleUrl: string): boolean {
  return moduleUrl.startsWith('file:') && tsExt.test(new URL(moduleUrl).pathname);
}

export function hasTsLoader(argv: readonly string[]): boolean {
  return argv.some((a) => /[\\/]tsx[\\/]|^--import=tsx$|^tsx$/.test(a));
}

const tsxCache = new Map<string, string | undefined>();

/** Finds tsx the way the user's module would (its node_modules), then from cwd, then from here. */
export function resolveTsx(fromModuleUrl?: string): string | undefined {
  const starts = [
    fromModuleUrl?.startsWith('file:') ? fileURLToPath(fromModuleUrl) : undefined,
    path.join(process.cwd(), 'noop.js'),
    fileURLToPath(import.meta.url),
  ];
  for (const start of starts) {
    if (!start) continue;
    const dir = path.dirname(start);
    if (tsxCache.has(dir)) {
      const hit = tsxCache.get(dir);
      if (hit) return hit;
      continue;
    }
    let found: string | undefined;
    try {
      found = pathToFileURL(createRequire(start).resolve('tsx')).href;
    } catch {
      found = undefined;
    }
    tsxCache.set(dir, found);
    if (found) return found;
  }
  return undefined;
}

/** execArgv for a child whose target lives in `moduleUrl`. */
export function childExecArgv(moduleUrl: string | undefined, explicit?: readonly string[]): string[] {
  const argv = explicit ? [...explicit] : inheritedExecArgv();
  if (moduleUrl && isTypeScriptModule(moduleUrl) && !hasTsLoader(argv)) {
    const tsx = resolveTsx(moduleUrl);
    if (tsx) argv.unshift(`--import=${tsx}`);
  }
  return argv;
}
