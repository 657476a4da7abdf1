/**
 * Runs one measurement in this process and prints its result line: `kind` is `proc` (a figure
 * in src/figures) or `node` (a peer in src/peers). One process per measurement, so a leak or a
 * stuck handle in one figure cannot touch the next, and a timeout can kill the whole process
 * group. The process exits by itself when the figure has cleaned up; the parent reports it when
 * it does not.
 */
import { fallbackNotes } from '../api.ts';
import { loadMeasure } from '../figures/index.ts';
import { loadPeerMeasure } from '../peers/index.ts';
import { cleanupProblems } from './cleanup.ts';
import { describeError, type JobResult, RESULT_MARKER } from './result-line.ts';
import { trialContext } from './trial.ts';

const [kind, name, mode] = process.argv.slice(2);
let sent = false;

function emit(result: JobResult): void {
  if (sent) return;
  sent = true;
  if (cleanupProblems.length) result.warning = `cleanup: ${cleanupProblems.join('; ')}`;
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

// A rejection nobody awaited (inside a library, say) fails the figure instead of the process
// dying with no result line.
process.on('unhandledRejection', (err) => {
  emit({ error: `unhandled rejection: ${describeError(err)}` });
  process.exitCode = 1;
});

try {
  const measure = kind === 'proc' ? await loadMeasure(name) : await loadPeerMeasure(name);
  const r = await measure(trialContext(mode === 'quick'));
  if (r.trials.length === 0 || r.trials.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new Error(`the measurement gave no usable number (trials: ${r.trials.join(', ')})`);
  }
  const note = [r.note, ...fallbackNotes].filter(Boolean).join('; ');
  emit({ trials: r.trials, ...(note ? { note } : {}) });
} catch (err) {
  const via = fallbackNotes.length ? ` [${fallbackNotes.join('; ')}]` : '';
  emit({ error: `${describeError(err)}${via}` });
  process.exitCode = 1;
}
