/** Functions the benchmark runs in threads (exported: threads find them by module and name). */
export async function produce(q: { put(v: unknown): Promise<void> }, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
  await q.put(-1);
}

export function square(x: number): number {
  return x * x;
}

export async function dictGets(d: { get(k: string): Promise<unknown> }, n: number, out: { put(v: unknown): Promise<void> }): Promise<void> {
  for (let i = 0; i < 1000; i++) await d.get('x');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await d.get('x');
  await out.put(n / ((performance.now() - t0) / 1000));
}

/** A call that changes the dict (setdefault bumps its version): one round trip each, no reuse. */
export async function dictRoundTrips(
  d: { setdefault(k: string, v: unknown): Promise<unknown> },
  n: number,
  out: { put(v: unknown): Promise<void> },
): Promise<void> {
  for (let i = 0; i < 1000; i++) await d.setdefault('x', 42);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await d.setdefault('x', 42);
  await out.put(n / ((performance.now() - t0) / 1000));
}
