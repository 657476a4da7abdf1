import type { FigureSpec, Unit } from '../catalog.ts';
import type { JobOutcome } from '../harness/job.ts';
import type { Outcomes } from '../harness/plan.ts';
import { median } from '../harness/trial.ts';

export interface Peers {
  python: number | null;
  piscina: number | null;
  node: number | null;
}

/** One figure as the JSON file holds it (`value` through `peers` are fixed by issue 8). */
export interface FigureRow {
  value: number | null;
  unit: Unit;
  higherIsBetter: boolean;
  python: number | null;
  /** Ours over Python's, turned so that above 1 means proc is better; null without both. */
  ratio: number | null;
  peers: Peers;
  /** Ours against every peer, each made so that above 1 is better for proc (extra to issue 8). */
  ratios?: Peers;
  /** Why `value` is null. */
  error?: string;
  warning?: string;
  trials?: number[];
  note?: string;
  /** Wall time of proc's measurement job, start to exit (tunes the --quick budget). */
  seconds?: number;
  /** Why a peer figure is null. */
  peerErrors?: Partial<Record<keyof Peers, string>>;
  what: string;
}

/** Ours relative to a peer, made so that above 1 is better for proc whatever the direction. */
export function ratio(ours: number | null, peer: number | null, higherIsBetter: boolean): number | null {
  if (ours === null || peer === null || !(ours > 0) || !(peer > 0)) return null;
  return higherIsBetter ? ours / peer : peer / ours;
}

const medianOf = (o: JobOutcome | undefined): number | null => (o?.trials?.length ? median(o.trials) : null);

export interface RowContext {
  /** Why a figure was not run (`--only`, `--quick`), or undefined when it was. */
  skipped: (name: string) => string | undefined;
  /** Why there is no Python figure at all, when that is so. */
  pythonMissing?: string;
  /** Why the bare-Node peers were not measured, when they were not. */
  nodeSkipped?: string;
}

export function buildRow(spec: FigureSpec, o: Outcomes, rc: RowContext): FigureRow {
  const base = { unit: spec.unit, higherIsBetter: spec.higherIsBetter, what: spec.what };
  const skip = rc.skipped(spec.name);
  if (skip) return { ...base, value: null, python: null, ratio: null, peers: { python: null, piscina: null, node: null }, error: `not run: ${skip}` };
  const ours = o.proc.get(spec.name);
  const py = spec.python ? o.python.get(spec.python) : undefined;
  const pi = spec.piscina ? o.piscina.get(spec.piscina) : undefined;
  const nd = spec.node ? o.node.get(spec.node) : undefined;
  const value = medianOf(ours);
  const peers: Peers = { python: medianOf(py), piscina: medianOf(pi), node: medianOf(nd) };
  const peerErrors: FigureRow['peerErrors'] = {};
  if (spec.python && peers.python === null) peerErrors.python = rc.pythonMissing ?? py?.error ?? 'not measured';
  if (spec.piscina && peers.piscina === null) peerErrors.piscina = pi?.error ?? 'not measured';
  if (spec.node && peers.node === null) peerErrors.node = nd?.error ?? rc.nodeSkipped ?? 'not measured';
  const against = (peer: number | null) => ratio(value, peer, spec.higherIsBetter);
  const row: FigureRow = { ...base, value, python: peers.python, ratio: against(peers.python), peers };
  if (value !== null) row.ratios = { python: against(peers.python), piscina: against(peers.piscina), node: against(peers.node) };
  if (value === null) row.error = ours?.error ?? 'not measured';
  const warnings = [ours?.warning, py?.warning].filter(Boolean);
  if (warnings.length) row.warning = warnings.join('; ');
  if (ours?.trials) row.trials = ours.trials;
  if (ours?.note) row.note = ours.note;
  if (ours) row.seconds = Math.round(ours.elapsedMs / 100) / 10;
  if (Object.keys(peerErrors).length) row.peerErrors = peerErrors;
  return row;
}
