import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import {
  commitOffsets, createRegistryTable, createTopic, endOffsets, FakeEcs, FakeService, newAdmin, newFetcher, produceKeyed, produceToPartitions,
  uniqueName,
} from './lag-scaler-kit';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { sleep } from '../../../src/shared/runtime/timers';
import { LagAdminClient, LagScalerDeps, PollResult } from '../../../src/stream-engine-pipeline/runtime/lag-scaler';
import { LagScalingConfig, ObjectEngineConfig, PipelineConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { scalerStateKey, ScalerStateItem } from '../../../src/stream-engine-pipeline/runtime/registry-schema';
import { runScaler } from '../../../src/stream-engine-pipeline/runtime/scaler-run';
import { startDynalite, LocalDynamo } from '../../helpers/dynalite';
import { ensureKafka } from '../../helpers/kafka-broker';
import { RecordingLog } from '../../helpers/recording-log';

// The lag scaler's poll loop with a real Kafka broker (lag), dynalite (registry table) and a
// fake ECS client: ECS has no local implementation, so DescribeServices/UpdateService are
// mocked at the SDK boundary (FakeEcs).

const scaling: LagScalingConfig = {
  lagPerTask: 25,
  activationLag: 10,
  minTasks: 0,
  maxTasks: 4,
  scaleInCooldownSeconds: 30,
  allowMoreTasksThanPartitions: false,
  limitToPartitionsWithLag: false,
  persistentLagAfterSeconds: 600,
  excludePersistentLag: true,
};

let bootstrap: string;
let admin: Admin;
let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let table: string;
let topic: string; // 4 partitions, 100 messages
let deadLetterTopic: string; // 2 partitions, 7 messages

beforeAll(async () => {
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap);
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
  table = await createRegistryTable(dynamo.client);
  topic = uniqueName('scaler-objects');
  await createTopic(admin, topic, 4);
  await produceKeyed(bootstrap, topic, 100, 8);
  deadLetterTopic = uniqueName('scaler-dead-letter');
  await createTopic(admin, deadLetterTopic, 2);
  await produceKeyed(bootstrap, deadLetterTopic, 7, 3);
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await dynamo?.stop();
});

function engine(name: string, inputTopic = topic, group = uniqueName(`group-${name}`)): ObjectEngineConfig {
  return { name, inputTopic, outputTopic: 'results', consumerGroup: group, offsetReset: 'earliest', scaling };
}

function pipelineConfig(engines: ObjectEngineConfig[]): PipelineConfig {
  return {
    pipelineName: uniqueName('pipe'),
    kafkaAuth: 'plaintext',
    topics: { control: 'c', rawStreams: 'r', objects: topic, results: 'results', deadLetter: deadLetterTopic },
    streamEngines: [],
    objectEngines: engines,
    maxConcurrentStreams: 10,
    pollIntervalSeconds: 10,
  };
}

interface Harness {
  deps: LagScalerDeps;
  ecs: FakeEcs;
  log: RecordingLog;
  metrics: any[];
  clock: { now: number };
  adminsOpened: () => number;
}

function harness(engines: ObjectEngineConfig[], services: Record<string, Partial<FakeService>>, brokers = bootstrap): Harness {
  const ecs = new FakeEcs(new Map(Object.entries(services).map(([name, s]) => [name, { desiredCount: 0, ...s }])));
  const log = new RecordingLog();
  const metrics: any[] = [];
  const clock = { now: 1_800_000_000_000 };
  let opened = 0;
  const deps: LagScalerDeps = {
    config: pipelineConfig(engines),
    refs: {
      cluster: 'cluster',
      subnets: [],
      securityGroups: [],
      taskDefinitions: {},
      services: Object.fromEntries(engines.map((e) => [e.name, `svc-${e.name}`])),
    },
    createKafkaAdmin: async () => {
      opened++;
      return newAdmin(brokers, 'lag-scaler') as unknown as LagAdminClient;
    },
    createRecordFetcher: async () => newFetcher(brokers),
    ecs,
    doc,
    registryTable: table,
    now: () => clock.now,
    log,
    emitMetrics: (line) => metrics.push(JSON.parse(line)),
    lagReadTimeoutMs: 15_000,
  };
  return { deps, ecs, log, metrics, clock, adminsOpened: () => opened };
}

/**
 * `polls` polls `intervalMs` apart on the harness's clock (the sleep between them advances it),
 * as a run without a lease: the budget ends right after the last one.
 */
async function runPolls(deps: LagScalerDeps, clock: { now: number }, polls: number, intervalMs: number): Promise<PollResult[]> {
  const pollTimeoutMs = 20_000;
  const run = await runScaler(deps, {
    intervalMs,
    budgetMs: (polls - 1) * intervalMs + pollTimeoutMs,
    pollTimeoutMs,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  expect(run.end).toBe('budget');
  return run.polls;
}

describe('lag scaler poll loop', () => {
  test('scales out from real lag, writes state and EMF, and updates only on change', async () => {
    const e = engine('detector'); // never committed: the whole backlog (100) counts
    const h = harness([e], { 'svc-detector': {} });
    const polls = await runPolls(h.deps, h.clock, 4, 10_000);

    expect(polls.map((p) => p.engines[0].desired)).toEqual([4, 4, 4, 4]);
    expect(h.ecs.updates()).toEqual([{ service: 'svc-detector', desiredCount: 4 }]);
    expect(polls[0].engines[0]).toMatchObject({ lag: 100, partitions: 4, uncommittedPartitions: 4, current: 0, action: 'scale-out', updated: true });
    expect(h.adminsOpened()).toBe(1); // one Kafka connection for all polls

    const engineMetrics = h.metrics.filter((m) => m.Engine === 'detector');
    expect(engineMetrics).toHaveLength(4);
    expect(engineMetrics[0]).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{
          Namespace: 'CdkStatusAndStreams/StreamEnginePipeline',
          Dimensions: [['Pipeline', 'Engine']],
          Metrics: [{ Name: 'ConsumerLag', Unit: 'Count' }, { Name: 'DesiredTasks', Unit: 'Count' }, { Name: 'StuckPartitions', Unit: 'Count' }],
        }],
      },
      Pipeline: h.deps.config.pipelineName,
      Engine: 'detector',
      ConsumerLag: 100,
      DesiredTasks: 4,
      StuckPartitions: 0,
      action: 'scale-out',
    });
    expect(h.metrics.filter((m) => 'LagReadFailures' in m).map((m) => m.LagReadFailures)).toEqual([0, 0, 0, 0]);
    // the dead-letter topic's size, on the pipeline's document
    expect(polls[0].deadLetters).toBe(7);
    expect(h.metrics.find((m) => 'LagReadFailures' in m)).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [{
          Namespace: 'CdkStatusAndStreams/StreamEnginePipeline',
          Dimensions: [['Pipeline']],
          Metrics: [{ Name: 'LagReadFailures', Unit: 'Count' }, { Name: 'DeadLetterMessages', Unit: 'Count' }],
        }],
      },
      Pipeline: h.deps.config.pipelineName,
      LagReadFailures: 0,
      DeadLetterMessages: 7,
    });

    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: scalerStateKey('detector') }));
    expect(Item).toMatchObject({ pk: 'scaler', sk: 'engine#detector', desiredCount: 4, lag: 100 });
    expect(Item!.lastScaleOutAt).toBe(polls[0].at);
    // From the second poll the 4 tasks run (FakeEcs starts them at once) and no partition moves:
    // each is watched for persistent lag from then (position -1: never committed). A watch is
    // worth writing once it has lasted a poll, so the third poll wrote it; the fourth changed
    // nothing and wrote nothing.
    expect(Item!.updatedAt).toBe(polls[2].at);
    expect(Item!.partitions).toEqual(Object.fromEntries([0, 1, 2, 3].map((p) => [String(p), { position: -1, since: polls[1].at }])));
  });

  test('scales in to zero only after the cooldown, and the wait survives a new invocation', async () => {
    const e = engine('ocr');
    const ends = await endOffsets(admin, topic, 4);
    await commitOffsets(admin, e.consumerGroup, topic, ends); // drained
    const h = harness([e], { 'svc-ocr': { desiredCount: 2 } });

    // invocation 1: 2 polls, 20 s -> still waiting
    let polls = await runPolls(h.deps, h.clock, 2, 10_000);
    expect(polls.map((p) => p.engines[0].desired)).toEqual([2, 2]);
    expect(polls[1].engines[0].reason).toMatch(/fewer tasks wanted for 10 s of the 30 s cooldown/);

    // invocation 2 (new LagScaler, same table): the wait started in invocation 1
    h.clock.now += 25_000;
    polls = await runPolls(h.deps, h.clock, 1, 10_000);
    expect(polls[0].engines[0]).toMatchObject({ lag: 0, current: 2, desired: 0, action: 'scale-in', updated: true });
    expect(h.ecs.updates()).toEqual([{ service: 'svc-ocr', desiredCount: 0 }]);
  });

  test('scaler state that DynamoDB defers (UnprocessedKeys) is fetched again, not taken as missing', async () => {
    // Three drained engines, each 60 s into its 30 s scale-in wait (remembered in the table):
    // with its memory an engine scales in now; without it, the wait would start again (hold).
    const engines = ['kept-a', 'kept-b', 'kept-c'].map((name) => engine(name));
    const ends = await endOffsets(admin, topic, 4);
    await Promise.all(engines.map((e) => commitOffsets(admin, e.consumerGroup, topic, ends)));
    const h = harness(engines, Object.fromEntries(engines.map((e) => [`svc-${e.name}`, { desiredCount: 2 }])));
    const stateTable = await createRegistryTable(dynamo.client);
    for (const e of engines) {
      const item: ScalerStateItem = {
        ...scalerStateKey(e.name), lowerSince: h.clock.now - 60_000, lowerTarget: 0, updatedAt: h.clock.now - 10_000, reason: 'waiting',
      };
      await doc.send(new PutCommand({ TableName: stateTable, Item: item }));
    }

    // dynalite never defers keys, so the first BatchGetItem answer is cut: only its first key is
    // read, the others come back as UnprocessedKeys (as DynamoDB does under load)
    const batchGets: Array<Array<Record<string, unknown>>> = [];
    const deferring = {
      send: (async (command: any) => {
        if (command instanceof BatchGetCommand) {
          const request = command.input.RequestItems![stateTable];
          batchGets.push(request.Keys!);
          if (batchGets.length === 1) {
            const [first, ...deferred] = request.Keys!;
            const answer = await doc.send(new BatchGetCommand({ RequestItems: { [stateTable]: { ...request, Keys: [first] } } }));
            return { ...answer, UnprocessedKeys: { [stateTable]: { ...request, Keys: deferred } } };
          }
        }
        return doc.send(command);
      }) as DynamoDBDocumentClient['send'],
    };

    const [poll] = await runPolls({ ...h.deps, doc: deferring, registryTable: stateTable }, h.clock, 1, 1_000);
    expect(poll.engines.map((o) => [o.engine, o.lag, o.current, o.desired, o.action])).toEqual(engines.map((e) => [e.name, 0, 2, 0, 'scale-in']));
    expect(h.ecs.updates()).toEqual(engines.map((e) => ({ service: `svc-${e.name}`, desiredCount: 0 })));
    // the second request asked for exactly the deferred keys
    expect(batchGets).toEqual([engines.map((e) => scalerStateKey(e.name)), engines.slice(1).map((e) => scalerStateKey(e.name))]);
  });

  test('DescribeServices is called with at most 10 services', async () => {
    const engines = Array.from({ length: 12 }, (_, i) => engine(`e${i}`));
    const h = harness(engines, Object.fromEntries(engines.map((e) => [`svc-${e.name}`, {}])));
    const [poll] = await runPolls(h.deps, h.clock, 1, 1_000);
    const describes = h.ecs.calls.filter((c) => c.command === 'DescribeServices');
    expect(describes.map((c) => c.input.services.length).sort()).toEqual([10, 2]);
    expect(poll.engines.every((o) => o.desired === 4)).toBe(true);
  });

  test('a deleted topic or a failing service leaves only that engine alone', async () => {
    const good = engine('good');
    const gone = engine('gone', uniqueName('deleted-topic'));
    const broken = engine('broken');
    const missing = engine('missing');
    const h = harness([good, gone, broken, missing], {
      'svc-good': {}, 'svc-gone': { desiredCount: 3 }, 'svc-broken': { fail: true },
    });
    const [poll] = await runPolls(h.deps, h.clock, 1, 1_000);
    const byName = new Map(poll.engines.map((o) => [o.engine, o]));
    expect(byName.get('good')).toMatchObject({ desired: 4, action: 'scale-out' });
    expect(byName.get('gone')).toMatchObject({ current: 3, desired: 3, action: 'no-data' });
    expect(byName.get('gone')!.reason).toMatch(/lag unknown \(topic .* does not exist\): keeping 3 tasks/);
    expect(byName.get('broken')).toMatchObject({ action: 'error' });
    expect(byName.get('broken')!.reason).toMatch(/DescribeServices failed/);
    expect(byName.get('missing')).toMatchObject({ action: 'error' });
    expect(byName.get('missing')!.reason).toMatch(/service svc-missing not found \(MISSING\)/);
    expect(h.ecs.updates()).toEqual([{ service: 'svc-good', desiredCount: 4 }]);
    expect(poll.lagReadFailures).toBe(1);
    expect(poll.kafkaReadable).toBe(true);
  });

  test('an UpdateService failure is reported and the state does not advance', async () => {
    const e = engine('flaky');
    const h = harness([e], { 'svc-flaky': {} });
    const service = h.ecs.services.get('svc-flaky')!;
    h.ecs.send = (async (command: any) => {
      if (command.constructor.name === 'UpdateServiceCommand') {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return FakeEcs.prototype.send.call(h.ecs, command);
    }) as typeof h.ecs.send;
    const [poll] = await runPolls(h.deps, h.clock, 1, 1_000);
    expect(poll.engines[0]).toMatchObject({ action: 'error', current: 0, desired: 0, updated: false });
    expect(poll.engines[0].reason).toMatch(/UpdateService failed: Rate exceeded/);
    expect(service.desiredCount).toBe(0);
  });

  test('Kafka unreachable: every count kept, LagReadFailures=1, a clear log, no throw', async () => {
    const a = engine('a');
    const b = engine('b');
    const h = harness([a, b], { 'svc-a': { desiredCount: 2 }, 'svc-b': { desiredCount: 0 } }, '127.0.0.1:1');
    const polls = await runPolls(h.deps, h.clock, 2, 1_000);
    for (const poll of polls) {
      expect(poll.kafkaReadable).toBe(false);
      expect(poll.lagReadFailures).toBe(1);
      expect(poll.engines.map((o) => [o.engine, o.desired, o.action])).toEqual([['a', 2, 'no-data'], ['b', 0, 'no-data']]);
    }
    expect(h.ecs.updates()).toEqual([]);
    expect(h.log.withMessage('Kafka could not be read, keeping every task count')).toEqual(polls.map(() => ({
      level: 'error',
      message: 'Kafka could not be read, keeping every task count',
      fields: { pipeline: h.deps.config.pipelineName, error: expect.stringMatching(/.+/) },
    })));
    expect(h.metrics.filter((m) => 'LagReadFailures' in m).map((m) => m.LagReadFailures)).toEqual([1, 1]);
    // no ConsumerLag is made up when it is unknown; DesiredTasks still reports the kept count
    expect(h.metrics.filter((m) => m.Engine === 'a')[0]).toMatchObject({ DesiredTasks: 2 });
    expect(h.metrics.filter((m) => m.Engine === 'a')[0].ConsumerLag).toBeUndefined();
    // a broken connection is dropped and opened again: once to connect ahead, then at each poll
    expect(h.adminsOpened()).toBe(3);
  });

  test('a missing dead-letter topic is logged and leaves its metric out, nothing else', async () => {
    const e = engine('nodl');
    const h = harness([e], { 'svc-nodl': {} });
    const [poll] = await runPolls({ ...h.deps, config: { ...h.deps.config, topics: { ...h.deps.config.topics, deadLetter: uniqueName('no-dl') } } },
      h.clock, 1, 1_000);
    expect(poll).toMatchObject({ lagReadFailures: 0, deadLetters: undefined });
    expect(poll.engines[0]).toMatchObject({ desired: 4, action: 'scale-out' });
    expect(h.metrics.find((m) => 'LagReadFailures' in m).DeadLetterMessages).toBeUndefined();
    expect(h.log.withMessage('dead-letter topic could not be read')).toEqual([{
      level: 'error',
      message: 'dead-letter topic could not be read',
      fields: { pipeline: h.deps.config.pipelineName, topic: expect.stringMatching(/^no-dl-/), error: expect.stringMatching(/.+/) },
    }]);
  });

  test('a registry table that cannot be read does not stop scaling', async () => {
    const e = engine('noregistry');
    const h = harness([e], { 'svc-noregistry': {} });
    const polls = await runPolls({ ...h.deps, registryTable: 'no-such-table' }, h.clock, 1, 1_000);
    expect(polls[0].engines[0]).toMatchObject({ desired: 4, action: 'scale-out' });
    expect(h.log.withMessage('scaler state could not be read, starting without it')).toEqual([{
      level: 'error',
      message: 'scaler state could not be read, starting without it',
      fields: { pipeline: h.deps.config.pipelineName, table: 'no-such-table', error: expect.stringMatching(/not found|ResourceNotFound|non-existent/i) },
    }]);
  });
});

describe('scaling semantics on the real broker (each a LagScalingOptions prop)', () => {
  /** Scaling for these tests: 10 messages per task, no scale-in wait (each poll's decision shows at once). */
  const prompt: LagScalingConfig = {
    ...scaling,
    lagPerTask: 10,
    activationLag: 1,
    maxTasks: 10,
    scaleInCooldownSeconds: 0,
    limitToPartitionsWithLag: true,
    persistentLagAfterSeconds: 60,
  };
  const withScaling = (e: ObjectEngineConfig, config: Partial<LagScalingConfig>): ObjectEngineConfig => ({ ...e, scaling: { ...prompt, ...config } });
  const engineMetrics = (h: Harness, name: string) => h.metrics.filter((m) => m.Engine === name);

  test('limitToPartitionsWithLag: 500 messages on 1 of 12 partitions get 1 task; off (KEDA\'s default) they get 5, 4 of them idle', async () => {
    const twelve = uniqueName('one-hot-partition');
    await createTopic(admin, twelve, 12);
    await produceToPartitions(bootstrap, twelve, [{ partition: 3, count: 500 }]);
    const capped = withScaling(engine('capped', twelve), { lagPerTask: 100 });
    const uncapped = withScaling(engine('uncapped', twelve), { lagPerTask: 100, limitToPartitionsWithLag: false });
    const h = harness([capped, uncapped], { 'svc-capped': {}, 'svc-uncapped': {} });
    const [poll] = await runPolls(h.deps, h.clock, 1, 1_000);
    expect(poll.engines.map((o) => [o.engine, o.lag, o.desired])).toEqual([['capped', 500, 1], ['uncapped', 500, 5]]);
    expect(poll.engines[0].reason).toBe('lag 500 at 100 per task asks for 5 tasks, capped at the 1 partition with lag: scaling out from 0 to 1');
  });

  test('persistent lag (KEDA #5906 too): partitions that do not move while tasks run become stuck, are reported and stop driving scale-out; they recover when they move', async () => {
    const stuckTopic = uniqueName('stuck');
    await createTopic(admin, stuckTopic, 4);
    await produceToPartitions(bootstrap, stuckTopic, [{ partition: 0, count: 30 }, { partition: 1, count: 20 }, { partition: 2, count: 10 }]);
    // the same offsets for both groups: partition 0 committed at 0 (a record the engine cannot
    // get past), partition 1 never committed (committed offset -1, read from the earliest),
    // partition 2 drained, partition 3 empty
    const excluded = withScaling(engine('excluded', stuckTopic), {});
    const counted = withScaling(engine('counted', stuckTopic), { excludePersistentLag: false });
    for (const e of [excluded, counted]) {
      await commitOffsets(admin, e.consumerGroup, stuckTopic, new Map([[0, 0], [2, 10]]));
    }
    const h = harness([excluded, counted], { 'svc-excluded': { desiredCount: 2 }, 'svc-counted': { desiredCount: 2 } });

    // polls 30 s apart with 2 tasks running: stuck from the poll 60 s after the first
    const polls = await runPolls(h.deps, h.clock, 4, 30_000);
    const view = (name: string) => polls.map((p) => p.engines.find((o) => o.engine === name)!).map((o) => [o.lag, o.stuckPartitions, o.desired]);
    // lag 50 on 2 partitions: 5 tasks asked for, capped at the 2 partitions with lag
    expect(view('excluded')).toEqual([[50, [], 2], [50, [], 2], [50, [0, 1], 1], [50, [0, 1], 1]]);
    expect(polls[2].engines[0].reason).toBe('lag 0 at 10 per task asks for 0 tasks, one task kept for 2 stuck partitions; fewer tasks wanted for 0 s (cooldown 0 s): scaling in from 2 to 1');
    expect(view('counted')).toEqual([[50, [], 2], [50, [], 2], [50, [0, 1], 2], [50, [0, 1], 2]]);
    expect(engineMetrics(h, 'excluded').map((m) => m.StuckPartitions)).toEqual([0, 0, 2, 2]);
    expect(engineMetrics(h, 'excluded').map((m) => m.ConsumerLag)).toEqual([50, 50, 50, 50]);
    // one warning per engine, when its partitions become stuck
    expect(h.log.withMessage('partitions stuck: their position has not moved while they had lag and tasks ran')).toEqual(['excluded', 'counted'].map((name) => ({
      level: 'warn',
      message: 'partitions stuck: their position has not moved while they had lag and tasks ran',
      fields: {
        pipeline: h.deps.config.pipelineName,
        engine: name,
        topic: stuckTopic,
        group: expect.any(String),
        partitions: [{ partition: 0, position: 0, endOffset: 30 }, { partition: 1, position: -1, endOffset: 20 }],
        persistentLagAfterSeconds: 60,
        excluded: name === 'excluded',
      },
    })));

    // the engine gets past them (the group commits): a new run (state from the table) sees no stuck partition
    for (const e of [excluded, counted]) {
      await commitOffsets(admin, e.consumerGroup, stuckTopic, new Map([[0, 30], [1, 20]]));
    }
    h.clock.now += 30_000;
    const [after] = await runPolls(h.deps, h.clock, 1, 1_000);
    expect(after.engines.map((o) => [o.engine, o.lag, o.stuckPartitions, o.desired])).toEqual([['excluded', 0, [], 0], ['counted', 0, [], 0]]);
  });

  test('a stuck partition needs running tasks: with none, nothing moves and nothing is stuck', async () => {
    const idleTopic = uniqueName('no-tasks');
    await createTopic(admin, idleTopic, 2);
    await produceToPartitions(bootstrap, idleTopic, [{ partition: 0, count: 5 }]);
    // activation lag above the lag: the engine stays at zero tasks
    const e = withScaling(engine('sleeper', idleTopic), { activationLag: 100 });
    const h = harness([e], { 'svc-sleeper': {} });
    const polls = await runPolls(h.deps, h.clock, 4, 30_000);
    expect(polls.map((p) => [p.engines[0].lag, p.engines[0].stuckPartitions, p.engines[0].desired]))
      .toEqual([[5, [], 0], [5, [], 0], [5, [], 0], [5, [], 0]]);
  });

  test('KEDA #5675: transaction markers and aborted records are not lag, so they keep no task alive', async () => {
    const txTopic = uniqueName('transactional');
    await createTopic(admin, txTopic, 2);
    // partition 0: 10 records in a committed transaction (offsets 0-9, commit marker at 10), then
    // 5 in an aborted one (11-15, abort marker at 16); partition 1: 4 committed records (0-3, marker 4)
    await produceToPartitions(bootstrap, txTopic, [
      { partition: 0, count: 10 }, { partition: 0, count: 5, aborted: true }, { partition: 1, count: 4 },
    ], true);
    // the transaction coordinator writes each marker after the commit returns: wait until both are in
    let ends = await endOffsets(admin, txTopic, 2);
    for (let waited = 0; (ends.get(0) !== 17 || ends.get(1) !== 5) && waited < 10_000; waited += 200) {
      await sleep(200);
      ends = await endOffsets(admin, txTopic, 2);
    }
    expect([ends.get(0), ends.get(1)]).toEqual([17, 5]);
    // a consumer that read every record commits the offset after its last record, before the marker
    const drained = withScaling(engine('drained', txTopic), {});
    await commitOffsets(admin, drained.consumerGroup, txTopic, new Map([[0, 10], [1, 4]]));
    // another group on the topic still has partition 1's last record to read (one partition probed from two positions)
    const behind = withScaling(engine('behind', txTopic), {});
    await commitOffsets(admin, behind.consumerGroup, txTopic, new Map([[0, 10], [1, 3]]));
    const h = harness([drained, behind], { 'svc-drained': { desiredCount: 1 }, 'svc-behind': { desiredCount: 1 } });
    const polls = await runPolls(h.deps, h.clock, 3, 1_000);
    // drained: offsets alone say 8 (7 + 1) and would keep the task forever; the records say 0.
    // behind: a partition with a record to read counts its offset lag (2: the record and its marker)
    expect(polls[0].engines.map((o) => [o.engine, o.lag, o.desired, o.action])).toEqual([['drained', 0, 0, 'scale-in'], ['behind', 2, 1, 'hold']]);
    // later polls reuse what was read at the unmoved positions: the same answer, no flip back
    expect(polls.slice(1).map((p) => p.engines.map((o) => [o.lag, o.desired]))).toEqual([[[0, 0], [2, 1]], [[0, 0], [2, 1]]]);
  });

  test('time lag (timeLagPerTask): 20 two-minute-old records get 4 tasks at 30 s per task; message lag alone asks for 1', async () => {
    const oldTopic = uniqueName('old-records');
    await createTopic(admin, oldTopic, 4);
    const timed = withScaling(engine('timed', oldTopic), { lagPerTask: 100, timeLagPerTaskSeconds: 30 });
    const counting = withScaling(engine('counting', oldTopic), { lagPerTask: 100 });
    const both = harness([timed, counting], { 'svc-timed': {}, 'svc-counting': {} });
    // the broker refuses timestamps far in its future: the scaler's clock is the real one here
    both.clock.now = Date.now();
    const written = both.clock.now - 120_000;
    await produceToPartitions(bootstrap, oldTopic, [0, 1, 2, 3].map((partition) => ({ partition, count: 5, timestamp: written })));
    const [poll] = await runPolls(both.deps, both.clock, 1, 1_000);
    expect(poll.engines.map((o) => [o.engine, o.lag, o.timeLagSeconds, o.desired])).toEqual([['timed', 20, 120, 4], ['counting', 20, undefined, 1]]);
    expect(poll.engines[0].reason).toBe('lag 20 at 100 per task asks for 1 task, time lag 120 s at 30 s per task asks for 4 tasks: scaling out from 0 to 4');
    expect(engineMetrics(both, 'timed')[0]).toMatchObject({ TimeLagSeconds: 120 });
    expect(engineMetrics(both, 'timed')[0]._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'TimeLagSeconds', Unit: 'Seconds' });
    expect(engineMetrics(both, 'counting')[0].TimeLagSeconds).toBeUndefined();
  });
});
