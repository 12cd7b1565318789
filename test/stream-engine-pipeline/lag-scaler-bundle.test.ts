import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { packHandlerConfig } from '../../src/shared/runtime/handler-config';
import { PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { scalerStateKey } from '../../src/stream-engine-pipeline/runtime/registry-schema';
import { runBundledHandler } from '../helpers/bundled-handler';
import { startDynalite, LocalDynamo } from '../helpers/dynalite';
import { ensureKafka } from '../helpers/kafka-broker';
import { jsonLogEntries } from '../helpers/recording-log';
import { commitOffsets, createRegistryTable, createTopic, endOffsets, newAdmin, produceKeyed, uniqueName } from './runtime/lag-scaler-kit';

// The BUNDLED lag scaler (assets/, what the construct deploys) in a fresh Node process, as Lambda
// runs it: config file, engine refs and Kafka settings from the environment, the real local
// broker (plaintext), dynalite for the registry table, and a tiny local HTTP server that MOCKS
// the ECS JSON API (DescribeServices/UpdateService): ECS has no local implementation.
// Build the bundle first: npx projen bundle:stream-engine-pipeline/lag-scaler.lambda

const BUNDLE = path.resolve(__dirname, '..', '..', 'assets', 'stream-engine-pipeline', 'lag-scaler.lambda', 'index.js');

let bootstrap: string;
let admin: Admin;
let dynamo: LocalDynamo;
let ecs: http.Server;
let ecsUrl: string;
const ecsCalls: Array<{ target: string; body: any }> = [];
const desiredCounts = new Map<string, number>();

beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} is missing: run npx projen bundle:stream-engine-pipeline/lag-scaler.lambda`);
  }
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap);
  dynamo = await startDynalite();
  ecs = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '').split('.').pop()!;
      const body = JSON.parse(text || '{}');
      ecsCalls.push({ target, body });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'DescribeServices') {
        res.end(JSON.stringify({
          services: body.services.filter((s: string) => desiredCounts.has(s)).map((s: string) => ({
            serviceName: s,
            serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${body.cluster}/${s}`,
            status: 'ACTIVE',
            desiredCount: desiredCounts.get(s),
            runningCount: desiredCounts.get(s),
          })),
          failures: body.services.filter((s: string) => !desiredCounts.has(s))
            .map((s: string) => ({ arn: `arn:aws:ecs:us-east-1:123456789012:service/${body.cluster}/${s}`, reason: 'MISSING' })),
        }));
      } else if (target === 'UpdateService') {
        desiredCounts.set(body.service, body.desiredCount);
        res.end(JSON.stringify({ service: { serviceName: body.service, desiredCount: body.desiredCount, status: 'ACTIVE' } }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `not mocked: ${target}` }));
      }
    });
  });
  await new Promise<void>((resolve) => ecs.listen(0, '127.0.0.1', resolve));
  ecsUrl = `http://127.0.0.1:${(ecs.address() as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  await admin?.close();
  await dynamo?.stop();
  await new Promise((resolve) => ecs?.close(resolve));
});

test('the bundled handler sets desired counts from real lag and never throws when Kafka is down', async () => {
  const busy = uniqueName('bundle-objects');
  await createTopic(admin, busy, 3);
  await produceKeyed(bootstrap, busy, 90, 9);
  const group = uniqueName('bundle-group');
  const ends = await endOffsets(admin, busy, 3);
  // the group has read all but 10 messages of every partition that has more than 10
  await commitOffsets(admin, group, busy, new Map([...ends].map(([p, end]) => [p, Math.max(0, end - 10)])));
  const expectedLag = [...ends.values()].reduce((sum, end) => sum + Math.min(end, 10), 0);

  const deadLetter = uniqueName('bundle-dead-letter');
  await createTopic(admin, deadLetter, 1);
  await produceKeyed(bootstrap, deadLetter, 2, 1);

  const table = await createRegistryTable(dynamo.client);
  const config: PipelineConfig = {
    pipelineName: 'bundle-test',
    kafkaAuth: 'plaintext',
    topics: { control: 'c', rawStreams: 'r', objects: busy, results: 'results', deadLetter },
    streamEngines: [],
    objectEngines: [
      {
        name: 'detector',
        inputTopic: busy,
        outputTopic: 'results',
        consumerGroup: group,
        offsetReset: 'earliest',
        scaling: {
          lagPerTask: 10,
          activationLag: 1,
          minTasks: 0,
          maxTasks: 10,
          scaleInCooldownSeconds: 60,
          allowMoreTasksThanPartitions: true,
          limitToPartitionsWithLag: false,
          persistentLagAfterSeconds: 600,
          excludePersistentLag: true,
        },
      },
      {
        name: 'idle',
        inputTopic: busy,
        outputTopic: 'results',
        consumerGroup: uniqueName('idle'),
        offsetReset: 'earliest',
        scaling: {
          lagPerTask: 1000,
          activationLag: 500,
          minTasks: 0,
          maxTasks: 10,
          scaleInCooldownSeconds: 60,
          allowMoreTasksThanPartitions: false,
          limitToPartitionsWithLag: true,
          persistentLagAfterSeconds: 600,
          excludePersistentLag: true,
        },
      },
    ],
    maxConcurrentStreams: 1,
    pollIntervalSeconds: 50, // with the budget below, one poll per invocation keeps the test short
  };
  desiredCounts.set('svc-detector', 0);
  desiredCounts.set('svc-idle', 0);

  const env = {
    PIPELINE_CONFIG: packHandlerConfig(config), // as the construct sets it
    PIPELINE_ENGINE_REFS: JSON.stringify({
      cluster: 'local-cluster',
      subnets: [],
      securityGroups: [],
      taskDefinitions: {},
      services: { detector: 'svc-detector', idle: 'svc-idle' },
    }),
    PIPELINE_REGISTRY_TABLE: table,
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_ECS: ecsUrl,
  };
  // a 50 s remaining time leaves a 30 s budget: room for connecting ahead (up to 5 s, a refused
  // connection is retried) and one 20 s poll; the next poll, 50 s on, would end after it
  const invocation = { remainingTimeMs: 50_000 };
  const run = await runBundledHandler(BUNDLE, env, [{ time: new Date().toISOString() }], invocation);
  expect(run.stderr).not.toMatch(/HANDLER ERROR/);
  expect(run.code).toBe(0);
  expect(run.results[0]).toMatchObject({
    polls: 1,
    end: 'budget',
    lagReadFailures: 0,
    engines: [
      { engine: 'detector', lag: expectedLag, desired: Math.ceil(expectedLag / 10), action: 'scale-out' },
      { engine: 'idle', lag: 90, desired: 0, action: 'hold' },
    ],
  });
  expect(ecsCalls.filter((c) => c.target === 'UpdateService').map((c) => c.body))
    .toEqual([{ cluster: 'local-cluster', service: 'svc-detector', desiredCount: Math.ceil(expectedLag / 10) }]);
  expect(desiredCounts.get('svc-detector')).toBe(Math.ceil(expectedLag / 10));
  // EMF on stdout
  const emf = run.stdout.split('\n').filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));
  expect(emf).toContainEqual(expect.objectContaining({ Engine: 'detector', ConsumerLag: expectedLag, DesiredTasks: Math.ceil(expectedLag / 10) }));
  expect(emf).toContainEqual(expect.objectContaining({ Pipeline: 'bundle-test', LagReadFailures: 0, DeadLetterMessages: 2 }));
  // state in the registry table
  const { Item } = await documentClient(dynamo.client).send(new GetCommand({ TableName: table, Key: scalerStateKey('detector') }));
  expect(Item?.desiredCount).toBe(Math.ceil(expectedLag / 10));
  // one JSON log shape (Powertools): each engine's decision at INFO
  expect(jsonLogEntries(run.stdout)).toContainEqual(expect.objectContaining({
    level: 'INFO', service: 'stream-engine-pipeline-lag-scaler', message: 'scaling decision', pipeline: 'bundle-test', engine: 'detector', action: 'scale-out',
  }));

  // Kafka down: the invocation still succeeds, keeps the counts and reports the failure (this
  // time the config comes from a file, PIPELINE_CONFIG_PATH, as in local runs)
  ecsCalls.length = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lag-scaler-bundle-'));
  const configPath = path.join(dir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  const { PIPELINE_CONFIG: _packed, ...fileEnv } = env;
  const down = await runBundledHandler(BUNDLE, { ...fileEnv, PIPELINE_CONFIG_PATH: configPath, KAFKA_BOOTSTRAP_BROKERS: '127.0.0.1:1' },
    [{ time: new Date().toISOString() }], invocation);
  expect(down.code).toBe(0);
  expect(down.results[0]).toMatchObject({ polls: 1, end: 'budget', lagReadFailures: 1 });
  expect(ecsCalls.filter((c) => c.target === 'UpdateService')).toEqual([]);
  // errors go to stderr, in the same JSON shape
  expect(jsonLogEntries(down.stderr)).toContainEqual({
    level: 'ERROR',
    message: 'Kafka could not be read, keeping every task count',
    timestamp: expect.any(String),
    service: 'stream-engine-pipeline-lag-scaler',
    sampling_rate: 0,
    pipeline: 'bundle-test',
    error: expect.stringMatching(/.+/),
  });
  expect(down.stdout).toContain('"LagReadFailures":1');
}, 60_000);
