/** Fargate's valid CPU units and, for each, the memory sizes (MiB) it accepts. */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** The memory sizes Fargate accepts with `cpu`, or undefined when `cpu` is not a Fargate size. */
export function fargateMemoryFor(cpu: number): number[] | undefined {
  return FARGATE_SIZES[cpu];
}

export const FARGATE_CPU_SIZES = Object.keys(FARGATE_SIZES).map(Number);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
