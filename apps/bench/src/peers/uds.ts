import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measure } from '../figures/support.ts';
import { withCleanup } from '../harness/cleanup.ts';
import { freshTrials, now, runTrials } from '../harness/trial.ts';

// Raw Unix sockets between two node processes: the ceiling for proc's connections.

const child = (name: string) => fileURLToPath(new URL(`./children/${name}`, import.meta.url));

async function withPeer<T>(script: string, args: string[], body: (sock: net.Socket) => Promise<T>): Promise<T> {
  return withCleanup(async (c) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'proc-bench-uds-'));
    c.add('remove socket folder', () => rmSync(dir, { recursive: true, force: true }));
    const sockPath = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sockPath, r));
    c.add('server.close()', () => server.close());
    const cp = spawn(process.execPath, [child(script), sockPath, ...args], { stdio: 'ignore' });
    c.add('stop peer child', async () => {
      if (cp.exitCode === null && cp.signalCode === null) {
        const gone = new Promise((r) => cp.once('exit', r));
        cp.kill('SIGKILL');
        await gone;
      }
    });
    const sock = await new Promise<net.Socket>((r) => server.once('connection', r));
    c.add('socket.destroy()', () => sock.destroy());
    return body(sock);
  });
}

/** 64 B ping-pong; a fresh echo child per trial. */
export const uds_pingpong_rt_per_s: Measure = (ctx) =>
  freshTrials(ctx, () =>
    withPeer('uds-echo.mjs', [], (sock) => {
      const msg = Buffer.alloc(64, 1);
      return new Promise<number>((resolve) => {
        let got = 0;
        let n = 0;
        // Warmed up as long as proc's round-trip figures are (V8 compiles the hot path late).
        let warming = true;
        let t0 = now();
        sock.on('data', (d) => {
          got += d.length;
          while (got >= 64) {
            got -= 64;
            if (warming) {
              if (now() - t0 > ctx.warm * 1000) {
                warming = false;
                t0 = now();
              }
            } else n++;
            if (!warming && now() - t0 > ctx.dur * 1000) {
              resolve(n / ((now() - t0) / 1000));
              sock.end();
              return;
            }
            sock.write(msg);
          }
        });
        sock.write(msg);
      });
    }),
  );

function oneway(mode: 'each' | 'bulk'): Measure {
  return (ctx) =>
    runTrials(ctx, () =>
      withPeer('uds-send.mjs', [mode, String(ctx.dur)], (sock) => {
        return new Promise<number>((resolve) => {
          let t0 = 0;
          let msgs = 0;
          let bytes = 0;
          let rest: Buffer | null = null;
          sock.on('data', (d: Buffer) => {
            if (!t0) t0 = now();
            bytes += d.length;
            if (mode === 'bulk') return;
            const buf = rest ? Buffer.concat([rest, d]) : d;
            let off = 0;
            while (buf.length - off >= 4) {
              const len = buf.readUInt32BE(off);
              if (buf.length - off - 4 < len) break;
              msgs++;
              off += 4 + len;
            }
            rest = off < buf.length ? buf.subarray(off) : null;
          });
          sock.on('end', () => {
            const s = (now() - t0) / 1000;
            resolve(mode === 'bulk' ? bytes / s / 1048576 : msgs / s);
          });
        });
      }),
    );
}

/** Framed 64 B messages, one write() per message. */
export const uds_oneway_msgs_per_s: Measure = oneway('each');
/** 1 MiB buffers. */
export const uds_1mib_mib_per_s: Measure = oneway('bulk');
