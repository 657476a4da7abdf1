import { Op } from '../protocol.js';
import { decodeValues, encodeValues, typedArrayFor } from '../typecodes.js';
import { type Conn, fail, type PrimState, reply } from './conn.js';

/** Host side of Value and SharedArray: a typed array of the typecode (C-like wrapping on store). */
export class ValueState implements PrimState {
  readonly #id: number;
  readonly #data: ArrayLike<number | bigint> & { [i: number]: number | bigint };
  readonly #big: boolean;

  constructor(id: number, typecode: string, values: unknown[]) {
    this.#id = id;
    const arr = typedArrayFor(typecode, values.length);
    this.#big = arr instanceof BigInt64Array || arr instanceof BigUint64Array;
    this.#data = arr as never;
    this.#store(0, decodeValues(values));
  }

  #store(start: number, values: (number | bigint)[]): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      this.#data[start + i] = this.#big ? BigInt.asIntN(64, BigInt(v)) : Number(v);
    }
  }

  handle(conn: Conn, op: Op, req: number, _a: number, b: number, c: number, payload: Buffer): void {
    switch (op) {
      case Op.ValueGet: {
        const out: (number | bigint)[] = [];
        for (let i = b; i < c && i < this.#data.length; i++) out.push(this.#data[i]);
        reply(conn, this.#id, req, 0, 0, 0, Buffer.from(JSON.stringify(encodeValues(out))));
        return;
      }
      case Op.ValueSet: {
        const values = decodeValues(JSON.parse(payload.toString('utf8')) as unknown[]);
        if (b < 0 || b + values.length > this.#data.length) {
          fail(conn, this.#id, req, 'RangeError', `index out of range: ${b}..${b + values.length} of ${this.#data.length}`);
          return;
        }
        this.#store(b, values);
        reply(conn, this.#id, req);
        return;
      }
      default:
        fail(conn, this.#id, req, 'TypeError', `a value does not support op ${op}`);
    }
  }

  drop(): void {}
}
