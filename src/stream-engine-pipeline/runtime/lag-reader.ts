/**
 * Consumer lag of many (consumer group, topic) pairs, read with as few Kafka requests as the
 * client allows:
 *
 * 1. Metadata of every topic at once (forced refresh, so partitions added since the last poll
 *    are seen: the client's cached metadata would otherwise hide them from listOffsets);
 * 2. ListOffsets "latest" for every partition (one request per partition leader);
 * 3. OffsetFetch for every group in one call (one FindCoordinator for all groups, then one
 *    OffsetFetch per coordinator carrying all of its groups);
 * 4. only when some group has no committed offset on some partition: ListOffsets "earliest"
 *    for those partitions.
 *
 * lag(partition) = end offset - committed offset (never below 0).
 *
 * A partition on which the group has NO committed offset is reported with `uncommitted: true`
 * and lag = end offset - earliest retained offset: everything still retained counts as pending.
 * That is what a consumer that starts from the earliest offset (the engines' setting) would
 * have to read, and it keeps a brand-new group with a backlog from looking idle (lag 0) and
 * never getting its first task. (A consumer reset to "latest" would skip that backlog; then the
 * reported lag overstates the work until the first commit, which only costs one early task.)
 *
 * A topic that cannot be read (deleted, never created) fails only the pairs on that topic;
 * anything else that fails (broker unreachable, authentication) rejects the whole read.
 */
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };

/** The part of @platformatic/kafka's Admin the reader uses (a real Admin fits). */
export type LagAdmin = Pick<PlatformaticKafka.Admin, 'metadata' | 'listOffsets' | 'listConsumerGroupOffsets'>;

/** One thing to measure: a consumer group on a topic, under a caller's key (the engine name). */
export interface LagQuery {
  readonly key: string;
  readonly topic: string;
  readonly group: string;
}

export interface PartitionLag {
  readonly partition: number;
  /** The offset the next produced message gets (log end offset). */
  readonly endOffset: number;
  /** The group's committed offset, or undefined when it has none on this partition. */
  readonly committedOffset?: number;
  /** Set when the group has no committed offset: lag counts from the earliest retained offset. */
  readonly uncommitted: boolean;
  /** Earliest retained offset (only read for uncommitted partitions). */
  readonly earliestOffset?: number;
  readonly lag: number;
}

export interface LagReading {
  readonly ok: true;
  readonly key: string;
  readonly topic: string;
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
  const { partitions, topicErrors } = await topicPartitions(admin, topicNames);
  for (const q of queries) {
    const problem = topicErrors.get(q.topic);
    if (problem) {
      results.set(q.key, { ok: false, key: q.key, topic: q.topic, group: q.group, ...problem });
    }
  }
  const readable = queries.filter((q) => partitions.has(q.topic));
  if (readable.length === 0) {
    return results;
  }

  // 2. end offsets
  const endOffsets = await listOffsets(admin, [...partitions].map(([name, count]) => ({ name, partitions: range(count) })), LATEST);

  // 3. committed offsets of every group, in one call
  const topicsByGroup = new Map<string, Set<string>>();
  for (const q of readable) {
    topicsByGroup.set(q.group, (topicsByGroup.get(q.group) ?? new Set()).add(q.topic));
  }
  const committed = new Map<string, bigint>(); // `${group}\0${topic}\0${partition}` -> offset
  const groups = await admin.listConsumerGroupOffsets({
    groups: [...topicsByGroup].map(([groupId, topics]) => ({
      groupId,
      topics: [...topics].map((name) => ({ name, partitionIndexes: range(partitions.get(name)!) })),
    })),
  });
  for (const group of groups) {
    for (const topic of group.topics) {
      for (const p of topic.partitions) {
        if (p.committedOffset >= 0n) {
          committed.set(`${group.groupId}\0${topic.name}\0${p.partitionIndex}`, p.committedOffset);
        }
      }
    }
  }

  // 4. earliest offsets, only where some group has no commit
  const needEarliest = new Map<string, Set<number>>();
  for (const q of readable) {
    for (const partition of range(partitions.get(q.topic)!)) {
      if (!committed.has(`${q.group}\0${q.topic}\0${partition}`)) {
        needEarliest.set(q.topic, (needEarliest.get(q.topic) ?? new Set()).add(partition));
      }
    }
  }
  const earliestOffsets = needEarliest.size === 0
    ? new Map<string, bigint>()
    : await listOffsets(admin, [...needEarliest].map(([name, set]) => ({ name, partitions: [...set] })), EARLIEST);

  for (const q of readable) {
    const perPartition: PartitionLag[] = [];
    let totalLag = 0;
    let uncommittedPartitions = 0;
    for (const partition of range(partitions.get(q.topic)!)) {
      const end = endOffsets.get(`${q.topic}\0${partition}`) ?? 0n;
      const done = committed.get(`${q.group}\0${q.topic}\0${partition}`);
      let entry: PartitionLag;
      if (done === undefined) {
        const earliest = earliestOffsets.get(`${q.topic}\0${partition}`) ?? 0n;
        entry = { partition, endOffset: Number(end), uncommitted: true, earliestOffset: Number(earliest), lag: positive(end - earliest) };
        uncommittedPartitions++;
      } else {
        entry = { partition, endOffset: Number(end), committedOffset: Number(done), uncommitted: false, lag: positive(end - done) };
      }
      totalLag += entry.lag;
      perPartition.push(entry);
    }
    results.set(q.key, {
      ok: true,
      key: q.key,
      topic: q.topic,
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

async function topicPartitions(admin: LagAdmin, topics: string[]): Promise<{
  partitions: Map<string, number>;
  topicErrors: Map<string, { error: string; topicMissing: boolean }>;
}> {
  const partitions = new Map<string, number>();
  const topicErrors = new Map<string, { error: string; topicMissing: boolean }>();
  try {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    for (const name of topics) {
      partitions.set(name, metadata.topics.get(name)?.partitionsCount ?? 0);
    }
    return { partitions, topicErrors };
  } catch (error) {
    if (!isUnknownTopicError(error)) {
      throw error; // Kafka itself cannot be read
    }
  }
  // some topic is missing: find out which, one topic at a time
  const answers = await Promise.all(topics.map((name) =>
    admin.metadata({ topics: [name], forceUpdate: true }).then(
      (metadata) => ({ name, count: metadata.topics.get(name)?.partitionsCount ?? 0 }),
      (error: unknown) => ({ name, error }))));
  for (const answer of answers) {
    if ('count' in answer) {
      partitions.set(answer.name, answer.count);
    } else if (isUnknownTopicError(answer.error)) {
      topicErrors.set(answer.name, { error: `topic ${answer.name} does not exist`, topicMissing: true });
    } else {
      topicErrors.set(answer.name, { error: `metadata of topic ${answer.name} failed: ${describeError(answer.error)}`, topicMissing: false });
    }
  }
  return { partitions, topicErrors };
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
