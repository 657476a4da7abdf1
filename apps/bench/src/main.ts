/**
 * @proc/bench: the seed's figures for proc, side by side in one run with CPython's
 * multiprocessing (src/python/mp_bench.py), piscina and bare Node. See README.md.
 */
import os from 'node:os';
import { FIGURES, FIXED_NAMES } from './catalog.ts';
import { nameMatcher, parseCli, USAGE } from './cli.ts';
import { killLiveJobs } from './harness/job.ts';
import { planSteps, runSteps } from './harness/plan.ts';
import { Progress } from './harness/progress.ts';
import { trialContext } from './harness/trial.ts';
import { findPython } from './python/runner.ts';
import { type BenchReport, writeJson } from './report/json.ts';
import { buildRow, type FigureRow } from './report/rows.ts';
import { writeSvg } from './report/svg.ts';
import { renderTable } from './report/table.ts';

let opts: ReturnType<typeof parseCli>;
try {
  opts = parseCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

// Ctrl-C or a kill: take every running job's process group down with us.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killLiveJobs();
    process.stderr.write(`\n${sig}: stopped; every benchmark process was killed.\n`);
    process.exit(130);
  });
}
process.once('exit', killLiveJobs);

const startedAt = new Date();
const ctx = trialContext(opts.quick);
// --only picks among every figure; --quick alone runs the fixed ones (issue 8's list).
const matches = nameMatcher(opts.only);
const skipped = (name: string): string | undefined => {
  if (opts.only !== undefined) return matches(name) ? undefined : `not selected by --only ${JSON.stringify(opts.only)}`;
  if (opts.quick && !FIXED_NAMES.includes(name)) return '--quick runs only the fixed figures (name it with --only to run it)';
  return undefined;
};
const selected = (name: string) => skipped(name) === undefined;
const figures = FIGURES.filter((f) => selected(f.name));
if (figures.length === 0) {
  process.stderr.write(`--only ${JSON.stringify(opts.only)} matches no figure. Figures: ${FIGURES.map((f) => f.name).join(', ')}\n`);
  process.exit(2);
}

const py = findPython(opts.python);
const python = 'path' in py ? py : undefined;
const pythonMissing = 'missing' in py ? py.missing : undefined;
if (pythonMissing) process.stderr.write(`Python figures will be null: ${pythonMissing}\n`);

// --quick leaves out the bare-Node peers (the ceiling, shown but never a ratio's base): the
// minute it has goes to proc and the peers the issues compare with.
const nodeSkipped = opts.quick ? '--quick leaves out the bare-Node peers (the default run has them)' : undefined;
const steps = planSteps(figures, python !== undefined, nodeSkipped === undefined);
const progress = new Progress(steps.length);
const outcomes = await runSteps(steps, {
  ctx,
  python: python?.path,
  timeoutMs: opts.quick ? 20_000 : 60_000,
  progress,
});
progress.end();

const rows: Record<string, FigureRow> = {};
for (const spec of FIGURES) rows[spec.name] = buildRow(spec, outcomes, { skipped, pythonMissing, nodeSkipped });
const shown = Object.fromEntries(Object.entries(rows).filter(([name]) => selected(name)));

const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
const report: BenchReport = {
  figures: rows,
  meta: {
    startedAt: startedAt.toISOString(),
    durationS,
    quick: opts.quick,
    only: opts.only ?? null,
    node: process.version,
    python: python?.version ?? null,
    cpus: os.cpus().length,
    platform: `${process.platform}-${process.arch}`,
  },
};

const subtitle = `${opts.quick ? 'quick run' : 'full run'}, ${report.meta.cpus} CPUs, Node ${process.version}, Python ${python?.version ?? 'absent'}, ${startedAt.toISOString().slice(0, 16)}Z, median of ${ctx.trials} trials`;
process.stdout.write(`\nproc benchmark: ${subtitle} (${durationS} s)\n\n`);
process.stdout.write(renderTable(shown));
if (opts.json) {
  writeJson(opts.json, report);
  process.stderr.write(`wrote ${opts.json}\n`);
}
if (opts.svg) {
  writeSvg(opts.svg, shown, subtitle);
  process.stderr.write(`wrote ${opts.svg}\n`);
}
