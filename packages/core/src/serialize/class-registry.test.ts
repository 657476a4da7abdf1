import { describe, expect, it } from 'vitest';
import { SerializationError } from '../errors.js';
import { deserialize, registerClass, serialize } from './index.js';

const roundTrip = <T>(v: T): T => deserialize(serialize(v)) as T;

describe('registerClass', () => {
  it('default: own enumerable props, prototype restored, constructor not called', () => {
    let constructed = 0;
    class Vec {
      constructor(
        public x: number,
        public y: number,
      ) {
        constructed++;
      }
      length() {
        return Math.hypot(this.x, this.y);
      }
    }
    registerClass(Vec, { id: 'test.Vec' });
    const r = roundTrip({ v: new Vec(3, 4) });
    expect(constructed).toBe(1);
    expect(r.v).toBeInstanceOf(Vec);
    expect(r.v.length()).toBe(5);
  });

  it('default: cycles through a registered instance', () => {
    class Node2 {
      next: Node2 | null = null;
      constructor(public name: string) {}
    }
    registerClass(Node2, { id: 'test.Node2' });
    const a = new Node2('a');
    const b = new Node2('b');
    a.next = b;
    b.next = a;
    const r = roundTrip([a, b]);
    expect(r[0]).toBeInstanceOf(Node2);
    expect(r[0].next).toBe(r[1]);
    expect(r[1].next).toBe(r[0]);
  });

  it('custom reduce and rebuild (the state may hold anything the codec carries)', () => {
    class Money {
      #cents: bigint;
      constructor(cents: bigint) {
        this.#cents = cents;
      }
      get cents() {
        return this.#cents;
      }
    }
    registerClass(Money, {
      id: 'test.Money',
      reduce: (m) => ({ c: m.cents, when: new Date(0) }),
      rebuild: (s: { c: bigint; when: Date }) => {
        expect(s.when).toBeInstanceOf(Date);
        return new Money(s.c);
      },
    });
    const r = roundTrip([new Money(12345678901234567890n)]);
    expect(r[0]).toBeInstanceOf(Money);
    expect(r[0].cents).toBe(12345678901234567890n);
  });

  it('only reduce given: rebuilt by assigning the state onto the prototype', () => {
    class Temp {
      constructor(
        public c = 0,
        public cache: unknown = null,
      ) {}
      f() {
        return (this.c * 9) / 5 + 32;
      }
    }
    registerClass(Temp, { id: 'test.Temp', reduce: (t) => ({ c: t.c }) });
    const r = roundTrip(new Temp(100, { big: 'drop me' }));
    expect(r).toBeInstanceOf(Temp);
    expect(r.f()).toBe(212);
    expect(r.cache).toBeUndefined();
  });

  it('a cycle back into a value whose rebuild has not returned yet fails clearly', () => {
    class Box {
      constructor(public inner: unknown) {}
    }
    registerClass(Box, { id: 'test.Box', reduce: (b) => b.inner, rebuild: (s) => new Box(s) });
    const box = new Box(null);
    box.inner = [box];
    const msg = serialize(box);
    expect(() => deserialize(msg)).toThrow(/cycle passes through a value rebuilt by a reducer/);
  });

  it('matches the exact class: an unregistered subclass travels as a plain object', () => {
    class Base {
      a = 1;
    }
    class Derived extends Base {
      b = 2;
    }
    registerClass(Base, { id: 'test.Base' });
    expect(roundTrip(new Base())).toBeInstanceOf(Base);
    const d = roundTrip(new Derived());
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(d).toEqual({ a: 1, b: 2 });
  });

  it('registering an id again replaces the class (a module evaluated twice)', () => {
    const make = () =>
      class Dup {
        v = 1;
      };
    const First = make();
    const Second = make();
    registerClass(First, { id: 'test.Dup' });
    registerClass(Second, { id: 'test.Dup' });
    expect(roundTrip(new Second())).toBeInstanceOf(Second);
    // The replaced class is no longer registered: it travels as a plain object.
    expect(Object.getPrototypeOf(roundTrip(new First()))).toBe(Object.prototype);
  });

  it('decoding an id nobody registered throws a SerializationError naming it', () => {
    class Gone {
      x = 1;
    }
    registerClass(Gone, { id: 'test.Gone' });
    const msg = serialize(new Gone());
    class Other {}
    registerClass(Other, { id: 'test.Other' });
    // forge the id: same length, so the message stays well-formed
    const forged = Buffer.from(msg.toString('latin1').replace('test.Gone', 'test.None'), 'latin1');
    expect(() => deserialize(forged)).toThrow(SerializationError);
    expect(() => deserialize(forged)).toThrow("class 'test.None' is not registered");
  });

  it('a throwing reduce is reported with its path and cause', () => {
    class Bad {}
    const boom = new Error('nope');
    registerClass(Bad, {
      id: 'test.Bad',
      reduce: () => {
        throw boom;
      },
    });
    let err: SerializationError | undefined;
    try {
      serialize({ list: [new Bad()] }, { label: 'args' });
    } catch (e) {
      err = e as SerializationError;
    }
    expect(err).toBeInstanceOf(SerializationError);
    expect(err?.message).toContain('args.list[0]');
    expect(err?.message).toContain("class 'test.Bad' threw: nope");
    expect(err?.cause).toBe(boom);
  });

  it('an Error subclass goes to the error registry (message and stack kept)', () => {
    class ViaRegisterClass extends Error {
      extra = 1;
    }
    registerClass(ViaRegisterClass);
    const r = roundTrip(new ViaRegisterClass('kept'));
    expect(r).toBeInstanceOf(ViaRegisterClass);
    expect(r.message).toBe('kept');
    expect(r.extra).toBe(1);
  });

  it('rejects what is not a class', () => {
    expect(() => registerClass(42 as never)).toThrow(TypeError);
  });
});
