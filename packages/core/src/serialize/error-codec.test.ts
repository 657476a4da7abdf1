import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  brandChain,
  ChildExitError,
  ProcError,
  ProcessError,
  SerializationError,
  TimeoutError,
} from '../errors.js';
import { deserialize, registerErrorClass, serialize } from './index.js';

const roundTrip = <T>(v: T): T => deserialize(serialize(v)) as T;

describe('errors', () => {
  it('keep message, stack, name and class of built-ins', () => {
    for (const E of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const e = new E('boom');
      const r = roundTrip(e);
      expect(r).toBeInstanceOf(E);
      expect(r.name).toBe(E.name);
      expect(r.message).toBe('boom');
      expect(r.stack).toBe(e.stack);
      // message and stack stay non-enumerable, as on a real error
      expect(Object.keys(r)).toEqual([]);
    }
  });

  it('keep code, errno, syscall and other own enumerable props (v8.serialize drops them)', () => {
    const e = Object.assign(new Error("ENOENT: no such file or directory, open '/nope'"), {
      errno: -2,
      code: 'ENOENT',
      syscall: 'open',
      path: '/nope',
      extra: { nested: [1, 2] },
    });
    const r = roundTrip(e) as typeof e;
    expect(r).toMatchObject({ errno: -2, code: 'ENOENT', syscall: 'open', path: '/nope', extra: { nested: [1, 2] } });
    // the regression we guard against:
    expect((v8.deserialize(v8.serialize(e)) as typeof e).code).toBeUndefined();
  });

  it('a real system error from Node', async () => {
    const { readFile } = await import('node:fs/promises');
    const e = (await readFile('/definitely/not/here').catch((err: unknown) => err)) as NodeJS.ErrnoException;
    const r = roundTrip(e) as NodeJS.ErrnoException;
    expect(r).toBeInstanceOf(Error);
    expect(r.code).toBe('ENOENT');
    expect(r.errno).toBe(e.errno);
    expect(r.syscall).toBe('open');
    expect(r.message).toBe(e.message);
  });

  it('keep cause recursively, including a non-error cause and a cyclic one', () => {
    const root = new RangeError('root', { cause: { reason: 'why', n: 1 } });
    const mid = new TypeError('mid', { cause: root });
    const top = new Error('top', { cause: mid });
    const r = roundTrip(top);
    expect(r.cause).toBeInstanceOf(TypeError);
    expect((r.cause as Error).message).toBe('mid');
    expect((r.cause as Error).cause).toBeInstanceOf(RangeError);
    expect(((r.cause as Error).cause as Error).cause).toEqual({ reason: 'why', n: 1 });
    expect(Object.getOwnPropertyDescriptor(r, 'cause')?.enumerable).toBe(false);

    const cyclic = new Error('self');
    (cyclic as { cause?: unknown }).cause = cyclic;
    const rc = roundTrip(cyclic);
    expect(rc.cause).toBe(rc);

    // `cause: undefined` is still an own property, as it was
    const u = roundTrip(new Error('u', { cause: undefined }));
    expect(Object.hasOwn(u, 'cause')).toBe(true);
    expect(Object.hasOwn(roundTrip(new Error('none')), 'cause')).toBe(false);
  });

  it('AggregateError keeps its errors', () => {
    const e = new AggregateError([new Error('a'), new TypeError('b')], 'many');
    const r = roundTrip(e);
    expect(r).toBeInstanceOf(AggregateError);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[1]).toBeInstanceOf(TypeError);
  });

  it('DOMException keeps its name and code (AbortSignal reasons)', () => {
    const reason = AbortSignal.abort().reason as DOMException;
    const r = roundTrip(reason);
    expect(r).toBeInstanceOf(DOMException);
    expect(r.name).toBe('AbortError');
    expect(r.code).toBe(20);
    const t = roundTrip(new DOMException('late', 'TimeoutError'));
    expect(t.name).toBe('TimeoutError');
    expect(t.message).toBe('late');
  });

  it("proc's own errors come back as their class with code and cause", () => {
    const e = new TimeoutError('too slow', { cause: new Error('inner') });
    const r = roundTrip(e);
    expect(r).toBeInstanceOf(TimeoutError);
    expect(r).toBeInstanceOf(ProcessError);
    expect(r).toBeInstanceOf(ProcError);
    expect(r.name).toBe('TimeoutError');
    expect(r.code).toBe('PROC_ERR_TIMEOUT');
    expect((r.cause as Error).message).toBe('inner');
    expect(r.stack).toBe(e.stack);

    const exit = roundTrip(new ChildExitError('died', { exitCode: null, signal: 'SIGKILL', stderrTail: 'oops' }));
    expect(exit).toBeInstanceOf(ChildExitError);
    expect(exit).toMatchObject({ exitCode: null, signal: 'SIGKILL', stderrTail: 'oops', code: 'PROC_ERR_CHILD_EXIT' });
  });

  it('a registered class is rebuilt without calling its constructor', () => {
    let constructed = 0;
    class QuotaError extends Error {
      readonly limit: number;
      constructor(limit: number) {
        super(`over ${limit}`);
        constructed++;
        this.limit = limit;
      }
      describe() {
        return `limit=${this.limit}`;
      }
    }
    registerErrorClass(QuotaError);
    const msg = serialize(new QuotaError(5));
    expect(constructed).toBe(1);
    const r = deserialize(msg) as QuotaError;
    expect(constructed).toBe(1);
    expect(r).toBeInstanceOf(QuotaError);
    expect(r.describe()).toBe('limit=5');
    expect(r.name).toBe('Error'); // what `new QuotaError().name` is too: the class sets no name
    expect(r.message).toBe('over 5');
  });

  it('an unregistered class arrives as its nearest registered ancestor, with the remote name and chain', () => {
    class LocalOnlyError extends ProcessError {
      constructor(message: string) {
        super(message, 'PROC_ERR_LOCAL_ONLY');
      }
    }
    class PlainLocalError extends TypeError {
      override name = 'PlainLocalError';
    }
    const r = roundTrip(new LocalOnlyError('x'));
    // Not rebuilt as that class (it is not registered), yet ProcError's brand check still
    // recognizes it by the remote chain, as it would a copy of the class from another package.
    expect(Object.getPrototypeOf(r)).toBe(ProcessError.prototype);
    expect(r).toBeInstanceOf(LocalOnlyError);
    expect(r).toBeInstanceOf(ProcessError);
    expect(r).toBeInstanceOf(ProcError);
    expect(r).not.toBeInstanceOf(TimeoutError);
    expect(r.name).toBe('LocalOnlyError');
    expect(r.code).toBe('PROC_ERR_LOCAL_ONLY');
    expect((r as { [brandChain]?: string[] })[brandChain]).toEqual(['LocalOnlyError', 'ProcessError', 'ProcError', 'Error']);

    const p = roundTrip(new PlainLocalError('y'));
    expect(p).toBeInstanceOf(TypeError);
    expect(p.name).toBe('PlainLocalError');

    // forwarded again, the chain is the original one
    const again = roundTrip(r);
    expect((again as { [brandChain]?: string[] })[brandChain]).toEqual(['LocalOnlyError', 'ProcessError', 'ProcError', 'Error']);
    expect(again.name).toBe('LocalOnlyError');
  });

  it('brand-based instanceof matches a remote class this side never had', () => {
    // A ProcError family member that only exists remotely: simulate by an error rebuilt
    // as a plain Error with the brand and chain (what decoding does when no ancestor is known).
    class SomeRemoteError extends ProcError {}
    const msg = serialize(new SomeRemoteError('r', 'PROC_ERR_REMOTE'));
    const r = deserialize(msg) as Error;
    expect(r).toBeInstanceOf(ProcError);
    expect(Object.getPrototypeOf(r)).toBe(ProcError.prototype);
    expect(r.name).toBe('SomeRemoteError');
  });

  it('an error whose name was set by hand keeps it (own enumerable, as it was)', () => {
    const e = new Error('m');
    e.name = 'CustomName';
    const r = roundTrip(e);
    expect(r.name).toBe('CustomName');
    expect(Object.keys(r)).toEqual(['name']);
    // on a prototype with a getter-only name (ProcError), too
    const p = new ProcError('m');
    Object.defineProperty(p, 'name', { value: 'Renamed', enumerable: true });
    expect(roundTrip(p).name).toBe('Renamed');
  });

  it('an unserializable prop on an error is reported with its path', () => {
    const e = Object.assign(new Error('x'), { callback: () => 1 });
    expect(() => serialize({ err: e })).toThrow(SerializationError);
    expect(() => serialize({ err: e })).toThrow('value.err.callback');
    const c = new Error('outer', { cause: { fn: () => 1 } });
    expect(() => serialize(c)).toThrow('value.cause.fn');
  });
});
