/**
 * The Coordinator: keeps the registry of streams and runs the scheduler (scheduler.ts), which
 * launches one stream engine task per stream and engine, at most maxConcurrentStreams streams at
 * once, the others waiting in arrival order.
 *
 * Three kinds of event reach it; each only RECORDS what happened, then runs the scheduler, which
 * alone decides what to launch or stop:
 * - a batch of control records (Kafka event source mapping), handled record by record:
 *   stream-init opens the stream (a repeat is a duplicate; after expiry or failure it reopens it),
 *   end-of-stream notes the end, heartbeat notes that the engine's task is alive. A record that is
 *   not a valid message of the contract is copied to the dead-letter topic with its original
 *   bytes and skipped, so a poison message never blocks its partition. The invocation fails (and
 *   the mapping retries the batch) only when DynamoDB or Kafka cannot be reached; every step is
 *   idempotent, so a retried batch changes nothing twice.
 * - an ECS task state change (EventBridge, STOPPED, this pipeline's tasks): the stop is noted on
 *   the stream's engine.
 * - the every-minute reconcile event: only the scheduler runs. It compares the registry with ECS,
 *   so a lost event or a crash between two steps is finished within a minute.
 */
import {
  DecodedRecord, decodeRecords, EcsTaskStateChangeEvent, isEcsTaskStateChange, isKafkaBatchEvent, isReconcileEvent, overrideValue,
} from './coordinator-events';
import { CoordinatorOutput } from './coordinator-output';
import { EcsApi } from './engine-launcher';
import {
  ENV_ENGINE_NAME, ENV_STREAM_ID, METRIC_ACTIVE_STREAMS, METRIC_DIMENSION_PIPELINE, METRIC_ENGINE_RELAUNCHES, METRIC_LAUNCH_FAILURES,
  METRIC_MALFORMED_CONTROL_MESSAGES, METRIC_NAMESPACE, METRIC_OLDEST_WAIT_SECONDS, METRIC_STREAMS_EXPIRED, METRIC_STREAMS_FAILED,
  METRIC_STREAMS_WAITING,
} from './environment';
import { parseMessage } from './message-validation';
import { EngineRefs, PipelineConfig } from './pipeline-config';
import { arrivalKey, StreamItem } from './registry-schema';
import { runScheduler, SchedulerSummary } from './scheduler';
import { SchedulerLease } from './scheduler-lease';
import { StreamRegistry } from './stream-registry';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';
import { MetricsSink, MetricValue, publishMetrics } from '../../shared/runtime/metrics';
import { EndOfStreamMessage, HeartbeatMessage, StreamInitMessage } from '../messages';

export interface CoordinatorDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  /** The registry table, through the DocumentClient. */
  readonly doc: DocumentSender;
  readonly tableName: string;
  readonly ecs: EcsApi;
  readonly output: CoordinatorOutput;
  /** Names this invocation in the scheduler lease (the Lambda request id). */
  readonly invocationId: string;
  readonly now?: () => number;
  /** [0, 1), for the back-off jitter. */
  readonly random?: () => number;
  readonly log: Log;
  /** Receives each EMF document as a JSON line (default: stdout, where CloudWatch reads it). */
  readonly emitMetrics?: MetricsSink;
}

export interface CoordinatorSummary {
  readonly records: number;
  /** Streams opened (or reopened) by stream-inits of this invocation. */
  readonly opened: number;
  readonly duplicates: number;
  readonly ends: number;
  readonly heartbeats: number;
  readonly stops: number;
  readonly malformed: number;
  /** Events or messages that are not the Coordinator's business. */
  readonly ignored: number;
  /** What the scheduler did; undefined when another invocation held the scheduler lease. */
  readonly scheduler?: SchedulerSummary;
}

type Counters = { -readonly [K in Exclude<keyof CoordinatorSummary, 'scheduler'>]: number };

interface Ctx {
  readonly deps: CoordinatorDeps;
  readonly registry: StreamRegistry;
  readonly now: () => number;
  readonly log: Log;
}

export async function handleCoordinatorEvent(event: unknown, deps: CoordinatorDeps): Promise<CoordinatorSummary> {
  const counters: Counters = { records: 0, opened: 0, duplicates: 0, ends: 0, heartbeats: 0, stops: 0, malformed: 0, ignored: 0 };
  const now = deps.now ?? Date.now;
  const ctx: Ctx = { deps, registry: new StreamRegistry(deps.doc, deps.tableName), now, log: deps.log };
  const lease = new SchedulerLease(deps.doc, deps.tableName, deps.invocationId, now);
  if (isKafkaBatchEvent(event)) {
    await handleBatch(decodeRecords(event), ctx, counters);
  } else if (isEcsTaskStateChange(event)) {
    await handleTaskStopped(event, ctx, counters);
  } else if (!isReconcileEvent(event)) {
    ctx.log.warn('event ignored: not a Kafka batch, an ECS task state change or the reconcile event');
    counters.ignored++;
    return { ...counters };
  }
  // tell a pass that may be running that the queue changed, then run one ourselves if it is free
  if (!isReconcileEvent(event)) await lease.markDirty();
  const scheduler = await runScheduler({
    config: deps.config,
    refs: deps.refs,
    registry: ctx.registry,
    lease,
    ecs: deps.ecs,
    output: deps.output,
    now,
    random: deps.random ?? Math.random,
    log: deps.log,
  });
  emitMetrics(deps, counters, scheduler);
  return { ...counters, scheduler };
}

async function handleBatch(records: DecodedRecord[], ctx: Ctx, counters: Counters): Promise<void> {
  counters.records += records.length;
  // the newest heartbeat of each task is enough
  const heartbeats = new Map<string, HeartbeatMessage>();
  for (const record of records) {
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    const parsed = record.value ? parseMessage(record.value) : { ok: false as const, error: 'the record has no value' };
    if (!parsed.ok) {
      ctx.log.warn('control message skipped: malformed (copied to the dead-letter topic)', { ...where, error: parsed.error });
      await ctx.deps.output.deadLetter(record, parsed.error);
      counters.malformed++;
      continue;
    }
    const message = parsed.message;
    if ('streamId' in message && record.key !== undefined && record.key !== message.streamId) {
      ctx.log.warn('Kafka key differs from streamId (the key must be the stream id)', { ...where, key: record.key, streamId: message.streamId });
    }
    if (message.type === 'stream-init') {
      await handleInit(message, record, ctx, counters);
    } else if (message.type === 'end-of-stream') {
      await handleEnd(message, ctx, counters);
    } else if (message.type === 'heartbeat' && message.streamId) {
      heartbeats.set(`${message.streamId}\n${message.engine}\n${message.taskId ?? ''}`, message);
    } else {
      ctx.log.info(`control message ignored: ${message.type} is not for the coordinator`, where);
      counters.ignored++;
    }
  }
  for (const heartbeat of heartbeats.values()) await handleHeartbeat(heartbeat, ctx, counters);
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
    ctx.log.warn('stream-init skipped: no stream engine of this pipeline to launch (copied to the dead-letter topic)', { streamId, requested });
    await ctx.deps.output.deadLetter(record, `no stream engine of this pipeline among ${requested.join(', ') || '(none)'}`);
    counters.malformed++;
    return;
  }
  const arrivedAt = record.timestamp ?? ctx.now();
  const outcome = await ctx.registry.open(streamId, engines, arrivalKey(arrivedAt, record.partition, record.offset), arrivedAt);
  if (outcome === 'duplicate') {
    ctx.log.info('duplicate stream-init: the stream is open or finished', { streamId });
    counters.duplicates++;
  } else {
    ctx.log.info(outcome === 'opened' ? 'stream opened' : 'stream reopened by a new stream-init', { streamId, engines });
    counters.opened++;
  }
}

async function handleEnd(message: EndOfStreamMessage, ctx: Ctx, counters: Counters): Promise<void> {
  const updated = await updateOpenStream(ctx, message.streamId, (item) => (item.endedAt !== undefined ? undefined : { ...item, endedAt: ctx.now() }));
  if (updated === 'not-open') {
    ctx.log.warn('end-of-stream for a stream that is not open', { streamId: message.streamId });
    counters.ignored++;
  } else {
    counters.ends++;
  }
}

async function handleHeartbeat(message: HeartbeatMessage, ctx: Ctx, counters: Counters): Promise<void> {
  const now = ctx.now();
  const updated = await updateOpenStream(ctx, message.streamId!, (item) => {
    const job = item.jobs[message.engine];
    if (!job || (job.state !== 'running' && job.state !== 'stopping')) return undefined;
    // a heartbeat of an earlier task of this stream says nothing about the current one
    if (message.taskId !== undefined && message.taskId !== job.taskId) return undefined;
    return { ...item, jobs: { ...item.jobs, [message.engine]: { ...job, lastHeartbeatAt: Math.max(job.lastHeartbeatAt ?? 0, now) } } };
  });
  if (updated === 'not-open') counters.ignored++;
  else counters.heartbeats++;
}

async function handleTaskStopped(event: EcsTaskStateChangeEvent, ctx: Ctx, counters: Counters): Promise<void> {
  const { detail } = event;
  const streamId = overrideValue(event, ENV_STREAM_ID);
  const engine = overrideValue(event, ENV_ENGINE_NAME);
  if (detail.lastStatus !== 'STOPPED' || !streamId || !engine) {
    ctx.log.info('task state change ignored', { taskArn: detail.taskArn, lastStatus: detail.lastStatus, startedBy: detail.startedBy });
    counters.ignored++;
    return;
  }
  const containerName = ctx.deps.config.streamEngines.find((e) => e.name === engine)?.containerName;
  const exitCode = detail.containers?.find((c) => c.name === containerName)?.exitCode;
  const reason = [detail.stopCode, detail.stoppedReason, exitCode !== undefined ? `exit ${exitCode}` : undefined].filter(Boolean).join(': ') || 'stopped';
  const updated = await updateOpenStream(ctx, streamId, (item) => {
    const job = item.jobs[engine];
    if (!job || job.taskArn !== detail.taskArn || job.stopped) return undefined;
    return { ...item, jobs: { ...item.jobs, [engine]: { ...job, stopped: { at: ctx.now(), exitCode, reason } } } };
  });
  ctx.log.info('stream engine task stopped', { streamId, engine, taskArn: detail.taskArn, reason, recorded: updated === 'updated' });
  counters.stops++;
}

/** Changes the queue item of an open stream; says whether the stream was open and what happened. */
async function updateOpenStream(ctx: Ctx, streamId: string, change: (item: StreamItem) => StreamItem | undefined): Promise<'updated' | 'unchanged' | 'not-open'> {
  const pointer = await ctx.registry.pointer(streamId);
  if (!pointer || pointer.status !== 'open') return 'not-open';
  const written = await ctx.registry.mutate({ pk: 'queue', sk: pointer.queueSk }, (item) => (item.generation === pointer.generation ? change(item) : undefined));
  return written ? 'updated' : 'unchanged';
}

function emitMetrics(deps: CoordinatorDeps, counters: Counters, scheduler: SchedulerSummary | undefined): void {
  const metrics: MetricValue[] = [{ name: METRIC_MALFORMED_CONTROL_MESSAGES, value: counters.malformed }];
  if (scheduler) {
    metrics.push(
      { name: METRIC_ACTIVE_STREAMS, value: scheduler.activeStreams },
      { name: METRIC_STREAMS_WAITING, value: scheduler.waiting },
      { name: METRIC_OLDEST_WAIT_SECONDS, value: scheduler.oldestWaitSeconds, unit: 'Seconds' },
      { name: METRIC_STREAMS_EXPIRED, value: scheduler.expired },
      { name: METRIC_STREAMS_FAILED, value: scheduler.failed },
      { name: METRIC_ENGINE_RELAUNCHES, value: scheduler.relaunches },
      { name: METRIC_LAUNCH_FAILURES, value: scheduler.launchFailures },
    );
  }
  publishMetrics({ namespace: METRIC_NAMESPACE, dimensions: { [METRIC_DIMENSION_PIPELINE]: deps.config.pipelineName }, metrics }, deps.emitMetrics);
}
