import * as net from 'node:net';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { createRegistryTable, createTopic, FakeEcs, newAdmin, newFetcher, produceToPartitions, uniqueName } from './lag-scaler-kit';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { CLOSE_TIMEOUT_MS, LagAdminClient, LagScalerDeps } from '../../../src/stream-engine-pipeline/runtime/lag-scaler';
import { ObjectEngineConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { scalerLeaseKey } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { ScalerLease } from '../../../src/stream-engine-pipeline/runtime/scaler-lease';
import { runScaler } from '../../../src/stream-engine-pipeline/runtime/scaler-run';
import { startDynalite, LocalDynamo } from '../../helpers/dynalite';
import { ensureKafka } from '../../helpers/kafka-broker';
import { RecordingLog } from '../../helpers/recording-log';

// Runs of the lag scaler in real time: their budget against a broker that never answers, and
// the lease that hands polling from one run to the next. Real broker and dynalite; ECS is
// mocked at the SDK boundary (FakeEcs): it has no local implementation.

let bootstrap: string;
let admin: Admin;
let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let topic: string;
let deadLetterTopic: string;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap);
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
  topic = uniqueName('run-objects');
  await createTopic(admin, topic, 2);
  await produceToPartitions(bootstrap, topic, [{ partition: 0, count: 30 }]);
  deadLetterTopic = uniqueName('run-dead-letter');
  await createTopic(admin, deadLetterTopic, 1);
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await dynamo?.stop();
});

function engine(): ObjectEngineConfig {
  return {
    name: 'worker',
    inputTopic: topic,
    outputTopic: 'results',
    consumerGroup: uniqueName('run-group'),
    offsetReset: 'earliest',
    scaling: {
      lagPerTask: 10,
      activationLag: 1,
      minTasks: 0,
      maxTasks: 4,
      scaleInCooldownSeconds: 60,
      allowMoreTasksThanPartitions: false,
      limitToPartitionsWithLag: false,
      persistentLagAfterSeconds: 600,
      excludePersistentLag: true,
    },
  };
}

function deps(brokers: string, ecs: FakeEcs, table: string, log = new RecordingLog(), runEpoch?: number): LagScalerDeps {
  const e = engine();
  return {
    config: {
      pipelineName: uniqueName('run'),
      kafkaAuth: 'plaintext',
      topics: { control: 'c', rawStreams: 'r', objects: topic, results: 'results', deadLetter: deadLetterTopic },
      streamEngines: [],
      objectEngines: [e],
      maxConcurrentStreams: 1,
      pollIntervalSeconds: 1,
    },
    refs: { cluster: 'cluster', subnets: [], securityGroups: [], taskDefinitions: {}, services: { worker: 'svc-worker' } },
    createKafkaAdmin: async () => newAdmin(brokers, 'lag-scaler') as unknown as LagAdminClient,
    createRecordFetcher: async () => newFetcher(brokers),
    ecs,
    doc,
    registryTable: table,
    runEpoch,
    log,
    emitMetrics: () => undefined,
  };
}

describe('a run never outlives its budget', () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let silentBroker: string;

  beforeAll(async () => {
    // accepts every connection and never answers a byte: the worst a broker can do
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentBroker = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('a broker that accepts connections and never answers: every poll ends by its deadline, counts are kept, the run ends within its budget', async () => {
    const ecs = new FakeEcs(new Map([['svc-worker', { desiredCount: 2 }]]));
    const log = new RecordingLog();
    const table = await createRegistryTable(dynamo.client);
    const budgetMs = 8_000;
    const pollTimeoutMs = 2_000;
    const started = Date.now();
    const run = await runScaler(deps(silentBroker, ecs, table, log), { intervalMs: 1_000, budgetMs, pollTimeoutMs });
    const took = Date.now() - started;

    expect(sockets.size).toBeGreaterThan(0); // the client did reach the silent broker
    expect(run.end).toBe('budget');
    // connecting ahead gives up after at most the poll timeout, then polls as long as a whole one fits
    expect(run.polls.length).toBeGreaterThanOrEqual(2);
    for (const poll of run.polls) {
      expect(poll).toMatchObject({ kafkaReadable: false, lagReadFailures: 1 });
      expect(poll.engines[0]).toMatchObject({ current: 2, desired: 2, action: 'no-data' });
    }
    // each poll started at least the interval after the one before and ended by its deadline
    const gaps = run.polls.slice(1).map((p, i) => p.at - run.polls[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(pollTimeoutMs + 500);
    expect(ecs.updates()).toEqual([]);
    expect(took).toBeLessThanOrEqual(budgetMs + CLOSE_TIMEOUT_MS + 500);
    expect(log.withMessage('Kafka could not be read, keeping every task count')).toHaveLength(run.polls.length);
  }, 30_000);
});

describe('the lease hands polling from one run to the next without a gap', () => {
  test('a newer run takes over at once, the older stops at its next poll, and a late older run does not poll', async () => {
    const table = await createRegistryTable(dynamo.client);
    const ecs = new FakeEcs(new Map([['svc-worker', { desiredCount: 0 }]]));
    const intervalMs = 500;
    const options = (epoch: number, id: string, budgetMs: number) => ({
      intervalMs, budgetMs, pollTimeoutMs: 3_000, lease: new ScalerLease(doc, table, { id, epoch }),
    });
    const shared = deps(bootstrap, ecs, table);
    const older = runScaler({ ...shared, runEpoch: 1_000 }, options(1_000, 'run-1', 20_000));
    // the next minute's run starts while the first still polls
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const newer = runScaler({ ...shared, runEpoch: 2_000 }, options(2_000, 'run-2', 5_000));
    const [first, second] = await Promise.all([older, newer]);

    expect(first.end).toBe('taken-over');
    expect(second.end).toBe('budget');
    const firstTimes = first.polls.map((p) => p.at);
    const secondTimes = second.polls.map((p) => p.at);
    expect(firstTimes.length).toBeGreaterThanOrEqual(4);
    expect(secondTimes.length).toBeGreaterThanOrEqual(4);
    // at most one more poll of the older run after the newer one's first: no long overlap
    expect(firstTimes.filter((t) => t >= secondTimes[0]).length).toBeLessThanOrEqual(1);
    // no gap longer than the interval (plus a poll's own time) across the handover
    const all = [...firstTimes, ...secondTimes].sort((a, b) => a - b);
    const longest = Math.max(...all.slice(1).map((t, i) => t - all[i]));
    expect(longest).toBeLessThanOrEqual(intervalMs + 400);
    // lag 30 asks for 3 tasks, capped at the topic's 2 partitions: set once, by the first poll
    expect(ecs.updates()).toEqual([{ service: 'svc-worker', desiredCount: 2 }]);

    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: scalerLeaseKey() }));
    expect(Item).toMatchObject({ holder: 'run-2', epoch: 2_000 });

    // a late delivery of an older schedule event never takes the lease back
    const late = await runScaler({ ...shared, runEpoch: 1_500 }, options(1_500, 'run-late', 5_000));
    expect(late).toEqual({ polls: [], end: 'newer-run-holds-lease' });
  }, 60_000);
});
