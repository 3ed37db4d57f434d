/** Samples and how they are summarised: the web benchmarks report medians with their spread. */

export interface Samples {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

export function summarize(samples: number[]): Samples {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { samples, median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN };
}

export const settle = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
