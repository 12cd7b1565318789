/**
 * Consumer lag of many (consumer group, topic) pairs, read with as few Kafka requests as the
 * client allows:
 *
 * 1. Metadata of every topic at once (forced refresh, so partitions added since the last poll
 *    are seen: the client's cached metadata would otherwise hide them from listOffsets);
 * 2. at the same time, ListOffsets "latest" for every partition (one request per partition
 *    leader) and OffsetFetch for every group in one call (one FindCoordinator for all groups,
 *    then one OffsetFetch per coordinator carrying all of its groups);
 * 3. only for partitions where some group has lag or no commit: ListOffsets "earliest" (the log
 *    start offset, below which retention has deleted the records).
 *
 * Each partition's lag counts the records the group's consumer will still read: from where it
 * reads next (`readFrom`) to the end offset.
 * - committed offset at or above the log start: it reads from the committed offset;
 * - no committed offset, or one below the log start (retention deleted the records it would
 *   read next, KEDA #7936): the consumer resets by its offset reset policy, which the engine
 *   contract gives the engine (ENGINE_OFFSET_RESET): `earliest` reads from the log start (the
 *   retained backlog counts, so a new group with a backlog gets its first task), `latest` from
 *   the end (nothing counts).
 * Records that retention deleted never count.
 *
 * A topic that cannot be read (deleted, never created) fails only the pairs on that topic;
 * anything else that fails (broker unreachable, authentication) rejects the whole read.
 */
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { OffsetResetPolicy } from './pipeline-config';

/** The part of @platformatic/kafka's Admin the reader uses (a real Admin fits). */
export type LagAdmin = Pick<PlatformaticKafka.Admin, 'metadata' | 'listOffsets' | 'listConsumerGroupOffsets'>;

/** One thing to measure: a consumer group on a topic, under a caller's key (the engine name). */
export interface LagQuery {
  readonly key: string;
  readonly topic: string;
  readonly group: string;
  /** Where the group's consumers start without a usable committed offset. */
  readonly offsetReset: OffsetResetPolicy;
}

export interface PartitionLag {
  readonly partition: number;
  /** Broker id of the partition's leader (where its records are read). */
  readonly leader: number;
  /** The offset the next produced message gets (log end offset). */
  readonly endOffset: number;
  /** The group's committed offset, or undefined when it has none on this partition. */
  readonly committedOffset?: number;
  /** Set when the group has no committed offset on this partition. */
  readonly uncommitted: boolean;
  /** Earliest retained offset (the log start; read only where the group has lag or no commit). */
  readonly earliestOffset?: number;
  /** Where the group's consumer reads next (see the file comment). */
  readonly readFrom: number;
  /** endOffset - readFrom, never below 0. */
  readonly lag: number;
}

export interface LagReading {
  readonly ok: true;
  readonly key: string;
  readonly topic: string;
  /** The topic's id (Fetch requests name topics by id). */
  readonly topicId: string;
  readonly group: string;
  /** Sum of the partitions' lag. */
  readonly totalLag: number;
  readonly partitionCount: number;
  readonly partitions: PartitionLag[];
  /** Partitions on which the group has no committed offset. */
  readonly uncommittedPartitions: number;
}

export interface LagReadError {
  readonly ok: false;
  readonly key: string;
  readonly topic: string;
  readonly group: string;
  /** Human-readable: what could not be read and why. */
  readonly error: string;
  /** True when the topic does not exist. */
  readonly topicMissing: boolean;
}

export type LagResult = LagReading | LagReadError;

interface TopicLayout {
  readonly id: string;
  /** Leader broker id by partition index. */
  readonly leaders: number[];
}

const LATEST = -1n;
const EARLIEST = -2n;

/**
 * Reads the lag of every query. Resolves with one result per query key; rejects only when Kafka
 * cannot be read at all (then no lag is known).
 */
export async function readLag(admin: LagAdmin, queries: readonly LagQuery[]): Promise<Map<string, LagResult>> {
  const results = new Map<string, LagResult>();
  if (queries.length === 0) {
    return results;
  }
  const topicNames = [...new Set(queries.map((q) => q.topic))];

  // 1. partitions per topic; missing topics fail only their own queries
  const { layouts, topicErrors } = await topicLayouts(admin, topicNames);
  for (const q of queries) {
    const problem = topicErrors.get(q.topic);
    if (problem) {
      results.set(q.key, { ok: false, key: q.key, topic: q.topic, group: q.group, ...problem });
    }
  }
  const readable = queries.filter((q) => layouts.has(q.topic));
  if (readable.length === 0) {
    return results;
  }
  const partitionsOf = (topic: string) => range(layouts.get(topic)!.leaders.length);

  // 2. end offsets and the committed offsets of every group, at once
  const topicsByGroup = new Map<string, Set<string>>();
  for (const q of readable) {
    topicsByGroup.set(q.group, (topicsByGroup.get(q.group) ?? new Set()).add(q.topic));
  }
  const [endOffsets, groups] = await Promise.all([
    listOffsets(admin, [...layouts.keys()].map((name) => ({ name, partitions: partitionsOf(name) })), LATEST),
    admin.listConsumerGroupOffsets({
      groups: [...topicsByGroup].map(([groupId, topics]) => ({
        groupId,
        topics: [...topics].map((name) => ({ name, partitionIndexes: partitionsOf(name) })),
      })),
    }),
  ]);
  const committed = new Map<string, bigint>(); // `${group}\0${topic}\0${partition}` -> offset
  for (const group of groups) {
    for (const topic of group.topics) {
      for (const p of topic.partitions) {
        if (p.committedOffset >= 0n) {
          committed.set(`${group.groupId}\0${topic.name}\0${p.partitionIndex}`, p.committedOffset);
        }
      }
    }
  }

  // 3. log start offsets, only where some group has lag or no commit
  const needEarliest = new Map<string, Set<number>>();
  for (const q of readable) {
    for (const partition of partitionsOf(q.topic)) {
      const done = committed.get(`${q.group}\0${q.topic}\0${partition}`);
      if (done === undefined || done < (endOffsets.get(`${q.topic}\0${partition}`) ?? 0n)) {
        needEarliest.set(q.topic, (needEarliest.get(q.topic) ?? new Set()).add(partition));
      }
    }
  }
  const earliestOffsets = needEarliest.size === 0
    ? new Map<string, bigint>()
    : await listOffsets(admin, [...needEarliest].map(([name, set]) => ({ name, partitions: [...set] })), EARLIEST);

  for (const q of readable) {
    const layout = layouts.get(q.topic)!;
    const perPartition: PartitionLag[] = [];
    let totalLag = 0;
    let uncommittedPartitions = 0;
    for (const partition of partitionsOf(q.topic)) {
      const end = endOffsets.get(`${q.topic}\0${partition}`) ?? 0n;
      const done = committed.get(`${q.group}\0${q.topic}\0${partition}`);
      const earliest = earliestOffsets.get(`${q.topic}\0${partition}`);
      // a commit below the log start points at deleted records: the consumer resets as if it had none
      const usable = done !== undefined && (earliest === undefined || done >= earliest) ? done : undefined;
      const readFrom = usable ?? (q.offsetReset === 'earliest' ? earliest ?? 0n : end);
      const entry: PartitionLag = {
        partition,
        leader: layout.leaders[partition],
        endOffset: Number(end),
        ...(done !== undefined ? { committedOffset: Number(done) } : {}),
        uncommitted: done === undefined,
        ...(earliest !== undefined ? { earliestOffset: Number(earliest) } : {}),
        readFrom: Number(readFrom),
        lag: positive(end - readFrom),
      };
      if (entry.uncommitted) uncommittedPartitions++;
      totalLag += entry.lag;
      perPartition.push(entry);
    }
    results.set(q.key, {
      ok: true,
      key: q.key,
      topic: q.topic,
      topicId: layout.id,
      group: q.group,
      totalLag,
      partitionCount: perPartition.length,
      partitions: perPartition,
      uncommittedPartitions,
    });
  }
  return results;
}

/**
 * Messages a topic holds now: the sum over its partitions of end offset minus earliest retained
 * offset (the dead-letter topic's size). Rejects when the topic is missing or Kafka unreadable.
 */
export async function readTopicMessageCount(admin: LagAdmin, topic: string): Promise<number> {
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  const partitions = range(metadata.topics.get(topic)?.partitionsCount ?? 0);
  const [ends, earliest] = await Promise.all([
    listOffsets(admin, [{ name: topic, partitions }], LATEST),
    listOffsets(admin, [{ name: topic, partitions }], EARLIEST),
  ]);
  let count = 0;
  for (const partition of partitions) {
    const key = `${topic}\0${partition}`;
    count += positive((ends.get(key) ?? 0n) - (earliest.get(key) ?? 0n));
  }
  return count;
}

/** True for the client's "unknown topic" error (matched by code and message, not class). */
export function isUnknownTopicError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === 'PLT_KFK_USER' && /^Unknown topic/.test(e.message ?? '');
}

async function topicLayouts(admin: LagAdmin, topics: string[]): Promise<{
  layouts: Map<string, TopicLayout>;
  topicErrors: Map<string, { error: string; topicMissing: boolean }>;
}> {
  const layouts = new Map<string, TopicLayout>();
  const topicErrors = new Map<string, { error: string; topicMissing: boolean }>();
  const layoutOf = (metadata: PlatformaticKafka.ClusterMetadata, name: string): TopicLayout => {
    const topic = metadata.topics.get(name);
    return { id: topic?.id ?? '', leaders: (topic?.partitions ?? []).map((p) => p.leader) };
  };
  try {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    for (const name of topics) {
      layouts.set(name, layoutOf(metadata, name));
    }
    return { layouts, topicErrors };
  } catch (error) {
    if (!isUnknownTopicError(error)) {
      throw error; // Kafka itself cannot be read
    }
  }
  // some topic is missing: find out which, one topic at a time
  const answers = await Promise.all(topics.map((name) =>
    admin.metadata({ topics: [name], forceUpdate: true }).then(
      (metadata) => ({ name, layout: layoutOf(metadata, name) }),
      (error: unknown) => ({ name, error }))));
  for (const answer of answers) {
    if ('layout' in answer) {
      layouts.set(answer.name, answer.layout);
    } else if (isUnknownTopicError(answer.error)) {
      topicErrors.set(answer.name, { error: `topic ${answer.name} does not exist`, topicMissing: true });
    } else {
      topicErrors.set(answer.name, { error: `metadata of topic ${answer.name} failed: ${describeError(answer.error)}`, topicMissing: false });
    }
  }
  return { layouts, topicErrors };
}

async function listOffsets(admin: LagAdmin, topics: Array<{ name: string; partitions: number[] }>,
  timestamp: bigint): Promise<Map<string, bigint>> {
  const offsets = new Map<string, bigint>();
  const requested = topics.filter((t) => t.partitions.length > 0);
  if (requested.length === 0) {
    return offsets;
  }
  const answer = await admin.listOffsets({
    topics: requested.map((t) => ({ name: t.name, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
  });
  for (const topic of answer) {
    for (const p of topic.partitions) {
      offsets.set(`${topic.name}\0${p.partitionIndex}`, p.offset);
    }
  }
  return offsets;
}

/** One line for logs: the message and, for aggregated client errors, the inner messages. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const inner = (error as { errors?: unknown[] }).errors;
  const details = Array.isArray(inner) && inner.length > 0
    ? ` (${inner.map((e) => describeError(e)).join('; ')})`
    : '';
  const code = (error as { code?: string }).code;
  return `${code ? `${code}: ` : ''}${error.message}${details}`;
}

function positive(value: bigint): number {
  return value > 0n ? Number(value) : 0;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
