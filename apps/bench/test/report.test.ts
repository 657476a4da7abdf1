import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIGURES, FIXED_NAMES } from '../src/catalog.ts';
import { nameMatcher } from '../src/cli.ts';
import { median } from '../src/harness/trial.ts';
import { type FigureRow, ratio } from '../src/report/rows.ts';
import { renderSvg } from '../src/report/svg.ts';
import { renderTable } from '../src/report/table.ts';

const row = (value: number | null, python: number | null, higherIsBetter = true): FigureRow => ({
  value,
  unit: 'ops/s',
  higherIsBetter,
  python,
  ratio: ratio(value, python, higherIsBetter),
  peers: { python, piscina: null, node: null },
  what: 'test',
  ...(value === null ? { error: 'boom' } : {}),
});

describe('report', () => {
  it('makes ratios so that above 1 is better for proc in both directions', () => {
    expect(ratio(200, 100, true)).toBe(2);
    expect(ratio(5, 10, false)).toBe(2);
    expect(ratio(null, 10, true)).toBeNull();
    expect(ratio(10, null, false)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('marks where proc is behind and reports errors under the table', () => {
    const t = renderTable({ a_per_s: row(50, 100), b_ms: row(5, 10, false), c_per_s: row(null, 3) });
    expect(t).toMatch(/a_per_s .*0\.50x .*behind python/);
    expect(t).not.toMatch(/b_ms .*behind/);
    expect(t).toMatch(/c_per_s: boom/);
  });

  it('draws one bar per ratio, green ahead, red behind', () => {
    const svg = renderSvg({ a_per_s: row(50, 100), b_ms: row(5, 10, false), c_per_s: row(null, 3) }, 'x < y');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('x &lt; y');
    expect(svg.match(/fill="#c62828"><title>/g)?.length).toBe(1);
    expect(svg.match(/fill="#2e7d32"><title>/g)?.length).toBe(1);
    expect(svg).toContain('no figure: boom');
  });

  it('matches --only as a regex, or as a substring when it is not one', () => {
    expect(nameMatcher('^pool_')('pool_apply_tasks_per_s')).toBe(true);
    expect(nameMatcher('^pool_')('dummy_pool_map_chunk1_tasks_per_s')).toBe(false);
    expect(nameMatcher('dict_get(')('dict_get(')).toBe(true);
    expect(nameMatcher(undefined)('anything')).toBe(true);
  });

  it('keeps the fixed names, and the README documents every figure', () => {
    expect(FIXED_NAMES).toHaveLength(22);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const f of FIGURES) expect(readme, f.name).toContain(`\`${f.name}\``);
  });
});
