/**
 * The few topic operations the topic provisioner needs, over a @platformatic/kafka Admin, each
 * with its own deadline (on top of the client's request timeout), so a broker that stops
 * answering cannot hold a CloudFormation stack.
 */
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { TopicSpec } from './pipeline-config';
import { withTimeout } from '../../shared/runtime/timers';

/** Kafka protocol error codes we act on (https://kafka.apache.org/protocol#protocol_error_codes). */
export const KAFKA_UNKNOWN_TOPIC_OR_PARTITION = 3;
export const KAFKA_TOPIC_ALREADY_EXISTS = 36;
/** ConfigResource type TOPIC and IncrementalAlterConfigs operation SET. */
const RESOURCE_TYPE_TOPIC = 2;
const CONFIG_OPERATION_SET = 0;

export interface ExistingTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface TopicAdmin {
  /** The named topics that exist (missing ones are left out). */
  describe(names: string[]): Promise<Map<string, ExistingTopic>>;
  /** Creates topics with their configs; a topic that already exists is not an error. */
  create(topics: TopicSpec[]): Promise<void>;
  /** Raises the partition count of a topic to `count`. */
  raisePartitions(name: string, count: number): Promise<void>;
  /** Sets (incrementally) the given configs of a topic; other configs are untouched. */
  setConfigs(name: string, config: Record<string, string>): Promise<void>;
  /** Deletes topics; a topic that does not exist is not an error. */
  delete(names: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Finds a Kafka protocol error code anywhere in an error (platformatic nests them). */
export function hasKafkaErrorCode(error: unknown, code: number, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { apiCode?: unknown; errors?: unknown; cause?: unknown };
  if (e.apiCode === code) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => hasKafkaErrorCode(inner, code, depth + 1))) return true;
  return hasKafkaErrorCode(e.cause, code, depth + 1);
}

/** A readable one-line description of a (possibly nested) Kafka client error. */
export function describeKafkaError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 5) return;
    const x = e as { apiId?: string; serverErrorMessage?: string; errors?: unknown[]; cause?: unknown; message?: string };
    if (x.apiId) details.push(x.serverErrorMessage ? `${x.apiId}: ${x.serverErrorMessage}` : x.apiId);
    x.errors?.forEach((inner) => visit(inner, depth + 1));
    if (x.cause) visit(x.cause, depth + 1);
  };
  visit(error, 0);
  return details.length ? `${error.message} (${[...new Set(details)].join('; ')})` : error.message;
}

/** The TopicAdmin over a @platformatic/kafka Admin; every call is bounded by `timeoutMs`. */
export function platformaticTopicAdmin(admin: PlatformaticKafka.Admin, timeoutMs = 15_000): TopicAdmin {
  const bounded = <T>(work: Promise<T>, label: string) => withTimeout(work, timeoutMs, `Kafka ${label}`);
  const existingNames = async (names: string[]) => {
    const all = new Set(await bounded(admin.listTopics(), 'ListTopics'));
    return names.filter((n) => all.has(n));
  };
  return {
    async describe(names) {
      const found = new Map<string, ExistingTopic>();
      const existing = await existingNames(names);
      if (existing.length === 0) return found;
      // forceUpdate: the client caches metadata, and a partition count raised a moment ago
      // would otherwise read as the old one.
      const metadata = await bounded(admin.metadata({ topics: existing, forceUpdate: true }), 'Metadata');
      for (const name of existing) {
        const topic = metadata.topics.get(name);
        if (topic) {
          found.set(name, { name, partitions: topic.partitionsCount, replicationFactor: topic.partitions[0]?.replicas.length ?? 0 });
        }
      }
      return found;
    },
    async create(topics) {
      for (const topic of topics) {
        try {
          await bounded(admin.createTopics({
            topics: [topic.name],
            partitions: topic.partitions,
            replicas: topic.replicationFactor,
            configs: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
          }), `CreateTopics ${topic.name}`);
        } catch (error) {
          if (!hasKafkaErrorCode(error, KAFKA_TOPIC_ALREADY_EXISTS)) throw error;
        }
      }
    },
    async raisePartitions(name, count) {
      await bounded(admin.createPartitions({ topics: [{ name, count }] }), `CreatePartitions ${name}`);
      await bounded(admin.metadata({ topics: [name], forceUpdate: true }), 'Metadata');
    },
    async setConfigs(name, config) {
      const configs = Object.entries(config).map(([key, value]) => ({ name: key, configOperation: CONFIG_OPERATION_SET as 0, value }));
      if (configs.length === 0) return;
      await bounded(admin.incrementalAlterConfigs({
        resources: [{ resourceType: RESOURCE_TYPE_TOPIC, resourceName: name, configs }],
      }), `IncrementalAlterConfigs ${name}`);
    },
    async delete(names) {
      const existing = await existingNames(names);
      if (existing.length === 0) return;
      try {
        await bounded(admin.deleteTopics({ topics: existing }), `DeleteTopics ${existing.join(',')}`);
      } catch (error) {
        if (!hasKafkaErrorCode(error, KAFKA_UNKNOWN_TOPIC_OR_PARTITION)) throw error;
      }
    },
    async close() {
      await withTimeout(admin.close(), 5_000, 'Kafka close').catch(() => undefined);
    },
  };
}
