import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { busyPoll, setBusyPollWindow } from './busy-poll.js';

const immediates = () => process.getActiveResourcesInfo().filter((r) => r === 'Immediate').length;

describe('busyPoll', () => {
  let restore: number | undefined;
  afterEach(() => {
    if (restore !== undefined) setBusyPollWindow(restore);
    restore = undefined;
  });

  it('keeps the event loop turning for the window, then lets it sleep', async () => {
    restore = setBusyPollWindow(30_000);
    await sleep(40); // let an earlier window run out
    expect(immediates()).toBe(0);
    busyPoll();
    busyPoll(); // re-arming extends the deadline; it does not start a second chain
    expect(immediates()).toBe(1);
    let turns = 0;
    const start = performance.now();
    while (performance.now() - start < 10) {
      await new Promise<void>((r) => setImmediate(r));
      turns++;
    }
    expect(immediates()).toBe(1);
    await sleep(40);
    expect(immediates()).toBe(0);
    expect(turns).toBeGreaterThan(0);
  });

  it('does nothing with a window of 0', async () => {
    restore = setBusyPollWindow(0);
    await sleep(1);
    busyPoll();
    expect(immediates()).toBe(0);
  });

  it('refuses a window that is not a number of microseconds >= 0, with typed errors', () => {
    expect(() => setBusyPollWindow(-1)).toThrow(RangeError);
    expect(() => setBusyPollWindow(Number.NaN)).toThrow(RangeError);
    expect(() => setBusyPollWindow('5' as unknown as number)).toThrow(TypeError);
  });

  it('takes its window from PROC_BUSY_POLL_US (0 turns it off, default 50 µs)', () => {
    const url = new URL('../../dist/util/busy-poll.js', import.meta.url).href;
    const read = (value: string | undefined) => {
      const env = { ...process.env };
      if (value === undefined) delete env.PROC_BUSY_POLL_US;
      else env.PROC_BUSY_POLL_US = value;
      const out = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); console.log(m.setBusyPollWindow(0));`], {
        env,
        encoding: 'utf8',
      });
      expect(out.stderr).toBe('');
      return Number(out.stdout.trim());
    };
    expect(read(undefined)).toBe(50);
    expect(read('0')).toBe(0);
    expect(read('200')).toBe(200);
    expect(read('junk')).toBe(0);
  });
});
