/**
 * Launching one stream engine task for one stream: the RunTask request (awsvpc, private, tagged,
 * with the engine contract as container overrides) and the retry policy around it.
 *
 * Retry policy: at most `maxAttempts` (5) RunTask calls within `maxTotalDelayMs` (30 s) of
 * back-off. Retried: throttling and server errors, network errors, and RunTask `failures` that
 * mean "no capacity right now" (RESOURCE:*, AGENT, "Capacity is unavailable", ...). Not retried:
 * anything else (bad parameters, access denied, a missing task definition). Delays are
 * exponential with full jitter: random(0, min(cap, base * 2^(attempt-1))).
 *
 * Idempotency token: `clientToken` is derived from (pipeline, stream, engine, generation). The
 * generation moves on only when the previous call is known to have started nothing (throttled,
 * or answered with `failures`); after a timeout or a server error the same token is sent again,
 * so ECS returns the task that call may have started instead of starting a second one.
 */
import { createHash } from 'node:crypto';
import type { RunTaskCommandInput, RunTaskCommandOutput } from '@aws-sdk/client-ecs';
import {
  ENV_CONSUMER_GROUP, ENV_DEAD_LETTER_TOPIC, ENV_ENGINE_NAME, ENV_INPUT_TOPICS, ENV_OUTPUT_TOPIC, ENV_STREAM_ID,
} from './environment';
import { EngineRefs, PipelineConfig, StreamEngineConfig } from './pipeline-config';

/** The part of the ECS client the Coordinator uses (the real one wraps ECSClient.send). */
export interface EcsRunTask {
  runTask(input: RunTaskCommandInput): Promise<RunTaskCommandOutput>;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The sum of the back-off delays never exceeds this. */
  readonly maxTotalDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000, maxTotalDelayMs: 30_000 };

export interface LaunchDeps {
  readonly ecs: EcsRunTask;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1) */
  readonly random: () => number;
  readonly retry?: RetryPolicy;
}

export type LaunchResult =
  | { readonly ok: true; readonly taskArn: string; readonly attempts: number }
  | { readonly ok: false; readonly error: string; readonly attempts: number; readonly retryable: boolean };

/** Marks the tasks this pipeline starts; the task-stopped rule matches it. [A-Za-z0-9_/-], <= 128. */
export function startedByFor(pipelineName: string): string {
  return `sep/${pipelineName.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 128);
}

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

export function clientTokenFor(pipelineName: string, streamId: string, engine: string, generation: number): string {
  return createHash('sha256').update(`${pipelineName}\n${streamId}\n${engine}\n${generation}`).digest('hex').slice(0, 64);
}

/** The RunTask request for one stream and one stream engine. */
export function runTaskRequest(config: PipelineConfig, refs: EngineRefs, engine: StreamEngineConfig, streamId: string): RunTaskCommandInput {
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
    startedBy: startedByFor(config.pipelineName),
    enableECSManagedTags: true,
    tags: [
      { key: 'stream-engine-pipeline', value: config.pipelineName },
      { key: 'stream-id', value: streamId },
      { key: 'stream-engine', value: engine.name },
    ],
    overrides: {
      containerOverrides: [{
        name: engine.containerName,
        environment: [
          { name: ENV_STREAM_ID, value: streamId },
          { name: ENV_ENGINE_NAME, value: engine.name },
          { name: ENV_INPUT_TOPICS, value: engine.inputTopics.join(',') },
          { name: ENV_OUTPUT_TOPIC, value: engine.outputTopic },
          { name: ENV_DEAD_LETTER_TOPIC, value: config.topics.deadLetter },
          { name: ENV_CONSUMER_GROUP, value: consumerGroupFor(engine, streamId) },
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

type Classified = { retry: 'no' } | { retry: 'yes'; sameToken: boolean };

function classifyError(error: unknown): Classified {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (THROTTLING.has(e.name ?? '') || (e.$retryable as { throttling?: boolean } | undefined)?.throttling) return { retry: 'yes', sameToken: false };
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (SERVER.has(e.name ?? '') || status >= 500 || NETWORK.has(e.name ?? '') || NETWORK.has(e.code ?? '')) return { retry: 'yes', sameToken: true };
  return { retry: 'no' };
}

/** Calls RunTask until a task starts, a non-retryable answer comes, or the policy runs out. */
export async function launchEngineTask(request: RunTaskCommandInput, tokenFor: (generation: number) => string,
  deps: LaunchDeps): Promise<LaunchResult> {
  const policy = deps.retry ?? DEFAULT_RETRY_POLICY;
  let generation = 0;
  let slept = 0;
  let lastError = '';
  let retryable = false;
  let attempts = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    attempts = attempt;
    let outcome: Classified;
    try {
      const answer = await deps.ecs.runTask({ ...request, clientToken: tokenFor(generation) });
      const taskArn = answer.tasks?.[0]?.taskArn;
      if (taskArn) return { ok: true, taskArn, attempts: attempt };
      const failures = answer.failures ?? [];
      lastError = failures.length
        ? failures.map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`).join('; ')
        : 'RunTask returned no task and no failure';
      outcome = failures.length > 0 && failures.every((f) => CAPACITY_REASON.test(f.reason ?? ''))
        ? { retry: 'yes', sameToken: false } : { retry: 'no' };
    } catch (error) {
      lastError = `${(error as Error).name}: ${(error as Error).message}`;
      outcome = classifyError(error);
    }
    retryable = outcome.retry === 'yes';
    if (outcome.retry === 'no') return { ok: false, error: lastError, attempts: attempt, retryable: false };
    if (!outcome.sameToken) generation++;
    if (attempt === policy.maxAttempts) break;
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    if (slept >= policy.maxTotalDelayMs) break;
    const delay = Math.min(Math.floor(deps.random() * ceiling), policy.maxTotalDelayMs - slept);
    slept += delay;
    await deps.sleep(delay);
  }
  return { ok: false, error: lastError, attempts, retryable };
}
