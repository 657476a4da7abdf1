import { fileURLToPath } from 'node:url';
import type { FigureSpec } from '../catalog.ts';
import { hasMeasure } from '../figures/index.ts';
import { runPythonFigure } from '../python/runner.ts';
import { type JobOutcome, runJob } from './job.ts';
import type { Progress } from './progress.ts';
import type { TrialContext } from './trial.ts';

/** One measurement to take: ours for a figure, or a peer's (taken once, shared by figures). */
export type Step = { kind: 'proc'; name: string } | { kind: 'python'; key: string } | { kind: 'piscina'; key: string } | { kind: 'node'; key: string };

export interface Outcomes {
  proc: Map<string, JobOutcome>;
  python: Map<string, JobOutcome>;
  piscina: Map<string, JobOutcome>;
  node: Map<string, JobOutcome>;
}

/** Each figure's own measurement, then those of its peers not yet planned, figure by figure. */
export function planSteps(figures: readonly FigureSpec[], withPython: boolean, withNode = true): Step[] {
  const steps: Step[] = [];
  const seen = new Set<string>();
  const peer = (kind: 'python' | 'piscina' | 'node', key: string | undefined) => {
    if (!key || seen.has(`${kind}:${key}`)) return;
    seen.add(`${kind}:${key}`);
    steps.push({ kind, key });
  };
  for (const f of figures) {
    steps.push({ kind: 'proc', name: f.name });
    if (withPython) peer('python', f.python);
    peer('piscina', f.piscina);
    if (withNode) peer('node', f.node);
  }
  return steps;
}

const JOB_BOOT = fileURLToPath(new URL('./job-boot.mjs', import.meta.url));

export function stepLabel(step: Step): string {
  return step.kind === 'proc' ? `${step.name} (proc)` : `${step.key} (${step.kind})`;
}

export interface RunOptions {
  ctx: TrialContext;
  python?: string;
  timeoutMs: number;
  progress: Progress;
}

/** Runs the steps one after another (never two at once: they would share the cores). */
export async function runSteps(steps: readonly Step[], opts: RunOptions): Promise<Outcomes> {
  const out: Outcomes = { proc: new Map(), python: new Map(), piscina: new Map(), node: new Map() };
  const mode = opts.ctx.quick ? 'quick' : 'full';
  for (const step of steps) {
    const label = stepLabel(step);
    opts.progress.start(label);
    let r: JobOutcome;
    if (step.kind === 'python') {
      r = opts.python ? await runPythonFigure(opts.python, step.key, opts.ctx, opts.timeoutMs) : { error: 'no python', elapsedMs: 0 };
      out.python.set(step.key, r);
    } else {
      const name = step.kind === 'proc' ? step.name : step.key;
      if (step.kind === 'proc' && !hasMeasure(name)) {
        r = { error: `no proc measurement for ${name}. This is a bug in @proc/bench.`, elapsedMs: 0 };
      } else {
        const kind = step.kind === 'proc' ? 'proc' : 'node';
        r = await runJob({ command: process.execPath, args: [JOB_BOOT, kind, name, mode], timeoutMs: opts.timeoutMs, reportLeftovers: kind === 'proc' });
      }
      (step.kind === 'proc' ? out.proc : step.kind === 'piscina' ? out.piscina : out.node).set(name, r);
    }
    opts.progress.finish(label, summarize(r));
  }
  return out;
}

function summarize(r: JobOutcome): string {
  if (r.error) return `error (${(r.elapsedMs / 1000).toFixed(1)} s): ${r.error.slice(0, 160)}`;
  const t = (r.trials ?? []).map((v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)));
  return `trials ${t.join(', ')} (${(r.elapsedMs / 1000).toFixed(1)} s)${r.warning ? `; warning: ${r.warning}` : ''}`;
}
