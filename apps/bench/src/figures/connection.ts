import type { ListenerLike, ProcessingApi } from '../api.ts';
import { processing } from '../api.ts';
import { type Cleanup, withCleanup } from '../harness/cleanup.ts';
import { calibratedTrials, freshTrials, median, now, runTrials, warmTimedLoop } from '../harness/trial.ts';
import { clientEcho, clientSender } from '../targets/targets.mjs';
import { AUTHKEY_HEX, joinOk, type Measure, stopLater, TARGETS } from './support.ts';

// Listener/Client over a Unix socket (the default address family) with an authkey, as the
// Python peer (AF_UNIX + authkey). Every accept includes the HMAC challenge both ways.

const authkey = () => Buffer.from(AUTHKEY_HEX, 'hex');

function listen(api: Pick<ProcessingApi, 'Listener'>, c: Cleanup): ListenerLike {
  const l = new api.Listener(undefined, { authkey: authkey() });
  c.add('listener.close()', () => l.close());
  return l;
}

/** A child sends n messages of `size` bytes, then an empty one; returns messages per second. */
function oneway(size: number): Measure {
  return async (ctx) => {
    const api = await processing('Listener', 'Process');
    const run = (n: number) =>
      withCleanup(async (c) => {
        const l = listen(api, c);
        const p = new api.Process({ target: clientSender, module: TARGETS, args: [l.address, AUTHKEY_HEX, n, size] });
        await p.start();
        stopLater(c, p);
        const conn = await l.accept();
        c.add('connection.close()', () => conn.close());
        await conn.recvBytes();
        const t0 = now();
        let got = 1;
        while ((await conn.recvBytes()).length > 0) got++;
        const s = (now() - t0) / 1000;
        await joinOk(p);
        return (got - 1) / s;
      });
    return calibratedTrials(ctx, size >= 1 << 20 ? 20 : 2000, run);
  };
}

export const conn_oneway_msgs_per_s: Measure = oneway(64);

/** 1 MiB messages: messages per second is MiB per second. */
export const conn_1mib_mib_per_s: Measure = oneway(1 << 20);

/** A fresh listener and echoing child per trial. */
export const conn_pingpong_rt_per_s: Measure = async (ctx) => {
  const api = await processing('Listener', 'Process');
  const trial = () =>
    withCleanup(async (c) => {
      const l = listen(api, c);
      const p = new api.Process({ target: clientEcho, module: TARGETS, args: [l.address, AUTHKEY_HEX] });
      await p.start();
      stopLater(c, p);
      const conn = await l.accept();
      c.add('connection.close()', () => conn.close());
      const msg = Buffer.alloc(64, 0x79);
      const rate = await warmTimedLoop(ctx, async (k) => {
        for (let i = 0; i < k; i++) {
          await conn.sendBytes(msg);
          await conn.recvBytes();
        }
      });
      await conn.sendBytes(Buffer.alloc(0));
      await joinOk(p);
      return rate;
    });
  return freshTrials(ctx, trial);
};

/** Client() connect + handshake against a listener accepting in the same process (as Python's thread). */
export const conn_handshake_ms: Measure = async (ctx) => {
  const api = await processing('Listener', 'Client');
  return withCleanup(async (c) => {
    const l = listen(api, c);
    let open = true;
    c.add('stop accepting', () => {
      open = false;
    });
    const acceptLoop = (async () => {
      while (open) {
        const conn = await l.accept();
        await conn.close();
      }
    })();
    acceptLoop.catch(() => {});
    const once = async () => {
      const lat: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = now();
        const conn = await api.Client(l.address, { authkey: authkey() });
        lat.push(now() - t0);
        await conn.close();
      }
      return median(lat);
    };
    // Connects for ctx.warm seconds first, as the round-trip figures warm up: the first hundreds
    // of handshakes run before V8 has compiled Node's net and stream code and ours (a few
    // dozen in, they took 0.6-1.4 ms here; warm, about 0.2 ms). Python has no such warm-up to do.
    const warmUp = async () => {
      const end = now() + ctx.warm * 1000;
      do await once();
      while (now() < end);
    };
    return runTrials(ctx, once, warmUp);
  });
};
