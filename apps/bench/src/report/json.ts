import { writeFileSync } from 'node:fs';
import type { FigureRow } from './rows.ts';

export interface BenchMeta {
  startedAt: string;
  durationS: number;
  quick: boolean;
  only: string | null;
  node: string;
  python: string | null;
  cpus: number;
  platform: string;
}

export interface BenchReport {
  figures: Record<string, FigureRow>;
  meta: BenchMeta;
}

/** The fields first, in its order, then the extras (trials, errors, notes). */
function ordered(row: FigureRow): Record<string, unknown> {
  const { value, unit, higherIsBetter, python, ratio, peers, ...rest } = row;
  return { value, unit, higherIsBetter, python, ratio, peers, ...rest };
}

export function toJson(report: BenchReport): string {
  const figures = Object.fromEntries(Object.entries(report.figures).map(([k, r]) => [k, ordered(r)]));
  return `${JSON.stringify({ figures, meta: report.meta }, null, 2)}\n`;
}

export function writeJson(file: string, report: BenchReport): void {
  writeFileSync(file, toJson(report));
}
