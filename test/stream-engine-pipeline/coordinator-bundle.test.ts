/**
 * Runs the BUNDLED coordinator (assets/stream-engine-pipeline/coordinator.lambda/index.js, built
 * by `npx projen bundle:stream-engine-pipeline/coordinator.lambda`) the way Lambda does: a fresh
 * Node process, configured only through environment variables and the config file.
 * - DynamoDB: dynalite (AWS_ENDPOINT_URL_DYNAMODB).
 * - ECS: no local implementation exists, so AWS_ENDPOINT_URL_ECS points at a tiny local HTTP
 *   server MOCKING the ECS JSON API (RunTask only; runtime/coordinator-helpers.ts).
 * - The control messages go through the real local Kafka broker and are wrapped into the MSK
 *   event source mapping event.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { packHandlerConfig } from '../../src/shared/runtime/handler-config';
import { EngineRefs, PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { StreamRegistry } from '../../src/stream-engine-pipeline/runtime/stream-registry';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { ensureKafka } from '../helpers/kafka-broker';
import { jsonLogEntries } from '../helpers/recording-log';
import {
  consumeRecords, createRegistryTable, createTopic, FakeEcsServer, kafkaEvent, produce, startFakeEcsServer,
} from './runtime/coordinator-helpers';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'stream-engine-pipeline', 'coordinator.lambda', 'index.js');

const CONFIG: PipelineConfig = {
  pipelineName: 'bundle-pipeline',
  kafkaAuth: 'plaintext',
  topics: { control: 'control', rawStreams: 'raw', objects: 'objects', results: 'results', deadLetter: 'dlq' },
  streamEngines: [{ name: 'transcribe', containerName: 'engine', inputTopics: ['raw'], outputTopic: 'results', consumerGroupPrefix: 'se.transcribe' }],
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
let ecs: FakeEcsServer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npx projen bundle:stream-engine-pipeline/coordinator.lambda\` first`);
  [bootstrap, dynamo, ecs] = await Promise.all([ensureKafka(), startDynalite(), startFakeEcsServer()]);
  dir = mkdtempSync(path.join(tmpdir(), 'coordinator-bundle-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(CONFIG));
}, 240_000);
afterAll(async () => {
  await Promise.all([dynamo?.stop(), ecs?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('the bundled coordinator launches once per stream over the ECS JSON API, releases on end-of-stream and honours the limit', async () => {
  const table = await createRegistryTable(dynamo);
  const topic = `bundle-control-${process.pid}-${Date.now()}`;
  await createTopic(bootstrap, topic);
  const init = (id: string) => JSON.stringify({ type: 'stream-init', version: 1, streamId: id, createdAt: '2026-03-10T08:00:00Z', source: { kind: 'push' } });
  await produce(bootstrap, topic, [
    { key: 'b-1', value: init('b-1') },
    { key: 'b-1', value: init('b-1') },
    { key: 'b-2', value: init('b-2') },
    { key: 'bad', value: 'not json' },
    { key: 'b-1', value: JSON.stringify({ type: 'end-of-stream', version: 1, streamId: 'b-1', lastSeq: -1, at: '2026-03-10T08:01:00Z', reason: 'completed' }) },
    { key: 'b-3', value: init('b-3') },
  ]);
  const records = await consumeRecords(bootstrap, topic, 6);
  const keyed = (...keys: string[]) => records.filter((r) => keys.includes(Buffer.from(r.key!, 'base64').toString()));
  ecs.script.push('throttle'); // the first RunTask is throttled, then retried

  const run = await runBundledHandler(BUNDLE, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecs.endpoint,
    // As the construct sets it: the config packed into one environment variable.
    PIPELINE_CONFIG: packHandlerConfig(CONFIG),
    PIPELINE_ENGINE_REFS: JSON.stringify(REFS),
    PIPELINE_REGISTRY_TABLE: table,
  }, [
    kafkaEvent(keyed('b-1', 'bad')), // launched (after a throttle), duplicate, poison, ended
    kafkaEvent(keyed('b-2')), // takes the one slot b-1 gave back
    kafkaEvent(keyed('b-3')), // over maxConcurrentStreams = 1
  ]);
  expect(run.stderr).not.toMatch(/HANDLER ERROR/);
  expect(run.code).toBe(0);
  expect(run.results).toEqual([
    expect.objectContaining({ records: 4, launched: 1, duplicates: 1, malformed: 1, finished: 1, launchFailures: 0 }),
    expect.objectContaining({ records: 1, launched: 1, rejected: 0 }),
    expect.objectContaining({ records: 1, launched: 0, rejected: 1 }),
  ]);

  const runTasks = ecs.requests.filter((r) => r.target === 'AmazonEC2ContainerServiceV20141113.RunTask');
  expect(runTasks).toHaveLength(3); // throttled + retried for b-1, one for b-2
  expect(runTasks[1].body).toMatchObject({
    cluster: 'pipeline-cluster',
    taskDefinition: REFS.taskDefinitions.transcribe,
    launchType: 'FARGATE',
    startedBy: 'sep/bundle-pipeline',
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    overrides: { containerOverrides: [{ name: 'engine', environment: expect.arrayContaining([{ name: 'STREAM_ID', value: 'b-1' }]) }] },
  });
  expect(runTasks[0].body.clientToken).not.toEqual(runTasks[1].body.clientToken);

  const emf = run.stdout.split('\n').filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));
  expect(emf.map((e) => [e.Pipeline, e.ActiveStreams, e.StreamsRejected, e.LaunchFailures])).toEqual([
    ['bundle-pipeline', 0, 0, 0],
    ['bundle-pipeline', 1, 0, 0],
    ['bundle-pipeline', 1, 1, 0],
  ]);
  expect(emf[0]._aws.CloudWatchMetrics).toEqual([{
    Namespace: 'CdkStatusAndStreams/StreamEnginePipeline',
    Dimensions: [['Pipeline']],
    Metrics: ['ActiveStreams', 'StreamsRejected', 'LaunchFailures', 'MalformedControlMessages'].map((Name) => ({ Name, Unit: 'Count' })),
  }]);
  // one JSON log shape (Powertools): INFO on stdout, WARN and ERROR on stderr
  expect(jsonLogEntries(run.stdout)).toContainEqual(expect.objectContaining({
    level: 'INFO', service: 'stream-engine-pipeline-coordinator', message: 'stream engine launched', streamId: 'b-1', engine: 'transcribe', attempts: 2,
  }));
  expect(jsonLogEntries(run.stderr)).toContainEqual(expect.objectContaining({
    level: 'WARN', service: 'stream-engine-pipeline-coordinator', message: 'stream rejected', streamId: 'b-3', reason: 'maxConcurrentStreams (1) reached',
  }));
  expect(run.stdout + run.stderr).not.toContain('fake-secret-key');

  const registry = new StreamRegistry(documentClient(dynamo.client), table);
  expect(await registry.getEngine('b-1', 'transcribe')).toMatchObject({ status: 'finished', released: true });
  expect(await registry.getEngine('b-2', 'transcribe')).toMatchObject({ status: 'running' });
  expect(await registry.getEngine('b-3', 'transcribe')).toMatchObject({ status: 'rejected' });
  expect(await registry.activeStreams()).toBe(1);
}, 60_000);

test('the bundled coordinator fails clearly without its configuration', async () => {
  const run = await runBundledHandler(BUNDLE, { AWS_REGION: 'us-east-1', PIPELINE_REGISTRY_TABLE: 't', PIPELINE_CONFIG_PATH: path.join(dir, 'missing.json') }, [{}]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('cannot read the pipeline config from');
});
