// A manager of your own type, served over TCP with an authkey (Python's remote-manager recipe):
// one process serves with getServer().serveForever() on ['127.0.0.1', 0], others connect() by
// address and key, and all of them share one object through proxies.
import { randomBytes } from 'node:crypto';
import { type Address, BaseProxy } from '@proc/managers';
import { BaseManager, Event, isMainProcess, Process, Queue } from '@proc/processing';

/** The shared object: it lives in the server process. */
export class Tally {
  #counts = new Map<string, number>();
  add(who: string, n: number): number {
    const total = (this.#counts.get(who) ?? 0) + n;
    this.#counts.set(who, total);
    return total;
  }
  totals(): [string, number][] {
    return [...this.#counts].sort(([a], [b]) => a.localeCompare(b));
  }
}

/** One Tally for every client, as Python's `register('get_queue', callable=lambda: queue)`. */
let theTally: Tally | undefined;
export function sharedTally(): Tally {
  theTally ??= new Tally();
  return theTally;
}

/** A typed proxy (optional: the default AutoProxy has the same methods, untyped). */
export class TallyProxy extends BaseProxy {
  add(who: string, n: number): Promise<number> {
    return this.$call('add', [who, n]) as Promise<number>;
  }
  totals(): Promise<[string, number][]> {
    return this.$call('totals') as Promise<[string, number][]>;
  }
}

export class TallyManager extends BaseManager {
  tally(): Promise<TallyProxy> {
    return this.create<TallyProxy>('tally');
  }
}
// Registered at import, so every process that imports this module knows the type.
TallyManager.register('tally', sharedTally, { proxyType: TallyProxy, createMethod: false });

/** The server process: serve until told to stop. */
export async function serve(authkey: Buffer, addresses: Queue<Address>, stop: Event): Promise<void> {
  const server = new TallyManager({ address: ['127.0.0.1', 0], authkey }).getServer();
  const serving = server.serveForever();
  await addresses.put(await server.listen()); // the real port, once bound
  await stop.wait();
  await server.shutdown();
  await serving;
}

/** Another process (it could be on another machine): connect by address and key. */
export async function client(address: Address, authkey: Buffer): Promise<void> {
  const m = new TallyManager({ address, authkey });
  await m.connect();
  const tally = await m.tally();
  for (let i = 0; i < 10; i++) await tally.add('child', 1);
  await m.shutdown(); // disconnects; the server goes on
}

if (isMainProcess()) {
  const authkey = randomBytes(32);
  const addresses = new Queue<Address>();
  const stop = new Event();
  const server = new Process({ target: serve, args: [authkey, addresses, stop] });
  await server.start();
  const address = await addresses.get();
  const [host, port] = address as [string, number];
  console.log(`served on ${host}:${port}`);

  const m = new TallyManager({ address, authkey });
  await m.connect();
  const tally = await m.tally();
  console.log('parent adds', await tally.add('parent', 5));

  const c = new Process({ target: client, args: [address, authkey] });
  await c.start();
  await c.join();
  console.log('client exit', c.exitCode);
  console.log('totals', await tally.totals());

  // A wrong key gets nowhere.
  const intruder = new TallyManager({ address, authkey: Buffer.from('guess') });
  await intruder.connect().catch((err: Error) => console.log('wrong key:', err.name));

  await m.shutdown();
  await stop.set();
  await server.join();
  console.log('server exit', server.exitCode);
}
