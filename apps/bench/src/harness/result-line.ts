/**
 * A job (a figure's measurement in its own process, Node or Python) prints its outcome as one
 * line on stdout that starts with this marker, so whatever else the figure's children print on
 * the inherited stdout cannot be mistaken for it. src/python/mp_bench.py uses the same marker.
 */
export const RESULT_MARKER = '@@proc-bench-result ';

export interface JobResult {
  trials?: number[];
  note?: string;
  error?: string;
  /** Not a failure of the figure, but worth knowing (a close that did not answer, say). */
  warning?: string;
  /** Extra facts a job reports (the Python version, say). */
  meta?: Record<string, unknown>;
}

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  let text = `${err.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${err.message}`;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) text += ` (cause: ${cause.message})`;
  return text.replace(/\s+/g, ' ').trim();
}
