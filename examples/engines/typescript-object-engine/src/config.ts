/**
 * The engine contract's environment variables (see the README's table, and the engine contract in
 * the cdk-status-and-streams README): read once at start; a missing or invalid one is an error
 * naming the variable.
 */
import { list, positiveInteger, required, type Env } from './env.js';
import { kafkaSettingsFromEnv, type KafkaSettings } from './kafka-connection.js';

export const OFFSET_RESETS = ['earliest', 'latest'] as const;
export type OffsetReset = (typeof OFFSET_RESETS)[number];

export interface ObjectEngineConfig {
  readonly kafka: KafkaSettings;
  readonly engine: string;
  readonly inputTopics: readonly string[];
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  /** The group every task of the engine joins; the lag scaler reads its lag. */
  readonly consumerGroup: string;
  /** Where a partition the group never committed is read from (`earliest`: what the lag scaler counts). */
  readonly offsetReset: OffsetReset;
  readonly heartbeatIntervalMs: number;
  /** ENGINE_TASK_ID when set (local runs); on ECS the task id comes from the task metadata. */
  readonly taskId?: string;
  /** ECS_AGENT_URI, which ECS sets in every task: where scale-in protection is set. Unset in local runs. */
  readonly ecsAgentUri?: string;
}

export function objectEngineConfigFromEnv(env: Env = process.env): ObjectEngineConfig {
  const offsetReset = (env.ENGINE_OFFSET_RESET?.trim() || 'earliest') as OffsetReset;
  if (!OFFSET_RESETS.includes(offsetReset)) {
    throw new Error(`ENGINE_OFFSET_RESET must be one of ${OFFSET_RESETS.join(', ')}; got '${offsetReset}'`);
  }
  return {
    kafka: kafkaSettingsFromEnv(env),
    engine: required(env, 'ENGINE_NAME'),
    inputTopics: list(env, 'ENGINE_INPUT_TOPICS'),
    outputTopic: required(env, 'ENGINE_OUTPUT_TOPIC'),
    deadLetterTopic: required(env, 'ENGINE_DEAD_LETTER_TOPIC'),
    consumerGroup: required(env, 'ENGINE_CONSUMER_GROUP'),
    offsetReset,
    heartbeatIntervalMs: positiveInteger(env, 'ENGINE_HEARTBEAT_INTERVAL_SECONDS', 30) * 1000,
    taskId: env.ENGINE_TASK_ID?.trim() || undefined,
    ecsAgentUri: env.ECS_AGENT_URI?.trim() || undefined,
  };
}
