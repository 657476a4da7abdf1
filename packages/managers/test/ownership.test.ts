/**
 * Lock ownership per async task: a manager RLock/Condition is owned by the calling task of a
 * process (connection + owner token), not by the whole process's connection.
 */
import { LockStateError, Manager, ownerScope, type SyncManager } from '@proc/managers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let m: SyncManager;
beforeAll(async () => {
  m = await Manager();
});
afterAll(async () => {
  await m?.shutdown();
});

/** A promise's state now, without waiting for it (a few server round trips let it move first). */
async function settledYet(p: Promise<unknown>, roundTrips: () => Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 5; i++) await roundTrips();
  return done;
}

/** A pair of gates: lets two tasks take turns deterministically. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

describe('RLock ownership per async task', () => {
  it('a second task blocks on an RLock the first holds; re-entry works inside the first', async () => {
    const r = await m.RLock();
    const held = gate();
    const letGo = gate();
    const events: string[] = [];
    const a = ownerScope(async () => {
      expect(await r.acquire()).toBe(true);
      expect(await r.acquire()).toBe(true); // re-entry within one task
      events.push('a holds');
      held.open();
      await letGo.wait;
      await r.release();
      expect(await r.locked()).toBe(true); // still held once
      events.push('a releases');
      await r.release();
    });
    const b = ownerScope(async () => {
      await held.wait;
      expect(await r.acquire({ block: false })).toBe(false);
      const acquiring = r.acquire();
      expect(await settledYet(acquiring, () => r.locked())).toBe(false);
      letGo.open();
      expect(await acquiring).toBe(true);
      events.push('b holds');
      await r.release();
    });
    await Promise.all([a, b]);
    expect(events).toEqual(['a holds', 'a releases', 'b holds']);
    expect(await r.locked()).toBe(false);
  });

  it('a task that does not own the RLock cannot release it (LockStateError)', async () => {
    const r = await m.RLock();
    const held = gate();
    const done = gate();
    const a = ownerScope(async () => {
      await r.acquire();
      held.open();
      await done.wait;
      await r.release();
    });
    const b = ownerScope(async () => {
      await held.wait;
      const err = await r.release().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LockStateError);
      expect((err as LockStateError).code).toBe('PROC_ERR_LOCK_STATE');
      expect(await r.locked()).toBe(true); // the owner's hold is intact
      done.open();
    });
    await Promise.all([a, b]);
    expect(await r.locked()).toBe(false);
  });

  it('code without ownerScope is one owner, as a single-threaded program is', async () => {
    const r = await m.RLock();
    await r.acquire();
    await (async () => {
      expect(await r.acquire({ block: false })).toBe(true);
      await r.release();
    })();
    await r.release();
    expect(await r.locked()).toBe(false);
  });
});

describe('Condition ownership per async task', () => {
  it('wait/notify are checked against the calling task; a notify from the owner wakes the waiter', async () => {
    const c = await m.Condition();
    const waiting = gate();
    const a = ownerScope(async () => {
      await c.acquire();
      waiting.open();
      // wait releases the lock so that task b can take it, then reacquires it for a.
      expect(await c.wait()).toBe(true);
      await c.release();
    });
    const b = ownerScope(async () => {
      await waiting.wait;
      // b does not hold the lock (a does, until its wait lets go): notify is refused.
      await expect(ownerScope(() => c.notify())).rejects.toBeInstanceOf(LockStateError);
      await c.acquire();
      await c.notify();
      await c.release();
    });
    await Promise.all([a, b]);
  });

  it('a task that does not hold the lock cannot wait', async () => {
    const c = await m.Condition();
    const held = gate();
    const done = gate();
    const a = ownerScope(async () => {
      await c.acquire();
      held.open();
      await done.wait;
      await c.release();
    });
    const b = ownerScope(async () => {
      await held.wait;
      await expect(c.wait({ timeout: 0 })).rejects.toBeInstanceOf(LockStateError);
      await expect(c.release()).rejects.toBeInstanceOf(LockStateError);
      done.open();
    });
    await Promise.all([a, b]);
  });
});
