/**
 * How many probes the checker runs at once when `probeConcurrency` is not given: every check at
 * once, up to MAX_PROBE_CONCURRENCY.
 *
 * Why at most 256: a probe holds one socket (`agent: false`) and little memory (the body is
 * scanned chunk by chunk, never kept), and a Lambda function may hold 1,024 file descriptors;
 * 256 probes leave three quarters of them to DNS, the AWS SDK's connections and the runtime,
 * and their buffers are a few MB of the checker's 512 MB. With 256 in flight, 1,000 checks are
 * four rounds: at a 10-second timeout (the default) the worst run is 40 s, inside the 55 s a
 * run may take at a one-minute interval, and 1,000 answers of 100 ms take well under a second.
 * The construct refuses, at synth, a page whose worst run would not fit its interval.
 */

/** The most probes in flight at once (also the largest `probeConcurrency` accepted). */
export const MAX_PROBE_CONCURRENCY = 256;

/** The default concurrency for a page of `checkCount` checks. */
export function defaultProbeConcurrency(checkCount: number): number {
  return Math.max(1, Math.min(MAX_PROBE_CONCURRENCY, checkCount));
}
