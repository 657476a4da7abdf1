import { formatRatio, formatValue } from './format.ts';
import type { FigureRow } from './rows.ts';

const BEHIND = '<< behind';

function marker(row: FigureRow): string {
  if (row.error) return 'ERROR';
  const behind: string[] = [];
  if (row.ratio !== null && row.ratio < 1) behind.push('python');
  const { piscina } = row.peers;
  if (row.value !== null && piscina !== null && (row.higherIsBetter ? row.value < piscina : row.value > piscina)) behind.push('piscina');
  return behind.length ? `${BEHIND} ${behind.join(', ')}` : '';
}

/**
 * The table on stdout: ours, Python's, the ratio (above 1 = proc better), the other peers, and a
 * marker where proc is behind. Errors and warnings follow it, one line per figure.
 */
export function renderTable(rows: Record<string, FigureRow>): string {
  const head = ['figure', 'ours', 'unit', 'better', 'python', 'ratio', 'piscina', 'node', ''];
  const body = Object.entries(rows).map(([name, r]) => [
    name,
    r.error ? 'error' : formatValue(r.value),
    r.unit,
    r.higherIsBetter ? 'higher' : 'lower',
    formatValue(r.peers.python),
    formatRatio(r.ratio),
    formatValue(r.peers.piscina),
    formatValue(r.peers.node),
    marker(r),
  ]);
  const right = new Set([1, 4, 5, 6, 7]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...body.map(line)];
  out.push('', 'ratio = ours / Python where higher is better, Python / ours where lower is better: above 1x, proc is ahead.');
  const notes = Object.entries(rows).filter(([, r]) => r.note && !r.error);
  if (notes.length) {
    out.push('');
    for (const [name, r] of notes) out.push(`${name}: ${r.note}`);
  }
  const problems = Object.entries(rows).filter(([, r]) => r.error || r.warning);
  if (problems.length) {
    out.push('');
    for (const [name, r] of problems) {
      if (r.error) out.push(`${name}: ${r.error}`);
      if (r.warning) out.push(`${name}: warning: ${r.warning}`);
    }
  }
  return `${out.join('\n')}\n`;
}
