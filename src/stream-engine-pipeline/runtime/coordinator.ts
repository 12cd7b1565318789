/**
 * The Coordinator: launches one stream engine task per stream and engine when a stream-init
 * arrives on the control topic, and gives the stream's slot back when the stream ends.
 *
 * - stream-init -> claim the stream in the registry (conditional put) BEFORE any RunTask, so a
 *   redelivered or duplicated init never starts a second task, even in two invocations at once;
 *   take a slot (`active < maxConcurrentStreams`, conditional counter update) or record the
 *   stream as rejected; then RunTask per engine (retried, see engine-launcher.ts). A launch
 *   that fails after its retries marks the record failed and releases it; the batch goes on.
 * - end-of-stream -> every engine record of the stream is finished and released (once). The
 *   task is NOT stopped: an engine reads its input to the end-of-stream message and exits by
 *   itself, and stopping it here would cut off what it has not processed yet.
 * - ECS task STOPPED (EventBridge) for a task this pipeline started -> that record is finished
 *   and released (once); end-of-stream and the stop may arrive in either order.
 * - A malformed message is logged, counted and skipped: a poison message must not block the
 *   control partition. Only infrastructure errors (DynamoDB) fail the invocation, so the event
 *   source mapping retries the batch; every step is idempotent, so the retry is safe.
 *
 * Streams of one batch are handled concurrently (bounded); the messages of one stream in order.
 */
import { DecodedRecord, decodeRecords, EcsTaskStateChangeEvent, isEcsTaskStateChange, isKafkaBatchEvent, overrideValue } from './coordinator-events';
import { clientTokenFor, EcsRunTask, launchEngineTask, RetryPolicy, runTaskRequest, startedByFor } from './engine-launcher';
import {
  ENV_ENGINE_NAME, ENV_STREAM_ID, METRIC_ACTIVE_STREAMS, METRIC_DIMENSION_PIPELINE, METRIC_LAUNCH_FAILURES,
  METRIC_MALFORMED_CONTROL_MESSAGES, METRIC_NAMESPACE, METRIC_STREAMS_REJECTED,
} from './environment';
import { parseMessage } from './message-validation';
import { EngineRefs, PipelineConfig } from './pipeline-config';
import { StreamRegistry } from './stream-registry';
import { runBounded } from '../../shared/runtime/bounded-pool';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';
import { MetricsSink, MetricValue, publishMetrics } from '../../shared/runtime/metrics';
import { sleep } from '../../shared/runtime/timers';
import { EndOfStreamMessage, StreamInitMessage } from '../messages';

export interface CoordinatorDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  /** The registry table, through the DocumentClient. */
  readonly doc: DocumentSender;
  readonly tableName: string;
  readonly ecs: EcsRunTask;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1), for the back-off jitter. */
  readonly random?: () => number;
  readonly log: Log;
  /** Receives each EMF document as a JSON line (default: stdout, where CloudWatch reads it). */
  readonly emitMetrics?: MetricsSink;
  readonly retry?: RetryPolicy;
  /** Streams handled at once within a batch (default 10). */
  readonly concurrency?: number;
}

export interface CoordinatorSummary {
  readonly records: number;
  readonly launched: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly launchFailures: number;
  /** Stream x engine records finished (released) by this invocation. */
  readonly finished: number;
  readonly malformed: number;
  /** Events or messages that are not the Coordinator's business. */
  readonly ignored: number;
}

type Counters = { -readonly [K in keyof CoordinatorSummary]: number };

export async function handleCoordinatorEvent(event: unknown, deps: CoordinatorDeps): Promise<CoordinatorSummary> {
  const counters: Counters = { records: 0, launched: 0, duplicates: 0, rejected: 0, launchFailures: 0, finished: 0, malformed: 0, ignored: 0 };
  const ctx = context(deps);
  if (isKafkaBatchEvent(event)) {
    await handleBatch(decodeRecords(event), ctx, counters);
  } else if (isEcsTaskStateChange(event)) {
    await handleTaskStopped(event, ctx, counters);
  } else {
    ctx.log.warn('event ignored: neither a Kafka batch nor an ECS task state change');
    counters.ignored++;
  }
  await emitMetrics(ctx, counters);
  return { ...counters };
}

interface Ctx {
  readonly deps: CoordinatorDeps;
  readonly registry: StreamRegistry;
  readonly log: Log;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

function context(deps: CoordinatorDeps): Ctx {
  return {
    deps,
    registry: new StreamRegistry(deps.doc, deps.tableName, deps.now),
    log: deps.log,
    sleep: deps.sleep ?? sleep,
    random: deps.random ?? Math.random,
  };
}

type ControlMessage = { readonly record: DecodedRecord; readonly message: StreamInitMessage | EndOfStreamMessage };

async function handleBatch(records: DecodedRecord[], ctx: Ctx, counters: Counters): Promise<void> {
  counters.records += records.length;
  const byStream = new Map<string, ControlMessage[]>();
  for (const record of records) {
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    if (!record.value) {
      ctx.log.warn('control message skipped: no value', where);
      counters.malformed++;
      continue;
    }
    const parsed = parseMessage(record.value);
    if (!parsed.ok) {
      ctx.log.warn('control message skipped: malformed', { ...where, error: parsed.error });
      counters.malformed++;
      continue;
    }
    const message = parsed.message;
    if (message.type !== 'stream-init' && message.type !== 'end-of-stream') {
      ctx.log.info(`control message ignored: ${message.type} is not for the coordinator`, where);
      counters.ignored++;
      continue;
    }
    if (record.key !== undefined && record.key !== message.streamId) {
      ctx.log.warn('Kafka key differs from streamId (the key must be the stream id)', { ...where, key: record.key, streamId: message.streamId });
    }
    const list = byStream.get(message.streamId) ?? [];
    list.push({ record, message });
    byStream.set(message.streamId, list);
  }

  const groups = [...byStream.values()];
  const results = await runBounded(groups.map((group) => async () => {
    for (const item of group) {
      if (item.message.type === 'stream-init') {
        await handleInit(item.message, item.record, ctx, counters);
      } else {
        await handleEnd(item.message, ctx, counters);
      }
    }
  }), ctx.deps.concurrency ?? 10);
  const errors: unknown[] = [];
  results.forEach((result, i) => {
    if (result.ok) return;
    ctx.log.error('stream handling failed (the batch will be retried)', { streamId: groups[i][0].message.streamId, error: (result.error as Error).message });
    errors.push(result.error);
  });
  if (errors.length) throw errors[0];
}

async function handleInit(message: StreamInitMessage, record: DecodedRecord, ctx: Ctx, counters: Counters): Promise<void> {
  const { config } = ctx.deps;
  const streamId = message.streamId;
  const known = new Set(config.streamEngines.map((e) => e.name));
  const requested = message.engines ?? config.streamEngines.map((e) => e.name);
  const unknown = requested.filter((e) => !known.has(e));
  if (unknown.length) ctx.log.warn('stream-init names engines this pipeline does not have', { streamId, unknown });
  const engines = requested.filter((e) => known.has(e));
  if (engines.length === 0) {
    ctx.log.warn('stream-init skipped: no stream engine of this pipeline to launch', { streamId, requested });
    counters.malformed++;
    return;
  }

  const owner = `${record.topic}/${record.partition}/${record.offset}`;
  const claim = await ctx.registry.claimStream(streamId, engines, owner);
  if (claim.outcome === 'duplicate') {
    ctx.log.info('duplicate stream-init: the stream is already claimed', { streamId, status: claim.claim?.status, owner });
    counters.duplicates++;
    return;
  }
  const launchList = claim.outcome === 'resume' ? claim.claim!.engines : engines;
  if (claim.outcome === 'claimed' || claim.claim?.status === 'claimed') {
    if (!await ctx.registry.acquireSlot(config.maxConcurrentStreams)) {
      const reason = `maxConcurrentStreams (${config.maxConcurrentStreams}) reached`;
      await ctx.registry.markStreamRejected(streamId, launchList, reason);
      ctx.log.warn('stream rejected', { streamId, reason });
      counters.rejected++;
      return;
    }
    await ctx.registry.markStreamActive(streamId);
  }
  const began = await Promise.all(launchList.map((engine) => launchOne(streamId, engine, owner, ctx, counters)));
  if (claim.outcome === 'resume' && !began.includes(true)) {
    ctx.log.info('duplicate stream-init: redelivery of a stream that is already launched', { streamId, owner });
    counters.duplicates++;
  }
}

/** Launches one engine for the stream; false when its record shows it was launched before. */
async function launchOne(streamId: string, engineName: string, owner: string, ctx: Ctx, counters: Counters): Promise<boolean> {
  const { config, refs } = ctx.deps;
  if (!await ctx.registry.beginLaunch(streamId, engineName, owner)) {
    ctx.log.info('engine already launched for this stream', { streamId, engine: engineName });
    return false;
  }
  const engine = config.streamEngines.find((e) => e.name === engineName)!;
  let result;
  try {
    result = await launchEngineTask(runTaskRequest(config, refs, engine, streamId),
      (generation) => clientTokenFor(config.pipelineName, streamId, engineName, generation),
      { ecs: ctx.deps.ecs, sleep: ctx.sleep, random: ctx.random, retry: ctx.deps.retry });
  } catch (error) {
    result = { ok: false as const, error: (error as Error).message, attempts: 0, retryable: false };
  }
  if (result.ok) {
    await ctx.registry.recordTask(streamId, engineName, result.taskArn, result.attempts);
    ctx.log.info('stream engine launched', { streamId, engine: engineName, taskArn: result.taskArn, attempts: result.attempts });
    counters.launched++;
    return true;
  }
  await ctx.registry.finishEngine(streamId, engineName, 'failed', { reason: `launch failed after ${result.attempts} attempt(s): ${result.error}` });
  ctx.log.error('stream engine launch failed', { streamId, engine: engineName, attempts: result.attempts, error: result.error });
  counters.launchFailures++;
  return true;
}

async function handleEnd(message: EndOfStreamMessage, ctx: Ctx, counters: Counters): Promise<void> {
  const claim = await ctx.registry.getClaim(message.streamId);
  if (!claim) {
    ctx.log.warn('end-of-stream for a stream the coordinator never claimed', { streamId: message.streamId });
    counters.ignored++;
    return;
  }
  for (const engine of claim.engines) {
    if (await ctx.registry.finishEngine(message.streamId, engine, 'finished', { reason: `end-of-stream (${message.reason})` })) {
      counters.finished++;
    }
  }
}

async function handleTaskStopped(event: EcsTaskStateChangeEvent, ctx: Ctx, counters: Counters): Promise<void> {
  const { detail } = event;
  if (detail.lastStatus !== 'STOPPED' || detail.startedBy !== startedByFor(ctx.deps.config.pipelineName)) {
    ctx.log.info('task state change ignored', { taskArn: detail.taskArn, lastStatus: detail.lastStatus, startedBy: detail.startedBy });
    counters.ignored++;
    return;
  }
  const streamId = overrideValue(event, ENV_STREAM_ID);
  const engine = overrideValue(event, ENV_ENGINE_NAME);
  if (!streamId || !engine) {
    ctx.log.warn(`stopped task has no ${ENV_STREAM_ID}/${ENV_ENGINE_NAME} override`, { taskArn: detail.taskArn });
    counters.ignored++;
    return;
  }
  const exitCodes = (detail.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`);
  const stoppedReason = [detail.stopCode, detail.stoppedReason, exitCodes.length ? `exit ${exitCodes.join(',')}` : undefined]
    .filter(Boolean).join(': ') || 'stopped';
  if (await ctx.registry.finishEngine(streamId, engine, 'stopped', { stoppedReason, taskArn: detail.taskArn })) {
    ctx.log.info('stream engine task stopped', { streamId, engine, taskArn: detail.taskArn, stoppedReason });
    counters.finished++;
  } else {
    await ctx.registry.noteStopped(streamId, engine, detail.taskArn, stoppedReason);
    ctx.log.info('stream engine task stopped (record already finished)', { streamId, engine, taskArn: detail.taskArn });
  }
}

async function emitMetrics(ctx: Ctx, counters: Counters): Promise<void> {
  let active: number | undefined;
  try {
    active = await ctx.registry.activeStreams();
  } catch (error) {
    ctx.log.warn('could not read the active stream count', { error: (error as Error).message });
  }
  const metrics: MetricValue[] = [
    ...(active === undefined ? [] : [{ name: METRIC_ACTIVE_STREAMS, value: active }]),
    { name: METRIC_STREAMS_REJECTED, value: counters.rejected },
    { name: METRIC_LAUNCH_FAILURES, value: counters.launchFailures },
    { name: METRIC_MALFORMED_CONTROL_MESSAGES, value: counters.malformed },
  ];
  publishMetrics({
    namespace: METRIC_NAMESPACE,
    dimensions: { [METRIC_DIMENSION_PIPELINE]: ctx.deps.config.pipelineName },
    metrics,
  }, ctx.deps.emitMetrics);
}
