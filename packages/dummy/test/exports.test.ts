import { describe, expect, it } from 'vitest';

describe('@proc/dummy mirrors @proc/processing', () => {
  it('exports exactly the same names', async () => {
    const dummy = Object.keys(await import('@proc/dummy')).sort();
    const processing = Object.keys(await import('@proc/processing')).sort();
    const missing = processing.filter((k) => !dummy.includes(k));
    const extra = dummy.filter((k) => !processing.includes(k));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('re-exports what is the same for both from the lower packages (same objects)', async () => {
    const dummy = (await import('@proc/dummy')) as Record<string, unknown>;
    const processing = (await import('@proc/processing')) as Record<string, unknown>;
    const shared = ['cpuCount', 'isMainProcess', 'currentProcess', 'ProcessError', 'TimeoutError', 'Listener', 'Client'];
    for (const name of shared) if (name in processing) expect(dummy[name], name).toBe(processing[name]);
  });
});
