/**
 * The host: every primitive created in this process, keyed by id, and the dispatch of frames
 * from every peer (socket or port) to them. It runs in the host worker thread.
 */
import { type CreateParams, Op } from '../protocol.js';
import { BarrierState } from './barrier-state.js';
import { type Conn, fail, type PrimState, reply } from './conn.js';
import { EventState } from './event-state.js';
import { ConditionState, LockState, SemaphoreState } from './lock-state.js';
import { QueueState } from './queue-state.js';
import { ValueState } from './value-state.js';

export class Engine {
  #prims = new Map<number, PrimState>();

  frame(conn: Conn, op: Op, prim: number, req: number, a: number, b: number, c: number, payload: Buffer): void {
    if (op === Op.Create) {
      this.#create(conn, prim, req, payload);
      return;
    }
    const s = this.#prims.get(prim);
    if (!s) {
      fail(conn, prim, req, 'HostGoneError', `primitive ${prim} is not hosted here (it was never created, or its host restarted)`);
      return;
    }
    s.handle(conn, op, req, a, b, c, payload);
  }

  #create(conn: Conn, prim: number, req: number, payload: Buffer): void {
    let params: CreateParams;
    try {
      params = JSON.parse(payload.toString('utf8')) as CreateParams;
    } catch {
      fail(conn, prim, req, 'TypeError', 'malformed create');
      return;
    }
    if (this.#prims.has(prim)) {
      reply(conn, prim, req);
      return;
    }
    let s: PrimState;
    switch (params.kind) {
      case 'queue':
        s = new QueueState(prim, params.maxsize);
        break;
      case 'lock':
        s = new LockState(prim, params.recursive);
        break;
      case 'semaphore':
        s = new SemaphoreState(prim, params.value, params.bounded);
        break;
      case 'condition': {
        const lock = this.#prims.get(params.lock);
        if (!(lock instanceof LockState)) {
          fail(conn, prim, req, 'TypeError', "a Condition's lock must be a Lock or RLock hosted by the same process");
          return;
        }
        s = new ConditionState(prim, lock);
        break;
      }
      case 'event':
        s = new EventState(prim);
        break;
      case 'barrier':
        s = new BarrierState(prim, params.parties, params.timeout, params.action, conn);
        break;
      case 'value':
        s = new ValueState(prim, params.typecode, params.values);
        break;
      default:
        fail(conn, prim, req, 'TypeError', `unknown primitive kind ${(params as { kind: string }).kind}`);
        return;
    }
    this.#prims.set(prim, s);
    reply(conn, prim, req);
  }

  /** A peer is gone: every primitive withdraws its waiters and takes back what it held. */
  drop(conn: Conn): void {
    conn.closed = true;
    for (const s of this.#prims.values()) s.drop(conn);
  }
}
