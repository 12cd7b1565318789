/**
 * The stream's position is kept as committed offsets of ENGINE_CONSUMER_GROUP, which no member ever
 * joins: offsets are read and written with the Admin API (OffsetFetch / OffsetCommit outside a
 * generation), like a Java consumer that uses `assign()`.
 *
 * Start: the committed offset of each partition; a partition with none starts at the first offset
 * whose timestamp is >= ENGINE_START_TIMESTAMP_MS (ListOffsets by timestamp), or at the end when
 * no record is that recent.
 */
import type { Admin, Consumer } from '@platformatic/kafka';
import type { TopicPartition } from './config.js';
import type { Log } from './log.js';
import type { PartitionPosition } from './partition-reader.js';

const NONE = -1n;
const LATEST = -1n;

export async function startPositions(admin: Admin, consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, group: string,
  partitions: readonly TopicPartition[], startTimestampMs: number, log: Log): Promise<PartitionPosition[]> {
  const [committed] = await admin.listConsumerGroupOffsets({
    groups: [{ groupId: group, topics: topicsOf(partitions).map((name) => ({ name, partitionIndexes: partitionsOf(partitions, name) })) }],
  });
  const positions: PartitionPosition[] = [];
  for (const { topic, partition } of partitions) {
    const offset = committed.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? NONE;
    if (offset !== NONE) {
      log.info(`${topic}:${partition}: resuming at the committed offset ${offset} of group ${group}`);
      positions.push({ topic, partition, offset });
      continue;
    }
    const at = await offsetAt(consumer, topic, partition, BigInt(startTimestampMs));
    const start = at !== NONE ? at : await offsetAt(consumer, topic, partition, LATEST);
    log.info(`${topic}:${partition}: no committed offset in group ${group}; starting at offset ${start}`
      + (at !== NONE ? ` (the first record at or after ${new Date(startTimestampMs).toISOString()})` : ' (the end: no record since the start timestamp)'));
    positions.push({ topic, partition, offset: start });
  }
  return positions;
}

/** Commits `positions` (the next offset to read of each partition) to the stream's group. */
export async function commitPositions(admin: Admin, group: string, positions: ReadonlyMap<string, PartitionPosition>): Promise<void> {
  const list = [...positions.values()];
  await admin.alterConsumerGroupOffsets({
    groupId: group,
    topics: topicsOf(list).map((name) => ({
      name,
      partitionOffsets: list.filter((p) => p.topic === name).map(({ partition, offset }) => ({ partition, offset })),
    })),
  });
}

async function offsetAt(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, topic: string, partition: number, timestamp: bigint): Promise<bigint> {
  const offsets = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp });
  return offsets.get(topic)![partition];
}

function topicsOf(partitions: readonly TopicPartition[]): string[] {
  return [...new Set(partitions.map((p) => p.topic))];
}

function partitionsOf(partitions: readonly TopicPartition[], topic: string): number[] {
  return partitions.filter((p) => p.topic === topic).map((p) => p.partition);
}
