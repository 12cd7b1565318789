/**
 * Runs the BUNDLED coordinator (assets/stream-engine-pipeline/coordinator.lambda/index.js, built
 * by `npx projen bundle:stream-engine-pipeline/coordinator.lambda`) the way Lambda does: a fresh
 * Node process, configured only through environment variables.
 * - DynamoDB: dynalite (AWS_ENDPOINT_URL_DYNAMODB).
 * - ECS: no local implementation exists, so AWS_ENDPOINT_URL_ECS points at a local HTTP server
 *   MOCKING the ECS JSON API (runtime/fake-ecs.ts).
 * - Kafka: the real local broker. Control messages are produced, consumed back and wrapped into
 *   the MSK event source mapping event; the Coordinator's stream-status messages and dead letters
 *   are read back from their topics.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { packHandlerConfig } from '../../src/shared/runtime/handler-config';
import { RECONCILE_EVENT } from '../../src/stream-engine-pipeline/runtime/coordinator-events';
import { EngineRefs, PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { ensureKafka } from '../helpers/kafka-broker';
import { jsonLogEntries } from '../helpers/recording-log';
import { consumeRecords, createRegistryTable, createTopic, kafkaEvent, produce } from './runtime/coordinator-helpers';
import { FakeEcsCluster, FakeEcsServer, startFakeEcsServer } from './runtime/fake-ecs';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'stream-engine-pipeline', 'coordinator.lambda', 'index.js');

const RUN = `${process.pid}-${Date.now()}`;
const CONFIG: PipelineConfig = {
  pipelineName: 'bundle-pipeline',
  kafkaAuth: 'plaintext',
  topics: { control: `control-${RUN}`, rawStreams: 'raw', objects: 'objects', results: `results-${RUN}`, deadLetter: `dlq-${RUN}` },
  streamEngines: [{ name: 'transcribe', containerName: 'engine', inputTopics: ['raw'], inputPartitions: [12], outputTopic: 'results', consumerGroupPrefix: 'se.transcribe' }],
  objectEngines: [],
  maxConcurrentStreams: 1,
  pollIntervalSeconds: 10,
};
const REFS: EngineRefs = {
  cluster: 'pipeline-cluster',
  subnets: ['subnet-1'],
  securityGroups: ['sg-1'],
  taskDefinitions: { transcribe: 'arn:aws:ecs:us-east-1:123456789012:task-definition/transcribe:1' },
  services: {},
};

let bootstrap: string;
let dynamo: LocalDynamo;
const cluster = new FakeEcsCluster('pipeline-cluster', Date.now);
let ecs: FakeEcsServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npx projen bundle:stream-engine-pipeline/coordinator.lambda\` first`);
  [bootstrap, dynamo, ecs] = await Promise.all([ensureKafka(), startDynalite(), startFakeEcsServer(cluster)]);
  await Promise.all([CONFIG.topics.control, CONFIG.topics.results, CONFIG.topics.deadLetter].map((t) => createTopic(bootstrap, t)));
  dir = mkdtempSync(path.join(tmpdir(), 'coordinator-bundle-'));
}, 240_000);
afterAll(async () => {
  await Promise.all([dynamo?.stop(), ecs?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('the bundled coordinator: a lost RunTask answer is adopted, not repeated; waiting streams get the slot in order; producers are told; poison goes to the dead-letter topic', async () => {
  const table = await createRegistryTable(dynamo);
  const control = CONFIG.topics.control;
  const init = (id: string) => JSON.stringify({ type: 'stream-init', version: 1, streamId: id, createdAt: '2026-03-10T08:00:00Z', source: { kind: 'push' } });
  await produce(bootstrap, control, [
    { key: 'b-1', value: init('b-1') },
    { key: 'b-1', value: init('b-1') },
    { key: 'bad', value: 'not json' },
    { key: 'b-1', value: JSON.stringify({ type: 'end-of-stream', version: 1, streamId: 'b-1', lastSeq: -1, at: '2026-03-10T08:01:00Z', reason: 'completed' }) },
    { key: 'b-2', value: init('b-2') },
    { key: 'b-3', value: init('b-3') },
  ]);
  const records = await consumeRecords(bootstrap, control, 6);
  const keyed = (...keys: string[]) => records.filter((r) => keys.includes(Buffer.from(r.key!, 'base64').toString()));
  const env = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecs.endpoint,
    // As the construct sets them: the config packed into one environment variable, the brokers.
    PIPELINE_CONFIG: packHandlerConfig(CONFIG),
    PIPELINE_ENGINE_REFS: JSON.stringify(REFS),
    PIPELINE_REGISTRY_TABLE: table,
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
  };
  // the first RunTask starts the task, but its answer never reaches the Coordinator
  cluster.script.runTask.push('timeout-after-start');

  const first = await runBundledHandler(BUNDLE, env, [kafkaEvent(keyed('b-1', 'bad')), kafkaEvent(keyed('b-2')), kafkaEvent(keyed('b-3'))]);
  expect(first.stderr).not.toMatch(/HANDLER ERROR/);
  expect(first.results[0]).toMatchObject({
    records: 4, opened: 1, duplicates: 1, malformed: 1, ends: 1, scheduler: { launched: 0, launchFailures: 1, activeStreams: 1 },
  });
  expect(first.results[2]).toMatchObject({ opened: 1, scheduler: { activeStreams: 1, waiting: 2 } });
  expect(cluster.live()).toHaveLength(1);

  // after the back-off (at most 2 s), a pass looks for the task of that launch and adopts it
  await new Promise((r) => setTimeout(r, 2_500));
  const second = await runBundledHandler(BUNDLE, env, [RECONCILE_EVENT]);
  expect(second.results[0]).toMatchObject({ scheduler: { launched: 1, launchFailures: 0, activeStreams: 1, waiting: 2 } });
  const runTasks = cluster.calls.filter((c) => c.operation === 'runTask');
  expect(runTasks).toHaveLength(1);
  expect(runTasks[0].input).toMatchObject({
    cluster: 'pipeline-cluster',
    taskDefinition: REFS.taskDefinitions.transcribe,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    overrides: { containerOverrides: [{ name: 'engine', environment: expect.arrayContaining([{ name: 'STREAM_ID', value: 'b-1' }]) }] },
  });
  expect(cluster.calls.filter((c) => c.operation === 'listTasks').map((c) => c.input.startedBy)).toEqual([runTasks[0].input.startedBy, runTasks[0].input.startedBy]);

  // b-1's task ends: b-2, the older of the two waiting streams, gets the slot
  const [b1] = cluster.live();
  const third = await runBundledHandler(BUNDLE, env, [cluster.exit(b1.arn, 0)]);
  expect(third.results[0]).toMatchObject({ stops: 1, scheduler: { finished: 1, launched: 1, activeStreams: 1, waiting: 1 } });
  expect(cluster.live().map((t) => t.env.STREAM_ID)).toEqual(['b-2']);

  const statuses = (await consumeRecords(bootstrap, CONFIG.topics.results, 5))
    .map((r) => JSON.parse(Buffer.from(r.value!, 'base64').toString()))
    .map((m) => `${m.streamId} ${m.status}`);
  expect(statuses).toEqual(['b-2 waiting', 'b-3 waiting', 'b-1 running', 'b-1 finished', 'b-2 running']);
  const [dead] = await consumeRecords(bootstrap, CONFIG.topics.deadLetter, 1);
  expect(Buffer.from(dead.value!, 'base64').toString()).toBe('not json');

  const emf = third.stdout.split('\n').filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));
  expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'CdkStatusAndStreams/StreamEnginePipeline', Dimensions: [['Pipeline']] });
  expect(emf[0]).toMatchObject({ Pipeline: 'bundle-pipeline', ActiveStreams: 1, StreamsWaiting: 1, StreamsFailed: 0, LaunchFailures: 0 });
  // one JSON log shape (Powertools): INFO on stdout, WARN and ERROR on stderr
  expect(jsonLogEntries(second.stdout)).toContainEqual(expect.objectContaining({
    level: 'INFO', service: 'stream-engine-pipeline-coordinator', message: 'stream engine launched', streamId: 'b-1', engine: 'transcribe', launch: 1,
  }));
  expect(jsonLogEntries(first.stderr)).toContainEqual(expect.objectContaining({
    level: 'WARN', service: 'stream-engine-pipeline-coordinator', message: 'control message skipped: malformed (copied to the dead-letter topic)',
  }));
  expect(first.stdout + first.stderr + second.stdout + third.stdout).not.toContain('fake-secret-key');
  // what ECS said about the tasks was read every pass (a failed DescribeTasks is only a warning)
  expect(second.stderr + third.stderr).not.toContain('DescribeTasks failed');
}, 90_000);

test('the bundled coordinator fails clearly without its configuration', async () => {
  const run = await runBundledHandler(BUNDLE, { AWS_REGION: 'us-east-1', PIPELINE_REGISTRY_TABLE: 't', PIPELINE_CONFIG_PATH: path.join(dir, 'missing.json') }, [{}]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('cannot read the pipeline config from');
});
