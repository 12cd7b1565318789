/**
 * What a partition's lag really holds: a Fetch from where the group reads next tells
 * - the timestamp of the oldest record still to consume (time lag), and
 * - whether anything consumable is there at all. A transactional producer writes a commit or
 *   abort marker after each transaction; markers take offsets but are never delivered, so a
 *   consumer that read everything commits the offset of the marker, not the one after it, and
 *   offset arithmetic shows a lag of 1 forever (KEDA #5675). Records of aborted transactions are
 *   skipped too. A partition that holds only those has nothing to consume.
 *
 * The fetch reads committed data only (isolation READ_COMMITTED, like the engines), asks no
 * broker to wait (maxWaitTime 0) and asks for 64 KiB of each partition: the broker always sends
 * the first batch whole, however large (which tells that records are there, and their age), and
 * 64 KiB holds many markers and small aborted batches. A partition it cannot decide (fetch failed, response cut short, records of an
 * open transaction) is left out of the answer: its offset lag stands.
 */
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { describeError } from './lag-reader';
import { runBounded } from '../../shared/runtime/bounded-pool';

/** The part of @platformatic/kafka's Consumer the probe uses (a Consumer that joins no group fits). */
export type RecordFetcher = Pick<PlatformaticKafka.Consumer, 'fetch'>;

export interface ProbeRequest {
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
  /** Broker id of the partition's leader. */
  readonly leader: number;
  /** Where the group reads next. */
  readonly from: number;
  /** The end offset the lag was computed with. */
  readonly end: number;
}

export type ProbeResult =
  /** Records to consume; the oldest was written at `oldestTimestamp` (epoch ms). */
  | { readonly pending: true; readonly oldestTimestamp: number }
  /** Nothing to consume between `from` and `end`: transaction markers or aborted records only. */
  | { readonly pending: false };

export interface ProbeAnswer {
  /** By `probeKey(topic, partition, from)`; partitions that could not be decided are absent. */
  readonly results: Map<string, ProbeResult>;
  /** Why some fetches failed (for the log). */
  readonly errors: string[];
}

const READ_COMMITTED = 1;
const PARTITION_MAX_BYTES = 65_536;
/** Partitions per Fetch: a response holds about 2 MiB at most. */
const PARTITIONS_PER_FETCH = 32;
const FETCHES_AT_ONCE = 4;
/** Batch attribute bits (Kafka's record batch v2). */
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

/** Whether a batch's attributes have the given bit set. */
function hasFlag(attributes: number, flag: number): boolean {
  // eslint-disable-next-line no-bitwise -- Kafka's batch attributes are a bit field
  return (attributes & flag) !== 0;
}

/** Groups on one topic may read a partition from different offsets: each position is its own probe. */
export function probeKey(topic: string, partition: number, from: number): string {
  return `${topic}\0${partition}\0${from}`;
}

/** Reads the start of each requested partition; never rejects. */
export async function probeRecords(fetcher: RecordFetcher, requests: readonly ProbeRequest[]): Promise<ProbeAnswer> {
  const results = new Map<string, ProbeResult>();
  const errors: string[] = [];
  // one fetch per leader and up to PARTITIONS_PER_FETCH partitions, each partition at most
  // once in a fetch (a partition read from two positions goes into two fetches)
  const unique = new Map(requests.filter((q) => q.end > q.from).map((r) => [probeKey(r.topic, r.partition, r.from), r]));
  const fetches: ProbeRequest[][] = [];
  const fetchesByLeader = new Map<number, ProbeRequest[][]>();
  for (const r of unique.values()) {
    const open = fetchesByLeader.get(r.leader) ?? [];
    fetchesByLeader.set(r.leader, open);
    let fetch = open.find((f) => f.length < PARTITIONS_PER_FETCH && !f.some((q) => q.topicId === r.topicId && q.partition === r.partition));
    if (!fetch) {
      fetch = [];
      open.push(fetch);
      fetches.push(fetch);
    }
    fetch.push(r);
  }
  const settled = await runBounded(fetches.map((batch) => () => fetchStart(fetcher, batch)), FETCHES_AT_ONCE);
  settled.forEach((outcome, i) => {
    if (!outcome.ok) {
      errors.push(`fetch from broker ${fetches[i][0].leader} failed: ${describeError(outcome.error)}`);
      return;
    }
    for (const [key, result] of outcome.value) results.set(key, result);
  });
  return { results, errors };
}

async function fetchStart(fetcher: RecordFetcher, batch: ProbeRequest[]): Promise<Map<string, ProbeResult>> {
  const topics = new Map<string, ProbeRequest[]>();
  for (const r of batch) topics.set(r.topicId, [...(topics.get(r.topicId) ?? []), r]);
  const response = await fetcher.fetch({
    node: batch[0].leader,
    isolationLevel: READ_COMMITTED,
    maxWaitTime: 0,
    minBytes: 1,
    maxBytes: PARTITIONS_PER_FETCH * PARTITION_MAX_BYTES,
    topics: [...topics].map(([topicId, list]) => ({
      topicId,
      partitions: list.map((r) => ({
        partition: r.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(r.from), lastFetchedEpoch: -1, partitionMaxBytes: PARTITION_MAX_BYTES,
      })),
    })),
  });
  const results = new Map<string, ProbeResult>();
  for (const topic of response.responses) {
    for (const answer of topic.partitions) {
      const request = batch.find((r) => r.topicId === topic.topicId && r.partition === answer.partitionIndex);
      const result = request && answer.errorCode === 0 ? readStart(request, answer) : undefined;
      if (request && result) results.set(probeKey(request.topic, request.partition, request.from), result);
    }
  }
  return results;
}

/** The first consumable record at or after `from`, or proof that there is none before `end`. */
function readStart(request: ProbeRequest, answer: PlatformaticKafka.fetchV17.FetchResponsePartition): ProbeResult | undefined {
  const from = BigInt(request.from);
  // as a read_committed consumer does: a producer's batches are aborted from the first offset of
  // its aborted transaction until its next marker
  const aborted = [...answer.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedProducers = new Set<bigint>();
  let scannedTo = from;
  for (const batch of answer.records ?? []) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (aborted.length > 0 && aborted[0].firstOffset <= lastOffset) {
      abortedProducers.add(aborted.shift()!.producerId);
    }
    if (lastOffset < from) continue; // a batch may start before the requested offset
    const transactional = hasFlag(batch.attributes, TRANSACTIONAL);
    if (hasFlag(batch.attributes, CONTROL)) {
      abortedProducers.delete(batch.producerId);
    } else if (!(transactional && abortedProducers.has(batch.producerId))) {
      const record = batch.records.find((r) => batch.firstOffset + BigInt(r.offsetDelta) >= from);
      if (record) {
        const timestamp = hasFlag(batch.attributes, LOG_APPEND_TIME) ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta;
        return { pending: true, oldestTimestamp: Number(timestamp) };
      }
    }
    scannedTo = lastOffset + 1n;
  }
  return scannedTo >= BigInt(request.end) ? { pending: false } : undefined;
}
