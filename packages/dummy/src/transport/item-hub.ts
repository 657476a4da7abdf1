/**
 * Where queue items that hold shared objects wait between `put` and `get`.
 *
 * A thread Queue carries items as bytes in shared memory, but a Lock, a Queue or a Pipe end is
 * made of SharedArrayBuffers and MessagePorts, which no byte encoding can carry: only a message
 * can move them to another thread. The receiver is unknown at `put` time (any thread holding
 * the queue may take the item) and may not even exist yet, and the putter may end before it is
 * taken. So such an item goes, packed (pack.ts), to a hub in the process's root thread, and the
 * queue holds only its id; the thread that takes the id fetches the item from the hub.
 *
 * Every dummy thread receives at boot a port linked to the hub (`childLink`). A thread that
 * dummy did not start (the main thread, or a user's own Worker) is its own hub: it serves the
 * threads it starts.
 */
import { MessageChannel, type MessagePort, type Transferable, threadId } from 'node:worker_threads';
import { isThreadAlive } from '../runtime/thread-table.js';
import type { Packed } from './pack.js';

export interface Deposit {
  value: unknown;
  transfer: Transferable[];
  /** The put failed after its id entered the queue (the item could not be packed): skip it. */
  dropped?: true;
}

type ToHub =
  | { type: 'proc:item.put'; id: number; value: unknown; transfer: Transferable[]; dropped?: true }
  | { type: 'proc:item.take'; id: number; req: number }
  | { type: 'proc:item.attach'; port: MessagePort };

type FromHub = { type: 'proc:item.given'; req: number; value: unknown; transfer: Transferable[]; dropped?: true };

interface HubState {
  /** Set in a dummy thread: its link to the hub. Unset: this thread is the hub. */
  link?: MessagePort;
  nextId: number;
  // As the hub:
  store: Map<number, Deposit>;
  parked: Map<number, Parked>;
  sweeper?: ReturnType<typeof setInterval>;
  // As a linked thread:
  nextReq: number;
  pending: Map<number, (d: Deposit) => void>;
}

interface Parked {
  resolve: (d: Deposit) => void;
  /** Sweeps that found the putter's thread ended. */
  deadSweeps: number;
}

const DROPPED: Deposit = { value: undefined, transfer: [], dropped: true };
const SWEEP_MS = 250;

const key = Symbol.for('proc.dummy.itemHub');

function state(): HubState {
  const g = globalThis as { [key]?: HubState };
  g[key] ??= { nextId: 0, store: new Map(), parked: new Map(), nextReq: 0, pending: new Map() };
  return g[key];
}

/** An id no other thread of this process makes (thread ids are unique; 2^32 ids each). */
export function newItemId(): number {
  return threadId * 2 ** 32 + state().nextId++;
}

/** Hands a packed item to the hub under `id` (a packed item's ports move with it). */
export function deposit(id: number, packed: Packed | null): void {
  const s = state();
  if (s.link) {
    const m: ToHub =
      packed === null
        ? { type: 'proc:item.put', id, value: undefined, transfer: [], dropped: true }
        : { type: 'proc:item.put', id, value: packed.value, transfer: packed.transfer };
    s.link.postMessage(m, packed?.transfer ?? []);
    return;
  }
  // Copied as a message would be: the caller may change its objects after put.
  const d: Deposit =
    packed === null
      ? DROPPED
      : structuredClone({ value: packed.value, transfer: packed.transfer }, { transfer: packed.transfer as never[] });
  hubPut(s, id, d);
}

/** Fetches (and removes) the item deposited under `id`, waiting for it if it is still on its way. */
export function fetchDeposit(id: number): Promise<Deposit> {
  const s = state();
  const link = s.link;
  if (!link) return hubTake(s, id);
  const req = s.nextReq++;
  if (s.pending.size === 0) link.ref();
  return new Promise<Deposit>((resolve) => {
    s.pending.set(req, resolve);
    link.postMessage({ type: 'proc:item.take', id, req } satisfies ToHub);
  });
}

/** A port for a thread about to start, linked to this thread's hub (pass it in its boot). */
export function childLink(): MessagePort {
  const s = state();
  const { port1, port2 } = new MessageChannel();
  if (s.link) s.link.postMessage({ type: 'proc:item.attach', port: port2 } satisfies ToHub, [port2]);
  else attach(s, port2);
  return port1;
}

/** At boot, in a dummy thread: the link its parent made. */
export function adoptLink(port: MessagePort): void {
  const s = state();
  s.link = port;
  port.on('message', (m: FromHub) => {
    if (m.type !== 'proc:item.given') return;
    const resolve = s.pending.get(m.req);
    if (!resolve) return;
    s.pending.delete(m.req);
    if (s.pending.size === 0) port.unref();
    resolve({ value: m.value, transfer: m.transfer, dropped: m.dropped });
  });
  // Idle links do not keep a thread alive; a pending fetch refs it (fetchDeposit).
  port.unref();
}

function attach(s: HubState, port: MessagePort): void {
  port.on('message', (m: ToHub) => {
    switch (m.type) {
      case 'proc:item.put':
        hubPut(s, m.id, { value: m.value, transfer: m.transfer, dropped: m.dropped });
        break;
      case 'proc:item.take':
        void hubTake(s, m.id).then((d) => {
          port.postMessage({ type: 'proc:item.given', req: m.req, value: d.value, transfer: d.transfer, dropped: d.dropped } satisfies FromHub, d.transfer);
        });
        break;
      case 'proc:item.attach':
        attach(s, m.port);
        break;
    }
  });
  port.unref();
}

function hubPut(s: HubState, id: number, d: Deposit): void {
  const parked = s.parked.get(id);
  if (!parked) {
    s.store.set(id, d);
    return;
  }
  s.parked.delete(id);
  if (s.parked.size === 0) stopSweeper(s);
  parked.resolve(d);
}

function hubTake(s: HubState, id: number): Promise<Deposit> {
  const d = s.store.get(id);
  if (d) {
    s.store.delete(id);
    return Promise.resolve(d);
  }
  // The deposit is on its way: an id enters the queue just before its item is sent. The
  // sweeper's timer is ref'd, so this thread stays alive until it arrives (links are unref'd).
  s.sweeper ??= setInterval(() => sweep(s), SWEEP_MS);
  return new Promise((resolve) => s.parked.set(id, { resolve, deadSweeps: 0 }));
}

/**
 * A putter terminated between writing an id and sending its item never sends it. Once its
 * thread has been seen ended on two sweeps (what it sent before it ended has arrived by then),
 * the getter is told the item was dropped and moves on to the next.
 */
function sweep(s: HubState): void {
  for (const [id, parked] of s.parked) {
    if (isThreadAlive(Math.floor(id / 2 ** 32)) || ++parked.deadSweeps < 2) continue;
    s.parked.delete(id);
    parked.resolve(DROPPED);
  }
  if (s.parked.size === 0) stopSweeper(s);
}

function stopSweeper(s: HubState): void {
  if (s.sweeper) clearInterval(s.sweeper);
  s.sweeper = undefined;
}
