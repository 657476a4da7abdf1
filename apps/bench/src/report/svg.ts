import { writeFileSync } from 'node:fs';
import { formatRatio, formatValue } from './format.ts';
import type { FigureRow } from './rows.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A horizontal bar per figure: the ratio to Python on a log scale, from the 1x line, green where
 * proc is ahead and red where it is behind; figures without a ratio are listed in grey with why.
 * Hand-written SVG, no dependency.
 */
export function renderSvg(rows: Record<string, FigureRow>, subtitle: string): string {
  const entries = Object.entries(rows);
  const rowH = 22;
  const top = 64;
  const left = 290;
  const plotW = 520;
  const right = 250;
  const width = left + plotW + right;
  const height = top + entries.length * rowH + 40;
  const ratios = entries.map(([, r]) => r.ratio).filter((r): r is number => r !== null);
  // Decades shown: at least 0.1x..10x, widened to hold every ratio.
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(1, ...ratios))));
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(1, ...ratios))));
  const x = (r: number) => left + ((Math.log10(r) - lo) / (hi - lo)) * plotW;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  parts.push(`<text x="12" y="22" font-size="16" font-weight="bold">proc vs CPython multiprocessing: ratio, above 1x = proc ahead</text>`);
  parts.push(`<text x="12" y="42" fill="#555">${esc(subtitle)} · <tspan fill="#2e7d32">green: proc ahead</tspan> · <tspan fill="#c62828">red: proc behind</tspan> · log scale</text>`);
  const bottom = top + entries.length * rowH;
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${bottom}" stroke="${d === 0 ? '#222' : '#ddd'}" stroke-width="${d === 0 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${gx}" y="${bottom + 16}" text-anchor="middle" fill="#555">${formatRatio(10 ** d)}</text>`);
  }
  entries.forEach(([name, r], i) => {
    const y = top + i * rowH;
    const mid = y + rowH / 2 + 4;
    parts.push(`<text x="${left - 8}" y="${mid}" text-anchor="end">${esc(name)}</text>`);
    if (r.ratio === null) {
      const why = r.error ? `no figure: ${r.error}` : r.python === null ? `no Python peer (ours: ${formatValue(r.value)} ${r.unit})` : 'no ratio';
      parts.push(`<text x="${x(1) + 6}" y="${mid}" fill="#999">${esc(why.length > 90 ? `${why.slice(0, 89)}…` : why)}</text>`);
      return;
    }
    const x1 = x(1);
    const x2 = x(Math.min(10 ** hi, Math.max(10 ** lo, r.ratio)));
    const ahead = r.ratio >= 1;
    parts.push(`<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y + 4}" width="${Math.max(1, Math.abs(x2 - x1)).toFixed(1)}" height="${rowH - 8}" fill="${ahead ? '#2e7d32' : '#c62828'}"><title>${esc(`${name}: ours ${formatValue(r.value)} ${r.unit}, Python ${formatValue(r.python)} ${r.unit}`)}</title></rect>`);
    const label = `${formatRatio(r.ratio)}  (${formatValue(r.value)} vs ${formatValue(r.python)} ${r.unit})`;
    parts.push(`<text x="${(ahead ? x2 + 6 : x1 + 6).toFixed(1)}" y="${mid}" fill="#222">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function writeSvg(file: string, rows: Record<string, FigureRow>, subtitle: string): void {
  writeFileSync(file, renderSvg(rows, subtitle));
}
