/**
 * Coordinator benchmark (issue 9): a burst of 100 stream-inits with maxConcurrentStreams 20 and
 * stream engine tasks that run 5 to 30 s, through the path users deploy:
 * - the BUNDLED handler (assets/stream-engine-pipeline/coordinator.lambda/index.js) required in
 *   this process once, like one warm Lambda instance; concurrent invocations are concurrent calls
 *   of `handler`, each with its own request id;
 * - DynamoDB: dynalite (the real DynamoDB API, in this process);
 * - Kafka: the real local broker. The inits are produced to a control topic of 3 partitions (the
 *   construct's default) and consumed back into event source mapping batches (at most 100
 *   records, a 500 ms batching window, one batch per partition at a time, a failed batch retried);
 *   the Coordinator's stream-status messages are read back from the results topic. Engines send a
 *   heartbeat to the control topic when they start and every 30 s (the construct's default);
 * - ECS is MOCKED (no local implementation exists): FakeEcsCluster served over the ECS JSON API.
 *   A task becomes RUNNING 1 s after RunTask and exits with code 0 after a seeded 5 to 30 s; its
 *   task-stopped event reaches the handler a seeded 0 to 1 s later, as EventBridge delivers it
 *   (a failed one is retried 1 and 2 minutes later, as Lambda retries asynchronous invocations);
 * - the reconcile event every 60 s while the run lasts (the first one at a seeded moment).
 *
 * Per stream it measures init produced (the record's timestamp) -> RunTask, and the time until
 * every stream's `finished` status is read back (queue drained), beside the ideal schedule: the
 * same streams and durations list-scheduled on the same slots in arrival order with no overhead
 * (a task holds its slot from RunTask to its exit: 1 s start + its duration). It counts ECS and
 * DynamoDB calls and checks, from the ECS mock, that no more than maxConcurrentStreams tasks were
 * ever live and that no stream had two live tasks.
 *
 * Environment: BENCH_STREAMS (100), BENCH_SLOTS (20), BENCH_SEED (9), BENCH_RUNS (3, one after
 * the other in this process, each with new stream ids), BENCH_HEARTBEAT_S (30; 0: engines send
 * none), BENCH_RUNTASK_MS (0: added latency of each RunTask answer), BENCH_TIMEOUT_S (600 per run).
 * Prints figures; asserts no timing. Exits non-zero, saying why, when a run cannot complete (a
 * stream not finished in time) or ECS saw more live tasks than slots or two tasks for one stream.
 */
import { createWriteStream, existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Consumer, Message, Producer } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { documentClient } from '../src/shared/runtime/aws-clients';
import { DocumentSender } from '../src/shared/runtime/dynamo-batch';
import { packHandlerConfig } from '../src/shared/runtime/handler-config';
import type { CoordinatorSummary } from '../src/stream-engine-pipeline/runtime/coordinator';
import { KafkaEventRecord, RECONCILE_EVENT } from '../src/stream-engine-pipeline/runtime/coordinator-events';
import { kafkaClientOptions, loadKafka } from '../src/stream-engine-pipeline/runtime/kafka-connection';
import { EngineRefs, PipelineConfig } from '../src/stream-engine-pipeline/runtime/pipeline-config';
import { QUEUE_PK, REGISTRY_PARTITION_KEY, schedulerLeaseKey } from '../src/stream-engine-pipeline/runtime/registry-schema';
import { DEFAULT_SCHEDULING } from '../src/stream-engine-pipeline/runtime/stream-plan';
import { LocalDynamo, startDynalite } from '../test/helpers/dynalite';
import { ensureKafka } from '../test/helpers/kafka-broker';
import { seeded } from '../test/status-page/runtime/helpers/config';
import { createRegistryTable, createTopic, kafkaEvent } from '../test/stream-engine-pipeline/runtime/coordinator-helpers';
import { FakeEcsCluster, FakeEcsServer, FakeTask, startFakeEcsServer } from '../test/stream-engine-pipeline/runtime/fake-ecs';

function knob(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got '${process.env[name]}'`);
  return value;
}
const STREAMS = knob('BENCH_STREAMS', 100);
const SLOTS = knob('BENCH_SLOTS', 20);
const SEED = knob('BENCH_SEED', 9);
const RUNS = knob('BENCH_RUNS', 3);
const HEARTBEAT_MS = knob('BENCH_HEARTBEAT_S', 30) * 1000;
const RUNTASK_MS = knob('BENCH_RUNTASK_MS', 0);
const TIMEOUT_MS = knob('BENCH_TIMEOUT_S', 600) * 1000;
const TASK_START_MS = 1_000;
const TASK_MIN_MS = 5_000;
const TASK_MAX_MS = 30_000;
const EVENT_DELAY_MAX_MS = 1_000;
const RECONCILE_MS = 60_000;
const CONTROL_PARTITIONS = 3;
const BATCH_SIZE = 100;
const BATCH_WINDOW_MS = 500;
const ENGINE = 'transcribe';
const TERMINAL = ['finished', 'expired', 'failed'];

const BUNDLE = path.join(__dirname, '..', 'assets', 'stream-engine-pipeline', 'coordinator.lambda', 'index.js');
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

// ---- output: the handler's JSON logs and EMF lines go to a file, the figures to the terminal ----

const terminal = process.stdout.write.bind(process.stdout);
const print = (line = '') => terminal(`${line}\n`);
const handlerLogPath = path.join(process.env.TMPDIR ?? '/tmp', `coordinator-bench-${RUN_ID}.log`);
/** "LEVEL message" -> count, for every handler log line above INFO. */
const handlerWarnings = new Map<string, number>();

function divertJsonLines(stream: NodeJS.WriteStream, file: NodeJS.WritableStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (!text.startsWith('{')) return write(chunk, ...rest);
    const level = /"level":"(\w+)"/.exec(text)?.[1];
    if (level && level !== 'INFO') {
      const key = `${level} ${/"message":"([^"]*)"/.exec(text)?.[1] ?? ''}`;
      handlerWarnings.set(key, (handlerWarnings.get(key) ?? 0) + 1);
    }
    file.write(text.endsWith('\n') ? text : `${text}\n`);
    (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
    return true;
  }) as typeof stream.write;
}

/** A Kafka client error with the errors it wraps (the broker's error code is at the bottom). */
function describeError(error: Error & { errors?: Error[] }): string {
  return [error.message, ...(error.errors ?? []).map(describeError)].join(': ');
}

// ---- figures ----

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
const median = (values: number[]) => percentile(values, 0.5);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

type Kind = 'batch' | 'task-stopped' | 'reconcile';
type Handler = (event: unknown, context: { awsRequestId: string }) => Promise<CoordinatorSummary>;

interface Stream {
  readonly id: string;
  readonly durationMs: number;
  readonly eventDelayMs: number;
  /** The init record's timestamp (the Coordinator orders arrivals by it, then partition, then offset) and place. */
  arrival?: { at: number; partition: number; offset: number };
  runTaskAt?: number;
  tasks: number;
  exitAt?: number;
  /** When its first terminal status was read back from the results topic. */
  endedAt?: number;
  statuses: string[];
}

interface Invocations {
  count: number;
  /** The scheduler lease was held by another invocation: this one only recorded its event. */
  skipped: number;
  launched: number;
  ms: number[];
}

interface RunFigures {
  launch: { p50: number; p95: number; max: number };
  ideal: { p50: number; p95: number; max: number; makespan: number };
  drained: number;
  lastExit: number;
  /** After the first init: the first RunTask, and the one that filled the last slot. */
  firstRunTask: number;
  slotsFilled: number;
  /** The i-th launch after the first SLOTS took the slot the i-th exit freed. */
  handoff: { p50: number; p95: number };
  ecs: Record<'runTask' | 'listTasks' | 'describeTasks' | 'stopTask', number>;
  dynamo: Map<string, number>;
  maxLive: number;
  streamsWithTwoLive: number;
  streamsWithTwoTasks: number;
  /** Streams launched while an earlier arrival still waited: during the burst, and once every init was queued. */
  aheadInBurst: number;
  aheadLater: number;
  invocations: Map<Kind, Invocations>;
  leaseLeftHeld: number;
  errors: string[];
  heartbeats: number;
  heartbeatErrors: string[];
  queueLeft: number;
}

function byArrival(a: Stream, b: Stream): number {
  return a.arrival!.at - b.arrival!.at || a.arrival!.partition - b.arrival!.partition || a.arrival!.offset - b.arrival!.offset;
}

/** The ideal schedule: list scheduling in arrival order on `slots`, a slot taken the moment it frees. */
function idealSchedule(streams: Stream[], slots: number): { waits: number[]; makespan: number } {
  const free: number[] = Array(slots).fill(-Infinity);
  const waits: number[] = [];
  let end = 0;
  for (const s of [...streams].sort(byArrival)) {
    free.sort((a, b) => a - b);
    const start = Math.max(s.arrival!.at, free[0]);
    waits.push(start - s.arrival!.at);
    free[0] = start + TASK_START_MS + s.durationMs;
    end = Math.max(end, free[0]);
  }
  return { waits, makespan: end - Math.min(...streams.map((s) => s.arrival!.at)) };
}

/** ECS MOCK with hooks for the benchmark's task lifecycle, and an optional RunTask latency. */
class BenchCluster extends FakeEcsCluster {
  onNewTask?: (task: FakeTask) => void;
  onStopRequested?: () => void;

  async runTask(input: Parameters<FakeEcsCluster['runTask']>[0]) {
    if (RUNTASK_MS) await new Promise((r) => setTimeout(r, RUNTASK_MS));
    const before = this.tasks.size;
    try {
      return await super.runTask(input);
    } finally {
      if (this.tasks.size > before) this.onNewTask?.([...this.tasks.values()][this.tasks.size - 1]);
    }
  }

  async stopTask(input: Parameters<FakeEcsCluster['stopTask']>[0]) {
    const answer = await super.stopTask(input);
    this.onStopRequested?.();
    return answer;
  }

  reset(): void {
    this.tasks.clear();
    this.calls.length = 0;
  }
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Everything the runs share: the servers, the loaded handler and the Kafka clients. */
interface Bench {
  readonly handler: Handler;
  readonly cluster: BenchCluster;
  readonly doc: DocumentSender;
  readonly table: string;
  readonly topics: { control: string; results: string; deadLetter: string };
  readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  /** DynamoDB operation -> calls (every request dynalite served). */
  readonly dynamoOps: Map<string, number>;
  /** Where the consumers hand control and results records (set by the run in progress). */
  onControl: (m: KafkaMessage) => void;
  onResult: (m: KafkaMessage) => void;
  /** How the event source mapping invokes the handler (set by the run in progress). */
  invokeBatch: (event: unknown) => Promise<void>;
  close(): Promise<void>;
}

async function setUp(): Promise<Bench> {
  const bootstrap = await ensureKafka();
  const dynamoOps = new Map<string, number>();
  const dynamo: LocalDynamo = await startDynalite({
    onRequest: (target) => {
      const op = target.split('.').pop()!;
      dynamoOps.set(op, (dynamoOps.get(op) ?? 0) + 1);
    },
  });
  const cluster = new BenchCluster('bench-cluster', Date.now);
  const ecsServer: FakeEcsServer = await startFakeEcsServer(cluster);
  const table = await createRegistryTable(dynamo);
  const topics = { control: `bench-coord-control-${RUN_ID}`, results: `bench-coord-results-${RUN_ID}`, deadLetter: `bench-coord-dlq-${RUN_ID}` };
  await createTopic(bootstrap, topics.control, CONTROL_PARTITIONS);
  await createTopic(bootstrap, topics.results, 3);
  await createTopic(bootstrap, topics.deadLetter, 1);

  const config: PipelineConfig = {
    pipelineName: 'bench',
    kafkaAuth: 'plaintext',
    topics: { ...topics, rawStreams: 'bench.raw', objects: 'bench.objects' },
    streamEngines: [{ name: ENGINE, containerName: 'engine', inputTopics: ['bench.raw'], inputPartitions: [12], outputTopic: 'bench.results', consumerGroupPrefix: 'bench.se' }],
    objectEngines: [],
    maxConcurrentStreams: SLOTS,
    scheduling: DEFAULT_SCHEDULING,
    pollIntervalSeconds: 10,
  };
  const refs: EngineRefs = {
    cluster: 'bench-cluster',
    subnets: ['subnet-1'],
    securityGroups: ['sg-1'],
    taskDefinitions: { [ENGINE]: 'arn:aws:ecs:us-east-1:123456789012:task-definition/transcribe:1' },
    services: {},
  };
  // as the construct configures the function, before the bundle is loaded
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecsServer.endpoint,
    PIPELINE_CONFIG: packHandlerConfig(config),
    PIPELINE_ENGINE_REFS: JSON.stringify(refs),
    PIPELINE_REGISTRY_TABLE: table,
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
  });
  const log = createWriteStream(handlerLogPath);
  divertJsonLines(process.stdout, log);
  divertJsonLines(process.stderr, log);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = require(BUNDLE).handler as Handler;

  const kafka = loadKafka();
  const options = (clientId: string) => kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, clientId);
  const producer = new kafka.Producer({ ...await options('bench-producer'), idempotent: true }) as Producer<Buffer, Buffer, Buffer, Buffer>;
  const consumers: Consumer<Buffer, Buffer, Buffer, Buffer>[] = [];
  const bench: Bench = {
    handler,
    cluster,
    doc: documentClient(dynamo.client),
    table,
    topics,
    producer,
    dynamoOps,
    onControl: () => undefined,
    onResult: () => undefined,
    invokeBatch: async () => undefined,
    async close() {
      pumping = false;
      await Promise.all(pumps);
      await Promise.allSettled([producer.close(), ...consumers.map((c) => c.close(true)), ecsServer.close(), dynamo.stop()]);
      const admin = new kafka.Admin(await options('bench-admin'));
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
  const consume = async (topic: string, onMessage: (m: KafkaMessage) => void) => {
    const consumer = new kafka.Consumer({ ...await options(`bench-${topic}`), groupId: `bench-${topic}` }) as Consumer<Buffer, Buffer, Buffer, Buffer>;
    consumers.push(consumer);
    (await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 100 })).on('data', onMessage);
  };

  // the event source mapping: per partition, batches of at most 100 records after a 500 ms window, one at a time
  const pending: KafkaEventRecord[][] = Array.from({ length: CONTROL_PARTITIONS }, () => []);
  const windowStart: number[] = Array(CONTROL_PARTITIONS).fill(0);
  let pumping = true;
  await consume(topics.control, (m) => {
    bench.onControl(m);
    if (!pending[m.partition].length) windowStart[m.partition] = Date.now();
    pending[m.partition].push({
      topic: m.topic,
      partition: m.partition,
      offset: Number(m.offset),
      timestamp: Number(m.timestamp),
      timestampType: 'CREATE_TIME',
      key: m.key.toString('base64'),
      value: m.value.toString('base64'),
      headers: [],
    });
  });
  const pumps = pending.map(async (queue, partition) => {
    while (pumping) {
      if (!queue.length || (queue.length < BATCH_SIZE && Date.now() - windowStart[partition] < BATCH_WINDOW_MS)) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const batch = queue.splice(0, BATCH_SIZE);
      windowStart[partition] = Date.now();
      await bench.invokeBatch(kafkaEvent(batch));
    }
  });
  await consume(topics.results, (m) => bench.onResult(m));
  await new Promise((r) => setTimeout(r, 1_000)); // the consumers' first fetches are under way
  return bench;
}

/** One run of the scenario; a string says why it could not complete. */
async function runOnce(bench: Bench, run: number): Promise<RunFigures | string> {
  const { cluster, handler } = bench;
  cluster.reset();
  bench.dynamoOps.clear();
  const random = seeded(SEED);
  const streams = new Map<string, Stream>(Array.from({ length: STREAMS }, (_, i) => {
    const id = `r${run}-s${String(i).padStart(3, '0')}`;
    const durationMs = TASK_MIN_MS + random() * (TASK_MAX_MS - TASK_MIN_MS);
    return [id, { id, durationMs, eventDelayMs: random() * EVENT_DELAY_MAX_MS, tasks: 0, statuses: [] }];
  }));
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, ms);
    timers.add(timer);
  };
  const heartbeatTimers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<void>>();
  const invocations = new Map<Kind, Invocations>((['batch', 'task-stopped', 'reconcile'] as Kind[]).map((k) => [k, { count: 0, skipped: 0, launched: 0, ms: [] }]));
  const errors: string[] = [];
  const heartbeatErrors: string[] = [];
  let heartbeats = 0;
  let leaseLeftHeld = 0;
  let leaseChecks = 0;
  let counter = 0;
  let maxLive = 0;
  const twoLive = new Set<string>();

  // Kafka batches are retried until they succeed (as the mapping does); events twice, 1 and 2 minutes later (Lambda's async retries)
  const invoke = (kind: Kind, event: unknown): Promise<void> => {
    const work = (async () => {
      for (let attempt = 0; ; attempt++) {
        const id = `bench-${run}-${kind}-${++counter}`;
        const started = performance.now();
        try {
          const summary = await handler(event, { awsRequestId: id });
          const record = invocations.get(kind)!;
          record.count++;
          record.ms.push(performance.now() - started);
          if (!summary.scheduler) record.skipped++;
          record.launched += summary.scheduler?.launched ?? 0;
          if (summary.scheduler) {
            // an invocation that returns still holding the lease makes every other one skip until it expires
            leaseChecks++;
            const { Item } = await bench.doc.send(new GetCommand({ TableName: bench.table, Key: schedulerLeaseKey(), ConsistentRead: true }));
            if (Item?.holder === id) leaseLeftHeld++;
          }
          return;
        } catch (error) {
          errors.push(`${kind}: ${(error as Error).name}: ${(error as Error).message}`);
          if (kind !== 'batch' && attempt >= 2) return;
          await new Promise((r) => setTimeout(r, kind === 'batch' ? 1_000 : 60_000 * (attempt + 1)));
        }
      }
    })();
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    return work;
  };
  bench.invokeBatch = (event) => invoke('batch', event);
  bench.onControl = (m) => {
    const stream = streams.get(m.key.toString());
    if (stream && !stream.arrival && JSON.parse(m.value.toString()).type === 'stream-init') {
      stream.arrival = { at: Number(m.timestamp), partition: m.partition, offset: Number(m.offset) };
    }
  };
  bench.onResult = (m) => {
    const message = JSON.parse(m.value.toString()) as { streamId: string; status: string };
    const stream = streams.get(message.streamId);
    if (!stream) return;
    stream.statuses.push(message.status);
    if (TERMINAL.includes(message.status)) stream.endedAt ??= Date.now();
  };

  // the task lifecycle: RUNNING after 1 s (heartbeats from then on), exit 0 after the stream's duration, then the event
  cluster.onNewTask = (task) => {
    const stream = streams.get(task.env.STREAM_ID);
    if (!stream) return;
    stream.tasks++;
    stream.runTaskAt ??= Date.now();
    const live = cluster.live();
    maxLive = Math.max(maxLive, live.length);
    if (live.filter((t) => t.env.STREAM_ID === stream.id).length > 1) twoLive.add(stream.id);
    const heartbeat = () => {
      heartbeats++;
      const message = { type: 'heartbeat', version: 1, streamId: stream.id, engine: ENGINE, taskId: task.arn.split('/').pop(), at: new Date().toISOString() };
      bench.producer.send({ messages: [{ topic: bench.topics.control, key: Buffer.from(stream.id), value: Buffer.from(JSON.stringify(message)) }] })
        .catch((error: Error) => heartbeatErrors.push(describeError(error)));
    };
    later(TASK_START_MS, () => {
      if (task.lastStatus !== 'PROVISIONING' || task.desiredStatus !== 'RUNNING') return;
      task.lastStatus = 'RUNNING';
      task.startedAt = Date.now();
      let heartbeatTimer: NodeJS.Timeout | undefined;
      if (HEARTBEAT_MS) {
        heartbeat();
        heartbeatTimer = setInterval(heartbeat, HEARTBEAT_MS);
        heartbeatTimers.add(heartbeatTimer);
      }
      later(stream.durationMs, () => {
        clearInterval(heartbeatTimer);
        if (task.lastStatus === 'STOPPED') return;
        const event = cluster.exit(task.arn, 0);
        stream.exitAt = Date.now();
        later(stream.eventDelayMs, () => void invoke('task-stopped', event));
      });
    });
  };
  // a task the Coordinator stops is gone a second later, and its event follows
  cluster.onStopRequested = () => later(1_000, () => {
    for (const event of cluster.settle()) later(random() * EVENT_DELAY_MAX_MS, () => void invoke('task-stopped', event));
  });
  // the every-minute reconcile rule, at a seeded phase
  let reconcileTimer: NodeJS.Timeout;
  const reconcile = () => {
    void invoke('reconcile', RECONCILE_EVENT);
    reconcileTimer = setTimeout(reconcile, RECONCILE_MS);
  };
  reconcileTimer = setTimeout(reconcile, random() * RECONCILE_MS);

  // the burst
  const burstAt = Date.now();
  await bench.producer.send({
    messages: [...streams.values()].map((s) => ({
      topic: bench.topics.control,
      key: Buffer.from(s.id),
      value: Buffer.from(JSON.stringify({ type: 'stream-init', version: 1, streamId: s.id, createdAt: new Date().toISOString(), source: { kind: 'push' } })),
    })),
  });
  const all = [...streams.values()];
  while (all.some((s) => s.endedAt === undefined) && Date.now() - burstAt < TIMEOUT_MS) await new Promise((r) => setTimeout(r, 100));
  // the schedule stops; events of tasks that already exited are still delivered (a pass may have seen the exit first)
  clearTimeout(reconcileTimer!);
  heartbeatTimers.forEach(clearInterval);
  const settleBy = Date.now() + 30_000;
  while ((timers.size || inflight.size) && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 100));
  timers.forEach(clearTimeout);

  const unfinished = all.filter((s) => !s.statuses.includes('finished'));
  if (unfinished.length) {
    return `run ${run}: ${unfinished.length} of ${STREAMS} streams did not finish within ${seconds(TIMEOUT_MS)} s, e.g. ${unfinished.slice(0, 5)
      .map((s) => `${s.id} (statuses read: ${s.statuses.join(', ') || 'none'}; RunTask ${s.runTaskAt ? 'called' : 'never called'})`).join('; ')}`;
  }
  if (all.some((s) => !s.arrival)) return `run ${run}: some stream-inits were never read back from the control topic`;
  const { Items: queueLeft = [] } = await bench.doc.send(new QueryCommand({
    TableName: bench.table,
    KeyConditionExpression: '#pk = :q',
    ExpressionAttributeNames: { '#pk': REGISTRY_PARTITION_KEY },
    ExpressionAttributeValues: { ':q': QUEUE_PK },
    ConsistentRead: true,
  }));
  // the benchmark's own lease reads and queue check are not the Coordinator's
  const dynamo = new Map(bench.dynamoOps);
  dynamo.set('GetItem', (dynamo.get('GetItem') ?? 0) - leaseChecks);
  dynamo.set('Query', (dynamo.get('Query') ?? 0) - 1);

  const firstArrival = Math.min(...all.map((s) => s.arrival!.at));
  const launches = all.map((s) => s.runTaskAt! - s.arrival!.at);
  const ideal = idealSchedule(all, SLOTS);
  const launchTimes = all.map((s) => s.runTaskAt!).sort((a, b) => a - b);
  const exits = all.map((s) => s.exitAt!).sort((a, b) => a - b);
  const handoffs = launchTimes.slice(SLOTS).map((at, i) => at - exits[i]);
  const ordered = [...all].sort(byArrival);
  const ahead = ordered.filter((s, j) => ordered.slice(0, j).some((earlier) => earlier.runTaskAt! > s.runTaskAt!));
  const calls = (operation: string) => cluster.calls.filter((c) => c.operation === operation).length;
  return {
    launch: { p50: median(launches), p95: percentile(launches, 0.95), max: Math.max(...launches) },
    ideal: { p50: median(ideal.waits), p95: percentile(ideal.waits, 0.95), max: Math.max(...ideal.waits), makespan: ideal.makespan },
    drained: Math.max(...all.map((s) => s.endedAt!)) - firstArrival,
    lastExit: exits[exits.length - 1] - firstArrival,
    firstRunTask: launchTimes[0] - firstArrival,
    slotsFilled: launchTimes[Math.min(SLOTS, STREAMS) - 1] - firstArrival,
    handoff: { p50: median(handoffs), p95: percentile(handoffs, 0.95) },
    ecs: { runTask: calls('runTask'), listTasks: calls('listTasks'), describeTasks: calls('describeTasks'), stopTask: calls('stopTask') },
    dynamo,
    maxLive,
    streamsWithTwoLive: twoLive.size,
    streamsWithTwoTasks: all.filter((s) => s.tasks > 1).length,
    aheadInBurst: ahead.filter((s) => s.runTaskAt! <= exits[0]).length,
    aheadLater: ahead.filter((s) => s.runTaskAt! > exits[0]).length,
    invocations,
    leaseLeftHeld,
    errors,
    heartbeats,
    heartbeatErrors,
    queueLeft: queueLeft.length,
  };
}

function printRun(run: number, f: RunFigures): void {
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const invocations = [...f.invocations].map(([kind, v]) => `${kind} ${v.count} (lease held elsewhere ${v.skipped}, launched ${v.launched}, `
    + `p50 ${v.ms.length ? median(v.ms).toFixed(0) : '-'} ms, max ${v.ms.length ? Math.max(...v.ms).toFixed(0) : '-'} ms)`).join('; ');
  const some = (list: string[]) => (list.length ? ` (${[...new Set(list)].slice(0, 3).join(' | ')})` : '');
  print(`run ${run}: init -> RunTask p50 ${seconds(f.launch.p50)} s, p95 ${seconds(f.launch.p95)} s, max ${seconds(f.launch.max)} s; drained ${seconds(f.drained)} s `
    + `(last exit ${seconds(f.lastExit)} s); ideal p50 ${seconds(f.ideal.p50)} s, p95 ${seconds(f.ideal.p95)} s, makespan ${seconds(f.ideal.makespan)} s`);
  print(`  burst: first RunTask after ${seconds(f.firstRunTask)} s, all ${SLOTS} slots filled after ${seconds(f.slotsFilled)} s; `
    + `slot hand-off (task exit -> next RunTask) p50 ${seconds(f.handoff.p50)} s, p95 ${seconds(f.handoff.p95)} s`);
  print(`  invocations: ${invocations}; returned holding the lease: ${f.leaseLeftHeld}`);
  print(`  ECS: RunTask ${f.ecs.runTask}, ListTasks ${f.ecs.listTasks}, DescribeTasks ${f.ecs.describeTasks}, StopTask ${f.ecs.stopTask}; `
    + `DynamoDB ${total(f.dynamo)}: ${[...f.dynamo].filter(([, n]) => n > 0).map(([op, n]) => `${op} ${n}`).join(', ')}`);
  print(`  most live tasks ${f.maxLive}, streams with two live tasks ${f.streamsWithTwoLive}, with a second task ${f.streamsWithTwoTasks}; `
    + `launched ahead of an earlier arrival: ${f.aheadInBurst} in the burst (batches of other partitions), ${f.aheadLater} later; `
    + `queue items left ${f.queueLeft}; heartbeats ${f.heartbeats}, failed ${f.heartbeatErrors.length}${some(f.heartbeatErrors)}; `
    + `handler errors ${f.errors.length}${some(f.errors)}`);
}

function printSummary(all: RunFigures[]): void {
  const m = (pick: (f: RunFigures) => number) => median(all.map(pick));
  const s = (pick: (f: RunFigures) => number) => seconds(m(pick));
  // each run has its own arrival order (new stream ids, other partitions), hence its own ideal: the median of the runs' ratios
  const ratio = (a: (f: RunFigures) => number, b: (f: RunFigures) => number) => m((f) => a(f) / b(f)).toFixed(2);
  const dynamoCalls = (f: RunFigures) => [...f.dynamo.values()].reduce((a, b) => a + b, 0);
  const maxLive = Math.max(...all.map((f) => f.maxLive));
  const twoLive = Math.max(...all.map((f) => f.streamsWithTwoLive));
  print();
  print(`Coordinator (bundled handler), ${STREAMS} stream-inits in one burst, maxConcurrentStreams ${SLOTS}, tasks 1 s to start + `
    + `${TASK_MIN_MS / 1000}-${TASK_MAX_MS / 1000} s (seed ${SEED}), heartbeats ${HEARTBEAT_MS ? `every ${HEARTBEAT_MS / 1000} s` : 'off'}`
    + `${RUNTASK_MS ? `, RunTask answers after ${RUNTASK_MS} ms` : ''}; median of ${all.length} run(s):`);
  print();
  print('| | Coordinator | ideal schedule | ratio |');
  print('|---|---:|---:|---:|');
  print(`| init -> RunTask, p50 | ${s((f) => f.launch.p50)} s | ${s((f) => f.ideal.p50)} s | ${ratio((f) => f.launch.p50, (f) => f.ideal.p50)} |`);
  print(`| init -> RunTask, p95 | ${s((f) => f.launch.p95)} s | ${s((f) => f.ideal.p95)} s | ${ratio((f) => f.launch.p95, (f) => f.ideal.p95)} |`);
  print(`| init -> RunTask, max | ${s((f) => f.launch.max)} s | ${s((f) => f.ideal.max)} s | ${ratio((f) => f.launch.max, (f) => f.ideal.max)} |`);
  print(`| all streams finished (queue drained) | ${s((f) => f.drained)} s | ${s((f) => f.ideal.makespan)} s | ${ratio((f) => f.drained, (f) => f.ideal.makespan)} |`);
  print(`| burst: first RunTask / all ${SLOTS} slots filled | ${s((f) => f.firstRunTask)} / ${s((f) => f.slotsFilled)} s | 0 / 0 s | |`);
  print(`| slot hand-off (task exit -> next RunTask), p50 / p95 | ${s((f) => f.handoff.p50)} / ${s((f) => f.handoff.p95)} s | 0 s | |`);
  print(`| RunTask / ListTasks / DescribeTasks calls | ${m((f) => f.ecs.runTask)} / ${m((f) => f.ecs.listTasks)} / ${m((f) => f.ecs.describeTasks)} | ${STREAMS} / - / - | |`);
  print(`| DynamoDB calls | ${m(dynamoCalls)} | - | |`);
  print(`| most live tasks / streams with two live tasks (all runs) | ${maxLive} / ${twoLive} | ${SLOTS} / 0 | |`);
  print();
  print(`coordinator: ${STREAMS} streams on ${SLOTS} slots drained in ${s((f) => f.drained)} s (ideal ${s((f) => f.ideal.makespan)} s, `
    + `x${ratio((f) => f.drained, (f) => f.ideal.makespan)}); init -> RunTask p50 ${s((f) => f.launch.p50)} s (ideal ${s((f) => f.ideal.p50)} s), `
    + `p95 ${s((f) => f.launch.p95)} s (ideal ${s((f) => f.ideal.p95)} s); `
    + `${maxLive > SLOTS || twoLive ? 'INVARIANT BROKEN: ' : ''}at most ${maxLive} live tasks, ${twoLive} streams with two (median of ${all.length} runs)`);
  if (handlerWarnings.size) print(`handler warnings and errors: ${[...handlerWarnings].map(([k, n]) => `${k} x${n}`).join('; ')}`);
}

async function main(): Promise<number> {
  if (!existsSync(BUNDLE)) {
    print(`FAILED: ${BUNDLE} is missing: run \`npx projen bundle\` first`);
    return 1;
  }
  const bench = await setUp();
  const figures: RunFigures[] = [];
  let failure: string | undefined;
  for (let run = 1; run <= RUNS && !failure; run++) {
    const result = await runOnce(bench, run);
    if (typeof result === 'string') {
      failure = result;
    } else {
      figures.push(result);
      printRun(run, result);
      if (result.maxLive > SLOTS || result.streamsWithTwoLive) {
        failure = `run ${run}: ECS saw ${result.maxLive} live tasks (limit ${SLOTS}) and ${result.streamsWithTwoLive} streams with two live tasks`;
      }
    }
  }
  if (figures.length) printSummary(figures);
  print(`handler logs and metrics: ${handlerLogPath}`);
  await bench.close();
  if (failure) print(`FAILED: ${failure}`);
  return failure ? 1 : 0;
}

// the bundle keeps its Kafka producer open for the next invocation, as in Lambda: exit explicitly
main().then((code) => process.exit(code), (error) => {
  print(`FAILED: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
