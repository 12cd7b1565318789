/**
 * Reads the stream's partitions directly, with no consumer group membership.
 *
 * The contract says a stream engine assigns its partitions itself: no group subscription, no
 * rebalance. @platformatic/kafka's `consumer.consume()` always joins the consumer group (its
 * MessagesStream fetches only what the group assigned to it), so this reader uses the client's
 * lower-level `consumer.fetch()` (a Kafka Fetch request to the partition's leader) on a Consumer
 * that never joins, and keeps the position of each partition itself. The stream's group is only
 * used to store offsets (stream-offsets.ts), as a standalone Java consumer with `assign()` does.
 */
import { IS_CONTROL, type Consumer, type RecordsBatch } from '@platformatic/kafka';
import type { TopicPartition } from './config.js';
import type { SourceRecord } from './dead-letter.js';
import type { Log } from './log.js';

export interface ReadRecord extends SourceRecord {
  readonly timestamp: bigint;
}

export interface PartitionPosition extends TopicPartition {
  /** The next offset to read. */
  offset: bigint;
}

/** Fetch limits: a fetch waits up to maxWaitMs for data, and returns at most maxBytes. */
export interface ReaderLimits {
  readonly maxWaitMs: number;
  readonly maxBytes: number;
}

const DEFAULT_LIMITS: ReaderLimits = { maxWaitMs: 500, maxBytes: 1024 * 1024 };
const EARLIEST = -2n;
const LATEST = -1n;

export class PartitionReader {
  private readonly positions: PartitionPosition[];
  private refreshMetadata = false;

  constructor(
    private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    start: readonly PartitionPosition[],
    private readonly log: Log,
    private readonly limits: ReaderLimits = DEFAULT_LIMITS,
  ) {
    this.positions = start.map((p) => ({ ...p }));
  }

  /** The records after the last ones returned, from every partition (may be none). */
  async read(): Promise<ReadRecord[]> {
    const topics = [...new Set(this.positions.map((p) => p.topic))];
    const metadata = await this.consumer.metadata({ topics, forceUpdate: this.refreshMetadata });
    this.refreshMetadata = false;
    const byLeader = new Map<number, PartitionPosition[]>();
    for (const position of this.positions) {
      const leader = metadata.topics.get(position.topic)!.partitions[position.partition].leader;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), position]);
    }
    const records: ReadRecord[] = [];
    for (const [leader, positions] of byLeader) {
      let response;
      try {
        response = await this.consumer.fetch({
          node: leader,
          maxWaitTime: this.limits.maxWaitMs,
          minBytes: 1,
          maxBytes: this.limits.maxBytes,
          topics: positions.map((p) => ({
            topicId: metadata.topics.get(p.topic)!.id,
            partitions: [{
              partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: this.limits.maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1,
            }],
          })),
        });
      } catch (error) {
        this.refreshMetadata = true; // a moved leader or a deleted topic shows in fresh metadata
        if ((error as { findBy?: (key: string, value: string) => unknown }).findBy?.('apiId', 'OFFSET_OUT_OF_RANGE')) {
          await Promise.all(positions.map((p) => this.moveIntoRange(p)));
          continue;
        }
        throw error;
      }
      for (const topicResponse of response.responses) {
        for (const partitionResponse of topicResponse.partitions) {
          const position = positions.find((p) =>
            metadata.topics.get(p.topic)!.id === topicResponse.topicId && p.partition === partitionResponse.partitionIndex)!;
          records.push(...this.decode(position, partitionResponse.records ?? []));
        }
      }
    }
    return records;
  }

  private decode(position: PartitionPosition, batches: readonly RecordsBatch[]): ReadRecord[] {
    const records: ReadRecord[] = [];
    for (const batch of batches) {
      const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      // eslint-disable-next-line no-bitwise -- a flag of the batch's attributes
      if (!(batch.attributes & IS_CONTROL)) { // transaction markers are not records
        for (const record of batch.records) {
          const offset = batch.firstOffset + BigInt(record.offsetDelta);
          if (offset >= position.offset) { // a compressed batch starts before the offset asked for
            records.push({
              topic: position.topic,
              partition: position.partition,
              offset,
              timestamp: batch.firstTimestamp + record.timestampDelta,
              key: record.key,
              value: record.value,
              headers: record.headers,
            });
          }
        }
      }
      if (next > position.offset) {
        position.offset = next;
      }
    }
    return records;
  }

  /** After OFFSET_OUT_OF_RANGE: retention deleted the records at the position, or it is past the end. */
  private async moveIntoRange(position: PartitionPosition): Promise<void> {
    const [earliest, latest] = await Promise.all([EARLIEST, LATEST].map(async (timestamp) => {
      const { topic, partition } = position;
      const offsets = await this.consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp });
      return offsets.get(topic)![partition];
    }));
    const moved = position.offset < earliest ? earliest : position.offset > latest ? latest : position.offset;
    if (moved !== position.offset) {
      this.log.warn(`${position.topic}:${position.partition} offset ${position.offset} is out of range [${earliest}, ${latest}]; reading from ${moved}`
        + (moved === earliest ? ' (retention deleted records this stream had not read)' : ''));
      position.offset = moved;
    }
  }
}
