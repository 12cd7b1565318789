import { ChildProcess, spawn } from 'node:child_process';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { documentClient } from '../../src/shared/runtime/aws-clients';
import type { ChunkResultMessage, HeartbeatMessage } from '../../src/stream-engine-pipeline/messages';
import { loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { LagAdminClient, LagScaler, PollResult } from '../../src/stream-engine-pipeline/runtime/lag-scaler';
import { ObjectEngineConfig, PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { startDynalite, LocalDynamo } from '../helpers/dynalite';
import { ensureKafka } from '../helpers/kafka-broker';
import { SILENT_LOG } from '../helpers/recording-log';
import {
  countMessages, createRegistryTable, createTopic, FakeEcs, newAdmin, newFetcher, objectEngineMain, produceKeyed, uniqueName,
} from './runtime/lag-scaler-kit';

// End to end on this machine: a burst of media chunks on the real broker; the lag scaler (real
// lag reader, real scaling decision, dynalite registry) drives a LOCAL STAND-IN for the engine's
// ECS service. ECS has no local implementation, so it is mocked at its API boundary: FakeEcs
// answers DescribeServices/UpdateService, and each UpdateService starts or stops local processes
// of the object engine template (examples/engines/typescript-object-engine, built with its own
// dependencies), as ECS would start or stop Fargate tasks. The engines drain the lag and write
// results; the scaler returns to zero.

const CHUNKS = 240;
const PARTITIONS = 4;

let bootstrap: string;
let admin: Admin;
let dynamo: LocalDynamo;
let engineFile: string;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap);
  dynamo = await startDynalite();
  engineFile = objectEngineMain();
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await dynamo?.stop();
});

/** The service's tasks: local processes of the object engine template. */
class LocalService {
  readonly tasks: ChildProcess[] = [];
  readonly exits: Array<Promise<number | null>> = [];
  started = 0;
  output = '';

  constructor(private readonly env: Record<string, string>) {}

  /** What ECS does when the desired count changes: start or stop tasks until it matches. */
  scaleTo(count: number): void {
    while (this.tasks.length < count) {
      const task = spawn(process.execPath, [engineFile], { env: { PATH: process.env.PATH ?? '', ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      task.stdout!.on('data', (d) => (this.output += d));
      task.stderr!.on('data', (d) => (this.output += d));
      this.exits.push(new Promise((resolve) => task.once('exit', (code) => resolve(code))));
      this.tasks.push(task);
      this.started++;
    }
    while (this.tasks.length > count) {
      this.tasks.pop()!.kill('SIGTERM'); // ECS stops a task with SIGTERM
    }
  }

  async stopAll(): Promise<Array<number | null>> {
    this.scaleTo(0);
    const timer = setTimeout(() => this.tasks.forEach((t) => t.kill('SIGKILL')), 10_000);
    const codes = await Promise.all(this.exits);
    clearTimeout(timer);
    return codes;
  }
}

async function distinctResults(topic: string, expected: number, timeoutMs: number): Promise<Set<string>> {
  const kafka = loadKafka();
  const consumer = new kafka.Consumer({
    clientId: 'e2e-results',
    bootstrapBrokers: [bootstrap],
    groupId: uniqueName('e2e-results'),
    deserializers: kafka.stringDeserializers,
    maxWaitTime: 200,
  });
  const seen = new Set<string>();
  const stream = await consumer.consume({ topics: [topic], mode: kafka.MessagesStreamModes.EARLIEST, autocommit: false });
  stream.on('error', () => undefined);
  const timer = setTimeout(() => void stream.close(), timeoutMs);
  try {
    for await (const message of stream) {
      const result = JSON.parse(message.value) as ChunkResultMessage | HeartbeatMessage;
      if (result.type === 'heartbeat') { // each task's, on the output topic too
        expect(result).toMatchObject({ engine: 'detector', processed: expect.any(Number) });
        continue;
      }
      expect(result).toMatchObject({ type: 'chunk-result', status: 'success', engine: 'detector' });
      seen.add(result.chunkId);
      if (seen.size >= expected) {
        break;
      }
    }
  } finally {
    clearTimeout(timer);
    await stream.close().catch(() => undefined);
    await consumer.close(true);
  }
  return seen;
}

test('a burst is drained by engines the lag scaler starts, and it returns to zero after the cooldown', async () => {
  const objects = uniqueName('e2e-objects');
  const results = uniqueName('e2e-results');
  await createTopic(admin, objects, PARTITIONS);
  await createTopic(admin, results, 2);
  const deadLetter = uniqueName('e2e-dead-letter');
  await createTopic(admin, deadLetter, 1);
  const table = await createRegistryTable(dynamo.client);

  const engine: ObjectEngineConfig = {
    name: 'detector',
    inputTopic: objects,
    outputTopic: results,
    consumerGroup: uniqueName('detector'),
    offsetReset: 'earliest',
    scaling: {
      lagPerTask: 40,
      activationLag: 5,
      minTasks: 0,
      maxTasks: 3,
      scaleInCooldownSeconds: 3,
      allowMoreTasksThanPartitions: false,
      limitToPartitionsWithLag: true,
      persistentLagAfterSeconds: 600,
      excludePersistentLag: true,
    },
  };
  const config: PipelineConfig = {
    pipelineName: 'e2e',
    kafkaAuth: 'plaintext',
    topics: { control: 'c', rawStreams: 'r', objects, results, deadLetter },
    streamEngines: [],
    objectEngines: [engine],
    maxConcurrentStreams: 1,
    pollIntervalSeconds: 1,
  };
  const service = new LocalService({
    ENGINE_NAME: 'detector',
    ENGINE_INPUT_TOPICS: objects,
    ENGINE_OUTPUT_TOPIC: results,
    ENGINE_DEAD_LETTER_TOPIC: deadLetter,
    ENGINE_CONSUMER_GROUP: engine.consumerGroup,
    // the engine contract: the engine starts where the scaler counts from
    ENGINE_OFFSET_RESET: engine.offsetReset,
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    PLACEHOLDER_MODEL_DELAY_MS: '25',
  });
  const ecs = new FakeEcs(new Map([['detector-service', { desiredCount: 0, onUpdate: (n: number) => service.scaleTo(n) }]]));
  const scaler = new LagScaler({
    config,
    refs: { cluster: 'local', subnets: [], securityGroups: [], taskDefinitions: {}, services: { detector: 'detector-service' } },
    createKafkaAdmin: async () => newAdmin(bootstrap, 'e2e-lag-scaler') as unknown as LagAdminClient,
    createRecordFetcher: async () => newFetcher(bootstrap, 'e2e-lag-scaler-probe'),
    ecs,
    doc: documentClient(dynamo.client),
    registryTable: table,
    log: SILENT_LOG,
    emitMetrics: () => undefined,
  });

  const polls: PollResult[] = [];
  let exitCodes: Array<number | null> = [];
  try {
    // idle: nothing to do, nothing started
    polls.push(await scaler.poll());
    expect(polls[0].engines[0]).toMatchObject({ lag: 0, desired: 0, action: 'hold' });

    await produceKeyed(bootstrap, objects, CHUNKS, 24);

    // poll every 500 ms until the lag is drained and the service is back at zero
    const deadline = Date.now() + 45_000;
    while (Date.now() < deadline) {
      const poll = await scaler.poll();
      polls.push(poll);
      const e = poll.engines[0];
      if (e.lag === 0 && e.desired === 0 && polls.some((p) => (p.engines[0].desired ?? 0) > 0)) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await scaler.close();
    exitCodes = await service.stopAll();
  }

  const desiredOverTime = polls.map((p) => p.engines[0].desired);
  const last = polls[polls.length - 1].engines[0];
  expect(last).toMatchObject({ lag: 0, desired: 0 });
  // a new group with a backlog: every partition uncommitted at first, the whole burst counted
  const firstBusy = polls.find((p) => (p.engines[0].lag ?? 0) > 0)!.engines[0];
  expect(firstBusy).toMatchObject({ lag: CHUNKS, uncommittedPartitions: PARTITIONS, action: 'scale-out', desired: 3 });
  expect(Math.max(...desiredOverTime.map((d) => d ?? 0))).toBe(3);
  // scaled in (after the cooldown), and never back out while the burst drained
  const actions = polls.map((p) => p.engines[0].action);
  expect(actions.indexOf('scale-in')).toBeGreaterThan(actions.lastIndexOf('scale-out'));
  expect(ecs.updates()[0]).toEqual({ service: 'detector-service', desiredCount: 3 });
  expect(ecs.updates()[ecs.updates().length - 1]).toEqual({ service: 'detector-service', desiredCount: 0 });
  expect(service.started).toBe(3);
  // every task stopped cleanly on SIGTERM
  const failed = exitCodes.some((code) => code !== 0);
  expect({ exitCodes, log: failed ? service.output : '' }).toEqual({ exitCodes: exitCodes.map(() => 0), log: '' });

  // every chunk has a result (at least once: a rebalance may repeat a few; heartbeats are there too)
  expect(await countMessages(admin, results, 2)).toBeGreaterThanOrEqual(CHUNKS);
  expect((await distinctResults(results, CHUNKS, 15_000)).size).toBe(CHUNKS);
}, 90_000);
