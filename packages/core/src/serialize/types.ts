/**
 * The contract of proc's codec and its reducer registry (Python's pickle + copyreg, for Node).
 *
 * A value that must arrive "connected" in another process (a Connection, a Queue, a Lock, a
 * manager proxy) implements `[reduceSymbol]()`. It returns the URL of a module and the name of a
 * function that module exports; the receiver imports that module (if it has not yet) and calls
 * the function with the reduced state. So nothing depends on import side effects, and the
 * receiving process loads only what the message needs.
 */

/** Well-known method name: `obj[reduceSymbol](ctx)` returns how `obj` travels. */
export const reduceSymbol: unique symbol = Symbol.for('proc.reduce') as never;

export interface Reduced {
  /** An absolute module URL (`import.meta.url` of the module that exports `rebuild`). */
  module: string;
  /** The name of the function exported by `module`: `(state, ctx) => value`. */
  rebuild: string;
  /** Any value the codec can carry (it may itself contain reducible values). */
  state: unknown;
}

/** Passed to `[reduceSymbol]`: lets a reducer hand an OS handle alongside the message. */
export interface ReduceContext {
  /**
   * Hands a handle (a `net.Socket`, `net.Server`) to the receiving process and returns its
   * index, or `undefined` when this message cannot carry handles (then the reducer must fall
   * back or throw a `SerializationError` that says why).
   */
  transferHandle?(handle: unknown): number | undefined;
  /**
   * What to call the value in error messages: a failure reads `Cannot serialize a function at
   * args[1].foo` when `label` is `'args'`.
   * @default 'value'
   */
  label?: string;
}

/** Passed to a rebuild function. */
export interface RebuildContext {
  /** The handle the sender transferred at `index` (see `ReduceContext.transferHandle`). */
  takeHandle?(index: number): unknown;
}

export interface Reducible {
  [reduceSymbol](ctx: ReduceContext): Reduced;
}

export type RebuildFunction = (state: unknown, ctx: RebuildContext) => unknown;

/**
 * A pluggable codec (`setCodec`). Both ends of a connection must use the same one. Only the
 * default codec supports everything `serialize` documents; another may support less.
 */
export interface Codec {
  /** For diagnostics. */
  readonly name: string;
  /** Value to bytes. The returned Buffer belongs to the caller. */
  encode(value: unknown, ctx?: ReduceContext): Buffer;
  /** Bytes to value, synchronously. */
  decode(buf: Uint8Array, ctx?: RebuildContext): unknown;
  /** Bytes to value, after any asynchronous preparation. @default `decode` */
  decodeAsync?(buf: Uint8Array, ctx?: RebuildContext): Promise<unknown>;
  /** Prepares so that a later synchronous `decode(buf)` can succeed. @default nothing */
  preload?(buf: Uint8Array): Promise<void>;
}
