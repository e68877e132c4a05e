/** Small helpers shared by the core benchmarks: medians and a fixed report line. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface BenchResult {
  name: string;
  baseline: number;
  value: number;
  ratio: number;
  goal: string;
  unit?: string;
}

export function report(r: BenchResult): string {
  const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 0));
  return `${r.name.padEnd(44)} baseline ${fmt(r.baseline).padStart(9)}  callbridge ${fmt(r.value).padStart(9)} ${r.unit ?? ''}  ratio ${r.ratio.toFixed(3)}  goal ${r.goal}`;
}
