/**
 * How much a stream engine reads to get its stream, on the local Kafka broker: read
 * amplification = bytes the engine must read / bytes of its own stream, for
 * (a) the whole raw-streams topic from the beginning (a group reading everything, the previous
 *     design), (b) the stream's partition (Java-compatible murmur2 of its key) from its
 *     stream-init's timestamp minus the Coordinator's margin (the design the library uses), and
 *     (c) one topic per stream (1 by construction; its cost is topics: creation latency is
 *     measured here, partition-hours and limits are computed in the README).
 *
 * Scenario (BENCH_* to change): a 12-partition raw-streams topic; 20 earlier streams that have
 * ended, then 20 concurrent streams producing interleaved stream-data (about 1 KB each) with
 * their stream-init on the control topic first. Records are produced with the Java-compatible
 * partitioner, read back with their partition, offset, timestamp and size, and for each of the 20
 * concurrent streams the bytes each strategy reads up to its end-of-stream are summed.
 * Prints figures only; asserts nothing.
 */
import type { Message } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { STREAM_START_MARGIN_MS } from '../src/stream-engine-pipeline/runtime/engine-launcher';
import { kafkaClientOptions, loadKafka } from '../src/stream-engine-pipeline/runtime/kafka-connection';
import { partitionForKey } from '../src/stream-engine-pipeline/runtime/kafka-partitioner';
import { ensureKafka } from '../test/helpers/kafka-broker';

const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? '12');
const CONCURRENT = Number(process.env.BENCH_STREAMS ?? '20');
const EARLIER = Number(process.env.BENCH_EARLIER_STREAMS ?? '20');
const MESSAGES = Number(process.env.BENCH_MESSAGES_PER_STREAM ?? '250');
const TOPICS_TO_CREATE = Number(process.env.BENCH_TOPIC_CREATIONS ?? '20');
const PAYLOAD = 'x'.repeat(1_000);

interface Stored {
  readonly key: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly bytes: number;
  readonly end: boolean;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function main(): Promise<void> {
  const bootstrap = await ensureKafka();
  const kafka = loadKafka();
  const options = await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'stream-routing-bench');
  const run = `${process.pid}-${Date.now()}`;
  const raw = `bench-routing-raw-${run}`;
  const admin = new kafka.Admin(options);
  await admin.createTopics({ topics: [raw], partitions: PARTITIONS, replicas: 1 });
  const producer = new kafka.Producer({ ...options, idempotent: true, partitioner: (kafka as any).compatibilityPartitioner });
  const send = async (records: Array<{ key: string; value: string }>) => {
    await producer.send({ messages: records.map((r) => ({ topic: raw, key: Buffer.from(r.key), value: Buffer.from(r.value) })) });
  };
  const data = (streamId: string, seq: number) => JSON.stringify({ type: 'stream-data', version: 1, streamId, seq, data: PAYLOAD });
  const end = (streamId: string, lastSeq: number) => JSON.stringify({ type: 'end-of-stream', version: 1, streamId, lastSeq, at: new Date().toISOString(), reason: 'completed' });

  // earlier streams, ended before the concurrent ones start
  for (let s = 0; s < EARLIER; s++) {
    const id = `earlier-${run}-${s}`;
    await send([...Array.from({ length: MESSAGES }, (_, i) => ({ key: id, value: data(id, i) })), { key: id, value: end(id, MESSAGES - 1) }]);
  }
  await new Promise((r) => setTimeout(r, STREAM_START_MARGIN_MS + 1_000)); // older than the margin
  // the concurrent streams: each stream-init's time, then their data interleaved
  const streams = Array.from({ length: CONCURRENT }, (_, s) => `cam-${run}-${s}`);
  const initAt = new Map<string, number>();
  for (const id of streams) initAt.set(id, Date.now());
  for (let i = 0; i < MESSAGES; i += 10) {
    await send(streams.flatMap((id) => Array.from({ length: Math.min(10, MESSAGES - i) }, (_, j) => ({ key: id, value: data(id, i + j) }))));
  }
  await send(streams.map((id) => ({ key: id, value: end(id, MESSAGES - 1) })));
  await producer.close();

  // every record as stored, with its partition, offset, timestamp and size
  const total = (EARLIER + CONCURRENT) * (MESSAGES + 1);
  const stored: Stored[] = [];
  const consumer = new kafka.Consumer({ ...options, groupId: `bench-routing-${run}` });
  const stream = await consumer.consume({ topics: [raw], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
  for await (const m of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
    const value = m.value.toString();
    stored.push({
      key: m.key.toString(),
      partition: m.partition,
      offset: m.offset,
      timestamp: Number(m.timestamp),
      bytes: m.key.length + m.value.length,
      end: value.includes('"end-of-stream"'),
    });
    if (stored.length >= total) break;
  }
  await (stream as unknown as { close(cb: () => void): void }).close(() => undefined);
  await new Promise<void>((resolve) => consumer.close(true, () => resolve()));

  const whole: number[] = [];
  const routed: number[] = [];
  const allBytes = stored.reduce((sum, r) => sum + r.bytes, 0);
  for (const id of streams) {
    const own = stored.filter((r) => r.key === id);
    const ownBytes = own.reduce((sum, r) => sum + r.bytes, 0);
    const partition = partitionForKey(id, PARTITIONS);
    if (own.some((r) => r.partition !== partition)) throw new Error(`records of ${id} are not all on partition ${partition}: the partitioner is not Java-compatible`);
    const endOffset = own.find((r) => r.end)!.offset;
    const from = initAt.get(id)! - STREAM_START_MARGIN_MS;
    // (b): the partition from the first record at or after `from` up to the stream's end-of-stream
    const read = stored.filter((r) => r.partition === partition && r.timestamp >= from && r.offset <= endOffset);
    routed.push(read.reduce((sum, r) => sum + r.bytes, 0) / ownBytes);
    // (a): every partition from the beginning, until its end-of-stream has been seen (all of it here)
    whole.push(allBytes / ownBytes);
  }

  // (c) one topic per stream: how long creating a topic takes until a record can be produced to it
  const creations: number[] = [];
  const probe = new kafka.Producer({ ...options, idempotent: true });
  for (let i = 0; i < TOPICS_TO_CREATE; i++) {
    const topic = `bench-routing-stream-${run}-${i}`;
    const started = performance.now();
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    for (;;) {
      try {
        await probe.send({ messages: [{ topic, key: Buffer.from('k'), value: Buffer.from('v') }] });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    creations.push(performance.now() - started);
  }
  await probe.close();
  await admin.deleteTopics({ topics: [raw, ...Array.from({ length: TOPICS_TO_CREATE }, (_, i) => `bench-routing-stream-${run}-${i}`)] });
  await admin.close();

  const f = (x: number) => x.toFixed(2);
  console.log(`Read amplification: ${CONCURRENT} concurrent streams (${MESSAGES} stream-data of ~1 KB each) after ${EARLIER} earlier streams, ${PARTITIONS} partitions`);
  console.log('| strategy | median | p95 | max |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| whole topic from the beginning | ${f(median(whole))} | ${f(percentile(whole, 95))} | ${f(Math.max(...whole))} |`);
  console.log(`| stream's partition from its stream-init (minus ${STREAM_START_MARGIN_MS / 1000} s) | ${f(median(routed))} | ${f(percentile(routed, 95))} | ${f(Math.max(...routed))} |`);
  console.log('| one topic per stream | 1.00 | 1.00 | 1.00 |');
  console.log(`Topic creation until the first produce succeeds (local broker, ${TOPICS_TO_CREATE} topics): median ${median(creations).toFixed(0)} ms, max ${Math.max(...creations).toFixed(0)} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
