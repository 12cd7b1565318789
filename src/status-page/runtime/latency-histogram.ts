/**
 * Response times of one check in one hour, as a small histogram with fixed logarithmic buckets:
 * bucket 0 holds 0 to 1 ms, bucket b >= 1 holds (2^((b-1)/4), 2^(b/4)] ms, so four buckets per
 * doubling and a quantile read back within about 9% of the true value (a 5-minute timeout is
 * bucket 73). What the CURRENT item keeps for the open hour; the HOURS item keeps only the p50
 * and p95 buckets of each complete hour.
 *
 * Stored as one array: [] when empty, else `[first bucket, count of first, count of first+1, ...]`
 * (a dense run between the lowest and the highest bucket seen: latencies of one service in one
 * hour sit close together, so the run is short and compresses well).
 *
 * Pure functions; arrays are never changed in place.
 */

/** [] or [first bucket, counts...]. */
export type LatencyHistogram = readonly number[];

const BUCKETS_PER_DOUBLING = 4;

/** The bucket of a latency in milliseconds. */
export function latencyBucket(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.ceil(BUCKETS_PER_DOUBLING * Math.log2(ms));
}

/** The latency a bucket stands for: the geometric middle of its bounds, in whole milliseconds. */
export function bucketLatencyMs(bucket: number): number {
  if (bucket <= 0) return 1;
  return Math.max(1, Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING)));
}

/** The histogram with one more sample. */
export function addLatency(histogram: LatencyHistogram, ms: number): LatencyHistogram {
  const bucket = latencyBucket(ms);
  if (histogram.length < 2) return [bucket, 1];
  const first = histogram[0];
  const counts = histogram.slice(1);
  if (bucket < first) {
    return [bucket, 1, ...new Array<number>(first - bucket - 1).fill(0), ...counts];
  }
  const pos = bucket - first;
  while (counts.length <= pos) counts.push(0);
  counts[pos]++;
  return [first, ...counts];
}

/** Number of samples. */
export function sampleCount(histogram: LatencyHistogram): number {
  let total = 0;
  for (let i = 1; i < histogram.length; i++) total += histogram[i];
  return total;
}

/** The bucket holding quantile `q` (0..1) by nearest rank; null when there is no sample. */
export function quantileBucket(histogram: LatencyHistogram, q: number): number | null {
  const total = sampleCount(histogram);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 1; i < histogram.length; i++) {
    seen += histogram[i];
    if (seen >= rank) return histogram[0] + i - 1;
  }
  return histogram[0] + histogram.length - 2;
}
