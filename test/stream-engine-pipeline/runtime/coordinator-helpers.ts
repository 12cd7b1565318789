/**
 * Test helpers for the Coordinator:
 * - control messages really go through Kafka: produced to a topic on the local broker, consumed
 *   back, and wrapped into the exact event an MSK event source mapping delivers (base64 key and
 *   value, records grouped by "<topic>-<partition>");
 * - ECS has no local implementation, so it is MOCKED: see fake-ecs.ts.
 */
import { KafkaBatchEvent, KafkaEventRecord } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { kafkaClientOptions, loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { createKeyTable, LocalDynamo } from '../../helpers/dynalite';

let tableCounter = 0;

/** A registry table (pk/sk) in dynalite. */
export function createRegistryTable(dynamo: LocalDynamo): Promise<string> {
  return createKeyTable(dynamo.client, `registry-${process.pid}-${++tableCounter}`, REGISTRY_PARTITION_KEY, REGISTRY_SORT_KEY);
}

const options = (bootstrap: string, clientId: string) => kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, clientId);

export async function createTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  const admin = new (loadKafka().Admin)(await options(bootstrap, 'coordinator-test-admin'));
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Produces messages (key = stream id; value = JSON text, or raw bytes for poison messages). */
export async function produce(bootstrap: string, topic: string, messages: Array<{ key?: string; value: string | Buffer }>): Promise<void> {
  const producer = new (loadKafka().Producer)({ ...await options(bootstrap, 'coordinator-test-producer'), idempotent: true });
  try {
    await producer.send({
      messages: messages.map((m) => ({
        topic,
        key: m.key === undefined ? undefined : Buffer.from(m.key),
        value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
      })),
    });
  } finally {
    await producer.close();
  }
}

let groupCounter = 0;

/** Reads `count` records of `topic` from the beginning, in the MSK event source mapping's record shape. */
export async function consumeRecords(bootstrap: string, topic: string, count: number): Promise<KafkaEventRecord[]> {
  const consumer = new (loadKafka().Consumer)({
    ...(await options(bootstrap, 'coordinator-test-consumer')),
    groupId: `coordinator-test-${process.pid}-${++groupCounter}`,
  });
  const records: KafkaEventRecord[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
    const deadline = setTimeout(() => stream.destroy(new Error(`read ${records.length} of ${count} records of ${topic} in 20 s`)), 20_000);
    try {
      for await (const m of stream) {
        records.push({
          topic: m.topic,
          partition: m.partition,
          offset: Number(m.offset),
          timestamp: Number(m.timestamp),
          timestampType: 'CREATE_TIME',
          key: m.key && m.key.length ? Buffer.from(m.key).toString('base64') : null,
          value: m.value && m.value.length ? Buffer.from(m.value).toString('base64') : null,
          headers: [],
        });
        if (records.length >= count) break;
      }
    } finally {
      clearTimeout(deadline);
      await new Promise<void>((resolve) => stream.close(() => resolve()));
    }
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return records;
}

/** The event an MSK (or self-managed Kafka) event source mapping delivers for these records. */
export function kafkaEvent(records: KafkaEventRecord[], eventSource: KafkaBatchEvent['eventSource'] = 'aws:kafka'): KafkaBatchEvent {
  const grouped: Record<string, KafkaEventRecord[]> = {};
  for (const r of records) (grouped[`${r.topic}-${r.partition}`] ??= []).push(r);
  return {
    eventSource,
    ...(eventSource === 'aws:kafka'
      ? { eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/pipeline/abcd1234-ab12-cd34-ef56-abcdef123456-1' }
      : {}),
    bootstrapServers: 'b-1.pipeline.kafka.us-east-1.amazonaws.com:9098',
    records: grouped,
  };
}
