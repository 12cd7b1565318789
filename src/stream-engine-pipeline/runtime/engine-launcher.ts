/**
 * The Coordinator's calls to ECS for stream engine tasks: the RunTask request (awsvpc, private,
 * tagged, the engine contract as container overrides), how one RunTask answer is classified,
 * and the small ECS API the scheduler uses (ListTasks, DescribeTasks, StopTask).
 *
 * A launch is identified by (stream, stream-init generation, engine, launch number):
 * - `startedBy` names it (launchStartedBy), so ListTasks finds a task an earlier, interrupted
 *   call started before a second one is tried;
 * - the client token adds the token generation, which moves on only when an answer proves that
 *   the call started nothing (a capacity failure, throttling); after a timeout or a server error
 *   the same token is sent again, so ECS returns the task that call may have started.
 * Retries are the scheduler's: a launch that could not start is tried again on a later pass,
 * after a back-off, while the stream keeps its slot.
 */
import { createHash } from 'node:crypto';
import type {
  DescribeTasksCommandInput, DescribeTasksCommandOutput, ListTasksCommandInput, ListTasksCommandOutput,
  RunTaskCommandInput, RunTaskCommandOutput, StopTaskCommandInput,
} from '@aws-sdk/client-ecs';
import {
  ENV_CONSUMER_GROUP, ENV_DEAD_LETTER_TOPIC, ENV_ENGINE_NAME, ENV_INPUT_TOPICS, ENV_LAUNCH_ATTEMPT, ENV_OUTPUT_TOPIC, ENV_START_TIMESTAMP,
  ENV_STREAM_ID, ENV_STREAM_PARTITIONS,
} from './environment';
import { partitionForKey } from './kafka-partitioner';
import { EngineRefs, PipelineConfig, StreamEngineConfig } from './pipeline-config';

/** The ECS calls of the Coordinator (the real ECSClient behind it in Lambda, a fake in tests). */
export interface EcsApi {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
  listTasks(input: ListTasksCommandInput): Promise<Pick<ListTasksCommandOutput, 'taskArns'>>;
  describeTasks(input: DescribeTasksCommandInput): Promise<Pick<DescribeTasksCommandOutput, 'tasks' | 'failures'>>;
  stopTask(input: StopTaskCommandInput): Promise<unknown>;
}

/** One launch: which stream, generation, engine and launch number. */
export interface LaunchId {
  readonly streamId: string;
  readonly generation: number;
  readonly engine: string;
  /** 1 for the first task of this engine and stream, 2 for its first relaunch, ... */
  readonly launch: number;
  readonly tokenGeneration: number;
  /** Epoch ms of the stream-init: the stream's data starts at or after it. */
  readonly arrivedAt: number;
}

/**
 * A stream engine starts reading this long before its stream-init's timestamp: record timestamps
 * come from the producers' clocks, which may differ a little between the process that sends the
 * stream-init and the one that sends the data (reading a few seconds more costs little: the
 * engine skips other streams' records).
 */
export const STREAM_START_MARGIN_MS = 30_000;

/** `topic:partition,...`: where each input topic keeps the stream's records (Java-compatible murmur2 of its key). */
export function streamPartitions(engine: StreamEngineConfig, streamId: string): string {
  return engine.inputTopics.map((topic, i) => `${topic}:${partitionForKey(streamId, engine.inputPartitions[i])}`).join(',');
}

/**
 * One RunTask answer:
 * - started: the task ARN;
 * - no-task: the answer proves nothing started (capacity, throttling): try later with a new token;
 * - uncertain: a task may have started (timeout, server error): try later with the same token;
 * - permanent: trying again cannot help (bad parameters, access denied, no such task definition).
 */
export type RunTaskOutcome =
  | { readonly kind: 'started'; readonly taskArn: string }
  | { readonly kind: 'no-task' | 'uncertain' | 'permanent'; readonly error: string };

/**
 * The start of every `startedBy` of this pipeline's stream engine tasks: `sep-` and 8 hex digits
 * of the pipeline name. ECS allows 36 characters in `startedBy`, so a pipeline name cannot be in
 * it; the task-stopped rule matches this prefix.
 */
export function taskStartedByPrefix(pipelineName: string): string {
  return `sep-${createHash('sha256').update(pipelineName).digest('hex').slice(0, 8)}-`;
}

/**
 * `startedBy` of one launch of one engine for one stream (33 characters): the prefix and 20 hex
 * digits of (stream, stream-init generation, engine, launch attempt), so ListTasks can find the
 * task of exactly this launch.
 */
export function launchStartedBy(pipelineName: string, streamId: string, generation: number, engine: string, attempt: number): string {
  const launch = createHash('sha256').update(`${streamId}\n${generation}\n${engine}\n${attempt}`).digest('hex').slice(0, 20);
  return `${taskStartedByPrefix(pipelineName)}${launch}`;
}

export function consumerGroupFor(engine: StreamEngineConfig, streamId: string): string {
  return `${engine.consumerGroupPrefix}.${streamId}`;
}

export function clientTokenFor(pipelineName: string, id: LaunchId): string {
  return createHash('sha256')
    .update(`${pipelineName}\n${id.streamId}\n${id.generation}\n${id.engine}\n${id.launch}\n${id.tokenGeneration}`)
    .digest('hex').slice(0, 64);
}

/** The RunTask request for one launch of one stream engine for one stream. */
export function runTaskRequest(config: PipelineConfig, refs: EngineRefs, engine: StreamEngineConfig, id: LaunchId): RunTaskCommandInput {
  const taskDefinition = refs.taskDefinitions[engine.name];
  if (!taskDefinition) throw new Error(`no task definition for stream engine ${engine.name} in the engine refs`);
  const strategy = refs.capacityProviders?.[engine.name];
  return {
    cluster: refs.cluster,
    taskDefinition,
    count: 1,
    ...(strategy && strategy.length > 0
      ? { capacityProviderStrategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })) }
      : { launchType: 'FARGATE' }),
    networkConfiguration: {
      awsvpcConfiguration: { subnets: refs.subnets, securityGroups: refs.securityGroups, assignPublicIp: 'DISABLED' },
    },
    startedBy: launchStartedBy(config.pipelineName, id.streamId, id.generation, id.engine, id.launch),
    clientToken: clientTokenFor(config.pipelineName, id),
    enableECSManagedTags: true,
    tags: [
      { key: 'stream-engine-pipeline', value: config.pipelineName },
      { key: 'stream-id', value: id.streamId },
      { key: 'stream-engine', value: engine.name },
      { key: 'launch', value: String(id.launch) },
    ],
    overrides: {
      containerOverrides: [{
        name: engine.containerName,
        environment: [
          { name: ENV_STREAM_ID, value: id.streamId },
          { name: ENV_ENGINE_NAME, value: engine.name },
          { name: ENV_INPUT_TOPICS, value: engine.inputTopics.join(',') },
          { name: ENV_OUTPUT_TOPIC, value: engine.outputTopic },
          { name: ENV_DEAD_LETTER_TOPIC, value: config.topics.deadLetter },
          { name: ENV_CONSUMER_GROUP, value: consumerGroupFor(engine, id.streamId) },
          { name: ENV_LAUNCH_ATTEMPT, value: String(id.launch) },
          { name: ENV_STREAM_PARTITIONS, value: streamPartitions(engine, id.streamId) },
          { name: ENV_START_TIMESTAMP, value: String(Math.max(0, id.arrivedAt - STREAM_START_MARGIN_MS)) },
        ],
      }],
    },
  };
}

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const SERVER = new Set(['ServerException', 'ServiceUnavailableException', 'InternalFailure', 'ServiceUnavailable']);
const NETWORK = new Set(['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** RunTask `failures[].reason` values that mean "no capacity at the moment". */
const CAPACITY_REASON = /^RESOURCE:|^AGENT$|capacity|unavailable|throttl/i;

/** Calls RunTask once and says what the answer means for the next try. */
export async function runTaskOnce(ecs: Pick<EcsApi, 'runTask'>, request: RunTaskCommandInput): Promise<RunTaskOutcome> {
  try {
    const answer = await ecs.runTask(request);
    const taskArn = answer.tasks?.[0]?.taskArn;
    if (taskArn) return { kind: 'started', taskArn };
    const failures = answer.failures ?? [];
    const error = failures.length
      ? failures.map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ')
      : 'RunTask returned no task and no failure';
    return { kind: failures.length > 0 && failures.every((f) => CAPACITY_REASON.test(f.reason ?? '')) ? 'no-task' : 'permanent', error };
  } catch (thrown) {
    const e = thrown as {
      name?: string; code?: string; message?: string; $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number };
    };
    const error = `${e.name ?? 'Error'}: ${e.message ?? String(thrown)}`;
    if (THROTTLING.has(e.name ?? '') || e.$retryable?.throttling) return { kind: 'no-task', error };
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (SERVER.has(e.name ?? '') || status >= 500 || NETWORK.has(e.name ?? '') || NETWORK.has(e.code ?? '')) return { kind: 'uncertain', error };
    return { kind: 'permanent', error };
  }
}

/** Back-off before the next launch try: 2 s doubling to at most 60 s, with jitter (half to all of it). */
export function launchBackoffMs(failures: number, random: () => number): number {
  const ceiling = Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1));
  return Math.floor(ceiling / 2 + random() * ceiling / 2);
}
