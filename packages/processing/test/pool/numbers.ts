/** Task functions for map-results.test.ts (workers import this module to find them). */
export function same(x: unknown): unknown {
  return x;
}

export function square(x: number): number {
  return x * x;
}

/** One result per item, of a different kind from its neighbours' (numbers, then not). */
export function mixed(x: number): unknown {
  return x % 5 === 0 ? `s${x}` : x / 2;
}
