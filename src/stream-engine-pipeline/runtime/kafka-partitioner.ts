/**
 * Which partition Kafka's Java client (and every client configured like it) puts a keyed record
 * on: murmur2 of the key's bytes, made positive with `& 0x7fffffff`, modulo the partition count.
 * The Coordinator tells each stream engine the partition of its stream's key with it; the engine
 * contract asks producers to partition the same way (@platformatic/kafka's
 * compatibilityPartitioner, confluent-kafka's `murmur2_random`, kafka-python's default).
 */

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2) of `data`, as a signed 32-bit integer. */
/* eslint-disable no-bitwise -- a hash function is bit arithmetic */
export function murmur2(data: Buffer): number {
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = (seed ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // the last 1 to 3 bytes
  const rest = length % 4;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2] << 16;
    if (rest >= 2) h ^= data[whole + 1] << 8;
    h ^= data[whole];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a record keyed `key` (UTF-8) in a topic of `partitions` partitions. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
/* eslint-enable no-bitwise */
