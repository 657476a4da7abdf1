/**
 * Buffer's UTF-8 methods without the argument checks of `toString`/`write`. Undocumented but
 * present on every Buffer since Node 0.x; msgpackr and others rely on them too.
 */
export type NodeBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number): number;
};
