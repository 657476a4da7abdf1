import { describe, expect, it } from 'vitest';
import { runNode } from './helpers.js';

const expected = `${[0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 'STOP'].join('\n')}\n`;

describe("the seed's program with only the import line changed to @proc/dummy", () => {
  it('runs with the manager queue and prints 0, 1, 4, ... 81, STOP', async () => {
    const r = await runNode('seed.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expected);
    expect(r.code).toBe(0);
  });

  it('runs with new Queue({ maxsize: 3 }) and prints the same lines', async () => {
    const r = await runNode('seed-queue.ts');
    expect(r.stdout).toBe(expected);
    expect(r.code).toBe(0);
  });
});
