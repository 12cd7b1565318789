/**
 * How the checker is sized from its checks when the props do not say: probes in flight and memory.
 *
 * Concurrency: every check at once, up to MAX_PROBE_CONCURRENCY. Why at most 256: a probe holds
 * one socket (`agent: false`) and little memory (the body is scanned chunk by chunk, never kept),
 * and a Lambda function may hold 1,024 file descriptors; 256 probes leave three quarters of them
 * to DNS, the AWS SDK's connections and the runtime, and their buffers are a few MB. With 256 in
 * flight, 1,000 checks are four rounds: at a 10-second timeout (the default) the worst run is
 * 40 s, inside the 55 s a run may take at a one-minute interval, and 1,000 answers of 100 ms take
 * four rounds of 100 ms. The construct refuses, at synth, a page whose worst run (checks /
 * concurrency rounds of the slowest timeout) would not fit its interval.
 *
 * Memory: Lambda gives CPU in proportion to memory (1,769 MB = one vCPU). A run costs about
 * 0.4 ms of CPU per check (bench/status-page-defaults.bench.ts: ~380 ms for 1,000 HTTP probes and
 * the store), so at 512 MB (0.29 vCPU) 1,000 checks would spend 1.3 s on CPU alone. The checker
 * gets 1.769 MB per check, at least 512 MB and at most 1,769 MB: one vCPU at 1,000 checks, which
 * keeps the CPU part of a run near 0.4 s at every size.
 */

/** The most probes in flight at once (also the largest `probeConcurrency` accepted). */
export const MAX_PROBE_CONCURRENCY = 256;

/** The default concurrency for a page of `checkCount` checks. */
export function defaultProbeConcurrency(checkCount: number): number {
  return Math.max(1, Math.min(MAX_PROBE_CONCURRENCY, checkCount));
}

const MIN_CHECKER_MEMORY_MIB = 512;
/** One full vCPU. */
const MAX_CHECKER_MEMORY_MIB = 1769;

/** The checker's memory (MB) for a page of `checkCount` checks. */
export function checkerMemoryMiB(checkCount: number): number {
  return Math.min(MAX_CHECKER_MEMORY_MIB, Math.max(MIN_CHECKER_MEMORY_MIB, Math.ceil(checkCount * 1.769)));
}
