/** Numbers as the seed writes them: thousands separated, small ones with a few digits. */
export function formatValue(v: number | null): string {
  if (v === null) return '-';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

export function formatRatio(r: number | null): string {
  if (r === null) return '-';
  return r >= 10 ? `${r.toFixed(0)}x` : r >= 1 ? `${r.toFixed(2)}x` : `${r.toPrecision(2)}x`;
}
