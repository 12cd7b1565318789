import { loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { murmur2, partitionForKey } from '../../../src/stream-engine-pipeline/runtime/kafka-partitioner';

test('murmur2 gives the values of the Java client (Apache Kafka UtilsTest vectors)', () => {
  const vectors: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of vectors) expect([key, murmur2(Buffer.from(key))]).toEqual([key, expected]);
});

test('the partition is the one @platformatic/kafka\'s Java-compatible partitioner picks, for any key and partition count', () => {
  const { compatibilityPartitioner } = loadKafka() as unknown as { compatibilityPartitioner: (m: unknown, key: Buffer) => number };
  for (let i = 0; i < 2_000; i++) {
    const key = `stream-${i}-${'x'.repeat(i % 7)}`;
    for (const partitions of [1, 3, 12, 50]) {
      expect(partitionForKey(key, partitions)).toBe(compatibilityPartitioner({}, Buffer.from(key)) % partitions);
    }
  }
});
