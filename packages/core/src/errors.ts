/**
 * Every error proc throws. Each has a stable `code` (`PROC_ERR_*`), a `name`, and a `cause`
 * where there is one. `instanceof` works across copies of this package and across the codec:
 * classes carry a `Symbol.for` brand instead of relying on prototype identity (undici's trick).
 */

const brand = Symbol.for('proc.error');

export interface ProcErrorOptions {
  cause?: unknown;
}

export class ProcError extends Error {
  readonly code: string;

  constructor(message: string, code = 'PROC_ERR', options?: ProcErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    Object.defineProperty(this, brand, { value: new.target.name });
  }

  override get name(): string {
    return this.constructor.name;
  }

  // `this` is the class on the right of `instanceof` (a subclass inherits this method), so it
  // cannot be replaced by `ProcError`.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // A copy of this class from another copy of the package, or an error rebuilt by the codec:
    // match by the brand chain's names.
    const names = brandNames(value);
    // biome-ignore lint/complexity/noThisInStatic: see above
    return names?.includes(this.name) ?? false;
  }
}

/** The class names an error was branded with, most derived first (across package copies). */
function brandNames(value: object): string[] | undefined {
  if (!(brand in value)) return undefined;
  const names: string[] = [];
  let proto: object | null = Object.getPrototypeOf(value);
  while (proto && proto !== Error.prototype && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) names.push(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  const own = (value as Record<symbol, unknown>)[brand];
  if (typeof own === 'string' && !names.includes(own)) names.unshift(own);
  const chain = (value as { [brandChain]?: string[] })[brandChain];
  if (chain) for (const n of chain) if (!names.includes(n)) names.push(n);
  return names;
}

/** Set by the codec on an error rebuilt without its class: the class chain it had remotely. */
export const brandChain = Symbol.for('proc.error.chain');

/** Python's `ProcessError`: the base of process-related failures. */
export class ProcessError extends ProcError {
  constructor(message: string, code = 'PROC_ERR_PROCESS', options?: ProcErrorOptions) {
    super(message, code, options);
  }
}

/** Python's `TimeoutError` (multiprocessing.TimeoutError): an operation ran out of time. */
export class TimeoutError extends ProcessError {
  constructor(message = 'The operation timed out', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_TIMEOUT', options);
  }
}

/** An `AbortSignal` fired; `cause` is `signal.reason`. */
export class AbortError extends ProcError {
  constructor(message = 'The operation was aborted', options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_ABORTED', options);
  }
}

/** A value could not be serialized (or deserialized) by the codec. */
export class SerializationError extends ProcError {
  /**
   * Set when the value will be serializable once this settles (a Pipe end still connecting,
   * sends not yet handed to the OS): `Process.start()` waits for it and tries again.
   */
  declare readonly retryAfter?: Promise<unknown>;

  constructor(message: string, options?: ProcErrorOptions & { code?: string; retryAfter?: Promise<unknown> }) {
    super(message, options?.code ?? 'PROC_ERR_SERIALIZE', options);
    if (options?.retryAfter) {
      // Not enumerable: a promise does not travel, and the codec copies enumerable fields.
      Object.defineProperty(this, 'retryAfter', { value: options.retryAfter, enumerable: false });
    }
  }
}

/** A method was called in a state that does not allow it (start twice, join before start, ...). */
export class StateError extends ProcessError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_STATE', options);
  }
}

/** A process target could not be located by module and export name. */
export class TargetNotFoundError extends ProcessError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_TARGET_NOT_FOUND', options);
  }
}

/** A child could not boot (missing module, syntax error, target not found in the child). */
export class ChildBootError extends ProcessError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(message, 'PROC_ERR_CHILD_BOOT', options);
  }
}

/**
 * A child process ended abnormally while work depended on it. `exitCode` follows Python's rule
 * (negative: killed by that signal); `stderrTail` holds the end of what it wrote, when captured.
 */
export class ChildExitError extends ProcessError {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;

  constructor(
    message: string,
    info: { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail?: string },
    options?: ProcErrorOptions,
  ) {
    super(message, 'PROC_ERR_CHILD_EXIT', options);
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.stderrTail = info.stderrTail ?? '';
  }
}

/** An invariant of proc broke. Always a bug in proc: please report it. */
export class InternalError extends ProcError {
  constructor(message: string, options?: ProcErrorOptions) {
    super(`${message} This is a bug in proc.`, 'PROC_ERR_INTERNAL', options);
  }
}
