/**
 * The engine contract's environment variables (see the README's table, and the engine contract in
 * the cdk-status-and-streams README): read once at start; a missing or invalid one is an error
 * naming the variable.
 */
import { list, positiveInteger, required, type Env } from './env.js';
import { kafkaSettingsFromEnv, type KafkaSettings } from './kafka-connection.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface StreamEngineConfig {
  readonly kafka: KafkaSettings;
  readonly engine: string;
  readonly streamId: string;
  readonly inputTopics: readonly string[];
  /** For each input topic, the partition holding this stream's key. */
  readonly partitions: readonly TopicPartition[];
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  readonly controlTopic: string;
  /** The stream's group: its committed offsets are where a relaunched task resumes. */
  readonly consumerGroup: string;
  /** Where to start when the group has no committed offset for a partition. */
  readonly startTimestampMs: number;
  readonly heartbeatIntervalMs: number;
  readonly launchAttempt: number;
  /** ENGINE_TASK_ID when set (local runs); on ECS the task id comes from the task metadata. */
  readonly taskId?: string;
}

/** `topic:partition,topic:partition`, one entry per input topic. */
function streamPartitions(env: Env, inputTopics: readonly string[]): TopicPartition[] {
  const name = 'ENGINE_STREAM_PARTITIONS';
  const partitions = list(env, name).map((entry) => {
    const colon = entry.lastIndexOf(':');
    const topic = entry.slice(0, colon);
    const partition = Number(entry.slice(colon + 1));
    if (colon < 1 || !Number.isInteger(partition) || partition < 0 || entry.slice(colon + 1) === '') {
      throw new Error(`${name} entries must be topic:partition (e.g. raw-streams:3); got '${entry}'`);
    }
    if (!inputTopics.includes(topic)) {
      throw new Error(`${name} names topic '${topic}', which is not in ENGINE_INPUT_TOPICS (${inputTopics.join(',')})`);
    }
    return { topic, partition };
  });
  for (const topic of inputTopics) {
    if (partitions.filter((p) => p.topic === topic).length !== 1) {
      throw new Error(`${name} must name exactly one partition of each input topic; '${topic}' has ${partitions.filter((p) => p.topic === topic).length}`);
    }
  }
  return partitions;
}

export function streamEngineConfigFromEnv(env: Env = process.env): StreamEngineConfig {
  const inputTopics = list(env, 'ENGINE_INPUT_TOPICS');
  const startText = required(env, 'ENGINE_START_TIMESTAMP_MS');
  const startTimestampMs = Number(startText);
  if (!Number.isSafeInteger(startTimestampMs) || startTimestampMs < 0) {
    throw new Error(`ENGINE_START_TIMESTAMP_MS must be epoch milliseconds (a non-negative integer); got '${startText}'`);
  }
  return {
    kafka: kafkaSettingsFromEnv(env),
    engine: required(env, 'ENGINE_NAME'),
    streamId: required(env, 'STREAM_ID'),
    inputTopics,
    partitions: streamPartitions(env, inputTopics),
    outputTopic: required(env, 'ENGINE_OUTPUT_TOPIC'),
    deadLetterTopic: required(env, 'ENGINE_DEAD_LETTER_TOPIC'),
    controlTopic: required(env, 'ENGINE_CONTROL_TOPIC'),
    consumerGroup: required(env, 'ENGINE_CONSUMER_GROUP'),
    startTimestampMs,
    heartbeatIntervalMs: positiveInteger(env, 'ENGINE_HEARTBEAT_INTERVAL_SECONDS', 30) * 1000,
    launchAttempt: positiveInteger(env, 'ENGINE_LAUNCH_ATTEMPT', 1),
    taskId: env.ENGINE_TASK_ID?.trim() || undefined,
  };
}
