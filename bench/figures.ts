// One benchmark figure: a measured value beside its target. Every benchmark returns these;
// bench/run.ts prints them as a table or, with --json, as one object keyed by name.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. '< 50' or '>= 50000'; null for a reference figure with no target (a raw baseline). */
  target: string | null;
}

export function meets(f: Figure): boolean | null {
  if (f.target === null) return null;
  const m = /^(<=|>=|<|>)\s*(-?[\d.]+)$/.exec(f.target.trim());
  if (!m) return null;
  const t = Number(m[2]);
  switch (m[1]) {
    case '<':
      return f.value < t;
    case '<=':
      return f.value <= t;
    case '>':
      return f.value > t;
    default:
      return f.value >= t;
  }
}

/** p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}
