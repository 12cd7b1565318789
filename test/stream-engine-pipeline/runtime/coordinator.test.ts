/**
 * The Coordinator on REAL control messages: each test produces stream-init / end-of-stream /
 * poison messages to a control topic on the local Kafka broker, consumes them back and wraps
 * them into the exact MSK event source mapping event (base64 key and value). DynamoDB is
 * dynalite. ECS has no local implementation: RunTask is MOCKED at the client boundary by
 * FakeEcs (coordinator-helpers.ts), which records calls and can throttle or fail on demand.
 * Back-off sleeps are injected and recorded; no test asserts on time.
 */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { consumeRecords, createRegistryTable, createTopic, FakeEcs, kafkaEvent, produce } from './coordinator-helpers';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import {
  CoordinatorDeps, CoordinatorSummary, handleCoordinatorEvent,
} from '../../../src/stream-engine-pipeline/runtime/coordinator';
import { KafkaEventRecord } from '../../../src/stream-engine-pipeline/runtime/coordinator-events';
import { clientTokenFor, DEFAULT_RETRY_POLICY, EcsRunTask, launchEngineTask, startedByFor } from '../../../src/stream-engine-pipeline/runtime/engine-launcher';
import { EngineRefs, PipelineConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { FINISHED_RECORD_TTL_SECONDS, StreamRegistry } from '../../../src/stream-engine-pipeline/runtime/stream-registry';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { ensureKafka } from '../../helpers/kafka-broker';
import { RecordingLog } from '../../helpers/recording-log';

const NOW = Date.parse('2026-03-10T08:00:00Z');

const CONFIG: PipelineConfig = {
  pipelineName: 'media-pipeline',
  kafkaAuth: 'plaintext',
  topics: { control: 'control', rawStreams: 'raw', objects: 'objects', results: 'results', deadLetter: 'dead-letter' },
  streamEngines: [
    { name: 'transcribe', containerName: 'engine', inputTopics: ['raw'], outputTopic: 'results', consumerGroupPrefix: 'se.transcribe' },
    { name: 'detect', containerName: 'detector', inputTopics: ['raw', 'objects'], outputTopic: 'results', consumerGroupPrefix: 'se.detect' },
  ],
  objectEngines: [],
  maxConcurrentStreams: 10,
  pollIntervalSeconds: 10,
};

const REFS: EngineRefs = {
  cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/pipeline',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-engines'],
  taskDefinitions: {
    transcribe: 'arn:aws:ecs:us-east-1:123456789012:task-definition/transcribe:3',
    detect: 'arn:aws:ecs:us-east-1:123456789012:task-definition/detect:7',
  },
  capacityProviders: { detect: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }, { capacityProvider: 'FARGATE', weight: 0, base: 0 }] },
  services: {},
};

let bootstrap: string;
let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  [bootstrap, dynamo] = await Promise.all([ensureKafka(), startDynalite()]);
  doc = documentClient(dynamo.client);
}, 240_000);
afterAll(async () => {
  await dynamo?.stop();
});

const init = (streamId: string, engines?: string[]) => JSON.stringify({
  type: 'stream-init', version: 1, streamId, createdAt: '2026-03-10T07:59:00Z', source: { kind: 'push' }, ...(engines ? { engines } : {}),
});
const end = (streamId: string) => JSON.stringify({ type: 'end-of-stream', version: 1, streamId, lastSeq: 41, at: '2026-03-10T08:10:00Z', reason: 'completed' });

let topicCounter = 0;
/** Produces to a fresh control topic on the real broker and reads the records back, ESM-shaped. */
async function throughKafka(messages: Array<{ key?: string; value: string | Buffer }>): Promise<KafkaEventRecord[]> {
  const topic = `control-${process.pid}-${Date.now()}-${++topicCounter}`;
  await createTopic(bootstrap, topic);
  await produce(bootstrap, topic, messages);
  return consumeRecords(bootstrap, topic, messages.length);
}

interface Harness {
  readonly ecs: FakeEcs;
  readonly registry: StreamRegistry;
  readonly sleeps: number[];
  readonly emf: any[];
  readonly log: RecordingLog;
  readonly deps: CoordinatorDeps;
  run(event: unknown): Promise<CoordinatorSummary>;
}

async function harness(config: Partial<PipelineConfig> = {}): Promise<Harness> {
  const tableName = await createRegistryTable(dynamo);
  const ecs = new FakeEcs();
  const sleeps: number[] = [];
  const emf: any[] = [];
  const log = new RecordingLog();
  const deps: CoordinatorDeps = {
    config: { ...CONFIG, ...config },
    refs: REFS,
    doc,
    tableName,
    ecs,
    now: () => NOW,
    sleep: async (ms) => { sleeps.push(ms); },
    random: () => 0.5,
    log,
    emitMetrics: (line) => emf.push(JSON.parse(line)),
  };
  return {
    ecs,
    sleeps,
    emf,
    log,
    deps,
    registry: new StreamRegistry(doc, tableName, () => NOW),
    run: (event) => handleCoordinatorEvent(event, deps),
  };
}

function taskStopped(streamId: string, engine: string, taskArn: string, startedBy = startedByFor(CONFIG.pipelineName)) {
  return {
    'version': '0',
    'id': '3317b2af-7005-947d-b652-f55e762e571a',
    'detail-type': 'ECS Task State Change',
    'source': 'aws.ecs',
    'account': '123456789012',
    'time': '2026-03-10T08:20:00Z',
    'region': 'us-east-1',
    'resources': [taskArn],
    'detail': {
      clusterArn: REFS.cluster,
      taskArn,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      startedBy,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'engine', exitCode: 0 }],
      overrides: { containerOverrides: [{ name: 'engine', environment: [{ name: 'STREAM_ID', value: streamId }, { name: 'ENGINE_NAME', value: engine }] }] },
    },
  };
}

describe('stream-init launches exactly one task per stream x engine', () => {
  test('an init delivered twice in one batch, and the batch redelivered, start each engine once', async () => {
    const h = await harness();
    const records = await throughKafka([{ key: 'cam-1', value: init('cam-1') }, { key: 'cam-1', value: init('cam-1') }]);
    expect(records.map((r) => Buffer.from(r.value!, 'base64').toString())).toEqual([init('cam-1'), init('cam-1')]);

    const first = await h.run(kafkaEvent(records));
    expect(first).toMatchObject({ records: 2, launched: 2, duplicates: 1, rejected: 0, launchFailures: 0, malformed: 0 });
    expect(h.ecs.calls.map((c) => c.taskDefinition).sort()).toEqual([REFS.taskDefinitions.detect, REFS.taskDefinitions.transcribe]);

    // Kafka redelivers the whole batch (e.g. after a timeout): nothing new starts
    const again = await h.run(kafkaEvent(records, 'SelfManagedKafka'));
    expect(again).toMatchObject({ launched: 0, duplicates: 2 });
    expect(h.ecs.calls).toHaveLength(2);

    for (const engine of ['transcribe', 'detect']) {
      const record = await h.registry.getEngine('cam-1', engine);
      expect(record).toMatchObject({ status: 'running', released: false });
      expect(record!.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\//);
    }
    expect(await h.registry.activeStreams()).toBe(1);
    expect(h.emf.at(-1)).toMatchObject({ Pipeline: 'media-pipeline', ActiveStreams: 1, StreamsRejected: 0, LaunchFailures: 0 });
  });

  test('two invocations at once with the same stream-init start each engine once', async () => {
    const h = await harness();
    const records = await throughKafka([{ key: 'cam-2', value: init('cam-2') }, { key: 'cam-2', value: init('cam-2') }]);
    h.ecs.delay = () => new Promise((r) => setTimeout(r, 20)); // keep the first launch in flight
    const results = await Promise.all([h.run(kafkaEvent([records[0]])), h.run(kafkaEvent([records[1]]))]);
    expect(results.map((r) => r.launched).sort()).toEqual([0, 2]);
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 1]);
    expect(h.ecs.callsFor('transcribe')).toHaveLength(1);
    expect(h.ecs.callsFor('detect')).toHaveLength(1);
    expect(await h.registry.activeStreams()).toBe(1);
  });

  test('the RunTask request: awsvpc without public IP, Fargate or capacity providers, tags, startedBy, engine contract overrides', async () => {
    const h = await harness();
    await h.run(kafkaEvent(await throughKafka([{ key: 'cam-3', value: init('cam-3') }])));
    const transcribe = h.ecs.callsFor('transcribe')[0];
    expect(transcribe).toMatchObject({
      cluster: REFS.cluster,
      taskDefinition: REFS.taskDefinitions.transcribe,
      count: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-engines'], assignPublicIp: 'DISABLED' } },
      startedBy: 'sep/media-pipeline',
      tags: [
        { key: 'stream-engine-pipeline', value: 'media-pipeline' },
        { key: 'stream-id', value: 'cam-3' },
        { key: 'stream-engine', value: 'transcribe' },
      ],
      clientToken: clientTokenFor('media-pipeline', 'cam-3', 'transcribe', 0),
      overrides: {
        containerOverrides: [{
          name: 'engine',
          environment: [
            { name: 'STREAM_ID', value: 'cam-3' },
            { name: 'ENGINE_NAME', value: 'transcribe' },
            { name: 'ENGINE_INPUT_TOPICS', value: 'raw' },
            { name: 'ENGINE_OUTPUT_TOPIC', value: 'results' },
            { name: 'ENGINE_DEAD_LETTER_TOPIC', value: 'dead-letter' },
            { name: 'ENGINE_CONSUMER_GROUP', value: 'se.transcribe.cam-3' },
          ],
        }],
      },
    });
    const detect = h.ecs.callsFor('detect')[0];
    expect(detect.launchType).toBeUndefined();
    expect(detect.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 1, base: undefined }, { capacityProvider: 'FARGATE', weight: 0, base: 0 },
    ]);
    expect(detect.overrides!.containerOverrides![0]).toMatchObject({ name: 'detector' });
    expect(detect.overrides!.containerOverrides![0].environment).toContainEqual({ name: 'ENGINE_INPUT_TOPICS', value: 'raw,objects' });
  });

  test('an init naming some engines launches only those; unknown engine names are ignored', async () => {
    const h = await harness();
    const summary = await h.run(kafkaEvent(await throughKafka([
      { key: 'cam-4', value: init('cam-4', ['detect', 'ocr']) },
      { key: 'cam-5', value: init('cam-5', ['ocr']) },
    ])));
    expect(summary).toMatchObject({ launched: 1, malformed: 1 });
    expect(h.ecs.calls).toHaveLength(1);
    expect(h.ecs.callsFor('detect')[0].tags).toContainEqual({ key: 'stream-id', value: 'cam-4' });
    const unknownEngines = h.log.withMessage('stream-init names engines this pipeline does not have');
    expect(unknownEngines).toHaveLength(2);
    expect(unknownEngines).toEqual(expect.arrayContaining(['cam-4', 'cam-5'].map((streamId) => ({
      level: 'warn', message: 'stream-init names engines this pipeline does not have', fields: { streamId, unknown: ['ocr'] },
    }))));
  });
});

describe('maxConcurrentStreams', () => {
  test('streams over the limit are recorded as rejected and not launched; a finished stream frees its slot', async () => {
    const h = await harness({ maxConcurrentStreams: 2 });
    const summary = await h.run(kafkaEvent(await throughKafka(['s-a', 's-b', 's-c'].map((id) => ({ key: id, value: init(id) }))), 'aws:kafka'));
    expect(summary).toMatchObject({ launched: 4, rejected: 1 });
    expect(h.ecs.calls.map((c) => c.tags!.find((t) => t.key === 'stream-id')!.value).sort()).not.toContain('s-c');
    expect(await h.registry.activeStreams()).toBe(2);
    expect(await h.registry.getEngine('s-c', 'transcribe')).toMatchObject({ status: 'rejected', reason: 'maxConcurrentStreams (2) reached' });
    expect(await h.registry.getClaim('s-c')).toMatchObject({ status: 'rejected' });
    expect(h.emf.at(-1)).toMatchObject({ ActiveStreams: 2, StreamsRejected: 1 });
    expect(h.emf.at(-1)._aws.CloudWatchMetrics).toEqual([{
      Namespace: 'CdkStatusAndStreams/StreamEnginePipeline',
      Dimensions: [['Pipeline']],
      Metrics: ['ActiveStreams', 'StreamsRejected', 'LaunchFailures', 'MalformedControlMessages'].map((Name) => ({ Name, Unit: 'Count' })),
    }]);

    // the rejected stream's end-of-stream and a repeated init change nothing
    const after = await h.run(kafkaEvent(await throughKafka([{ key: 's-c', value: end('s-c') }, { key: 's-c', value: init('s-c') }])));
    expect(after).toMatchObject({ finished: 0, duplicates: 1, launched: 0 });
    expect(await h.registry.activeStreams()).toBe(2);

    // s-a ends: its slot goes to s-d (streams of one batch are handled concurrently, so the
    // init comes in the next batch)
    expect(await h.run(kafkaEvent(await throughKafka([{ key: 's-a', value: end('s-a') }])))).toMatchObject({ finished: 2 });
    expect(await h.registry.activeStreams()).toBe(1);
    const next = await h.run(kafkaEvent(await throughKafka([{ key: 's-d', value: init('s-d') }])));
    expect(next).toMatchObject({ launched: 2, rejected: 0 });
    expect(await h.registry.activeStreams()).toBe(2);
  });

  test('concurrent invocations never take more slots than the limit', async () => {
    const h = await harness({ maxConcurrentStreams: 3 });
    const records = await throughKafka(Array.from({ length: 8 }, (_, i) => ({ key: `p-${i}`, value: init(`p-${i}`, ['transcribe']) })));
    const results = await Promise.all(records.map((r) => h.run(kafkaEvent([r]))));
    expect(results.reduce((n, r) => n + r.launched, 0)).toBe(3);
    expect(results.reduce((n, r) => n + r.rejected, 0)).toBe(5);
    expect(h.ecs.calls).toHaveLength(3);
    expect(await h.registry.activeStreams()).toBe(3);
  });
});

describe('RunTask retries', () => {
  test('throttling is retried with jittered exponential back-off, a new token each time', async () => {
    const h = await harness();
    h.ecs.script('transcribe', 'throttle', 'throttle');
    const summary = await h.run(kafkaEvent(await throughKafka([{ key: 'r-1', value: init('r-1', ['transcribe']) }])));
    expect(summary).toMatchObject({ launched: 1, launchFailures: 0 });
    expect(h.ecs.calls).toHaveLength(3);
    // random() = 0.5 of the ceilings 1 s, 2 s
    expect(h.sleeps).toEqual([500, 1000]);
    expect(new Set(h.ecs.calls.map((c) => c.clientToken)).size).toBe(3);
    expect(await h.registry.getEngine('r-1', 'transcribe')).toMatchObject({ status: 'running' });
  });

  test('a server error is retried with the SAME idempotency token (the task may have started)', async () => {
    const h = await harness();
    h.ecs.script('transcribe', 'server-error');
    await h.run(kafkaEvent(await throughKafka([{ key: 'r-2', value: init('r-2', ['transcribe']) }])));
    expect(h.ecs.calls.map((c) => c.clientToken)).toEqual([
      clientTokenFor('media-pipeline', 'r-2', 'transcribe', 0), clientTokenFor('media-pipeline', 'r-2', 'transcribe', 0),
    ]);
  });

  test('capacity failures after every retry mark the record failed, release the slot, and the batch goes on', async () => {
    const h = await harness();
    h.ecs.script('detect', 'capacity', 'capacity', 'capacity', 'capacity', 'capacity');
    const summary = await h.run(kafkaEvent(await throughKafka([
      { key: 'f-1', value: init('f-1', ['detect']) },
      { key: 'f-2', value: init('f-2', ['transcribe']) },
    ])));
    expect(summary).toMatchObject({ launched: 1, launchFailures: 1 });
    expect(h.ecs.callsFor('detect')).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(h.sleeps).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalDelayMs);
    const failed = await h.registry.getEngine('f-1', 'detect');
    expect(failed).toMatchObject({ status: 'failed', released: true, expiresAt: NOW / 1000 + FINISHED_RECORD_TTL_SECONDS });
    expect(failed!.reason).toContain('launch failed after 5 attempt(s): Capacity is unavailable');
    expect(await h.registry.activeStreams()).toBe(1); // f-2 only
    expect(h.emf.at(-1)).toMatchObject({ LaunchFailures: 1, ActiveStreams: 1 });
  });

  test('a non-retryable error fails at once', async () => {
    const h = await harness();
    h.ecs.script('transcribe', 'invalid');
    const summary = await h.run(kafkaEvent(await throughKafka([{ key: 'f-3', value: init('f-3', ['transcribe']) }])));
    expect(summary).toMatchObject({ launched: 0, launchFailures: 1 });
    expect(h.ecs.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(await h.registry.activeStreams()).toBe(0);
  });
});

describe('end-of-stream and task stopped', () => {
  test('end-of-stream first, then the tasks stop: the slot is released once, stoppedReason is kept', async () => {
    const h = await harness();
    await h.run(kafkaEvent(await throughKafka([{ key: 'e-1', value: init('e-1') }])));
    expect(await h.registry.activeStreams()).toBe(1);
    const ended = await h.run(kafkaEvent(await throughKafka([{ key: 'e-1', value: end('e-1') }, { key: 'e-1', value: end('e-1') }])));
    expect(ended.finished).toBe(2);
    expect(await h.registry.activeStreams()).toBe(0);
    const transcribe = await h.registry.getEngine('e-1', 'transcribe');
    expect(transcribe).toMatchObject({ status: 'finished', released: true, expiresAt: NOW / 1000 + FINISHED_RECORD_TTL_SECONDS });

    const stopped = await h.run(taskStopped('e-1', 'transcribe', transcribe!.taskArn!));
    expect(stopped.finished).toBe(0);
    expect(await h.registry.activeStreams()).toBe(0);
    expect(await h.registry.getEngine('e-1', 'transcribe')).toMatchObject({
      status: 'finished', stoppedReason: 'EssentialContainerExited: Essential container in task exited: exit engine=0',
    });
  });

  test('tasks stop first, then end-of-stream: released once; a repeated stop changes nothing', async () => {
    const h = await harness();
    await h.run(kafkaEvent(await throughKafka([{ key: 'e-2', value: init('e-2') }, { key: 'e-3', value: init('e-3') }])));
    expect(await h.registry.activeStreams()).toBe(2);
    const arn = (await h.registry.getEngine('e-2', 'transcribe'))!.taskArn!;
    expect((await h.run(taskStopped('e-2', 'transcribe', arn))).finished).toBe(1);
    expect((await h.run(taskStopped('e-2', 'transcribe', arn))).finished).toBe(0);
    expect(await h.registry.activeStreams()).toBe(2); // detect of e-2 still runs
    const detectArn = (await h.registry.getEngine('e-2', 'detect'))!.taskArn!;
    expect((await h.run(taskStopped('e-2', 'detect', detectArn))).finished).toBe(1);
    expect(await h.registry.activeStreams()).toBe(1);
    expect(await h.registry.getClaim('e-2')).toMatchObject({ status: 'finished', open: 0 });

    const ended = await h.run(kafkaEvent(await throughKafka([{ key: 'e-2', value: end('e-2') }])));
    expect(ended.finished).toBe(0);
    expect(await h.registry.activeStreams()).toBe(1);
    expect(await h.registry.getEngine('e-2', 'transcribe')).toMatchObject({ status: 'stopped' });
  });

  test('stops of tasks this pipeline did not start, or of another task of the same stream, change nothing', async () => {
    const h = await harness();
    await h.run(kafkaEvent(await throughKafka([{ key: 'e-4', value: init('e-4', ['transcribe']) }])));
    const arn = (await h.registry.getEngine('e-4', 'transcribe'))!.taskArn!;
    expect((await h.run(taskStopped('e-4', 'transcribe', arn, 'ecs-svc/123'))).ignored).toBe(1);
    expect((await h.run(taskStopped('e-4', 'transcribe', `${arn}-other`))).finished).toBe(0);
    expect((await h.run({ ...taskStopped('e-4', 'transcribe', arn), detail: { ...taskStopped('e-4', 'transcribe', arn).detail, lastStatus: 'RUNNING' } })).ignored).toBe(1);
    expect(await h.registry.activeStreams()).toBe(1);
    expect(await h.registry.getEngine('e-4', 'transcribe')).toMatchObject({ status: 'running' });
  });
});

describe('poison messages', () => {
  test('non-JSON and contract-breaking records are skipped and counted; the rest of the batch (a keyless init too) is handled', async () => {
    const h = await harness();
    const records = await throughKafka([
      { key: 'x', value: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
      { key: 'z-1', value: JSON.stringify({ type: 'stream-init', version: 1, streamId: 'z-1' }) },
      { value: init('z-2', ['transcribe']) },
      { key: 'z-3', value: JSON.stringify({ type: 'heartbeat', version: 1, engine: 'transcribe', at: '2026-03-10T08:00:00Z' }) },
    ]);
    const summary = await h.run(kafkaEvent(records));
    expect(summary).toMatchObject({ records: 4, malformed: 2, ignored: 1, launched: 1 });
    expect(h.log.withMessage('control message skipped: malformed').map((l) => [l.level, l.fields.error])).toEqual([
      ['warn', expect.stringContaining('not JSON')], ['warn', 'stream-init: /createdAt is required'],
    ]);
    expect(h.emf.at(-1)).toMatchObject({ MalformedControlMessages: 2 });
  });

  test('an event of another shape is ignored, not thrown', async () => {
    const h = await harness();
    expect(await h.run({ hello: 'world' })).toMatchObject({ ignored: 1 });
  });

  test('a DynamoDB failure fails the invocation so the batch is retried', async () => {
    const h = await harness();
    const records = await throughKafka([{ key: 'd-1', value: init('d-1', ['transcribe']) }]);
    const broken = { ...h.deps, tableName: 'no-such-table' };
    await expect(handleCoordinatorEvent(kafkaEvent(records), broken)).rejects.toThrow(/not found|ResourceNotFound|non-existent/i);
    expect(h.ecs.calls).toHaveLength(0);
  });

  test('the retried batch resumes a claim its failed invocation left behind, and launches once', async () => {
    const h = await harness();
    const records = await throughKafka([{ key: 'd-2', value: init('d-2') }]);
    let failCounter = true;
    const flaky: CoordinatorDeps = {
      ...h.deps,
      doc: {
        send: ((command: any) => {
          // the slot counter update fails once, after the stream was claimed
          if (failCounter && command instanceof UpdateCommand && command.input.Key?.pk === 'streams') {
            failCounter = false;
            return Promise.reject(Object.assign(new Error('Service unavailable (injected)'), { name: 'ServiceUnavailable' }));
          }
          return doc.send(command);
        }) as any,
      },
    };
    await expect(handleCoordinatorEvent(kafkaEvent(records), flaky)).rejects.toThrow('injected');
    expect(await h.registry.getClaim('d-2')).toMatchObject({ status: 'claimed' });
    expect(h.ecs.calls).toHaveLength(0);

    expect(await handleCoordinatorEvent(kafkaEvent(records), flaky)).toMatchObject({ launched: 2, duplicates: 0 });
    expect(await handleCoordinatorEvent(kafkaEvent(records), flaky)).toMatchObject({ launched: 0, duplicates: 1 });
    expect(h.ecs.calls).toHaveLength(2);
    expect(await h.registry.activeStreams()).toBe(1);
  });
});

describe('launch retry policy (launchEngineTask, ECS mocked)', () => {
  const request = { cluster: 'c', taskDefinition: 'td' };
  const token = (g: number) => `token-${g}`;

  test('the back-off never sums past maxTotalDelayMs, whatever the jitter draws', async () => {
    const ecs = new FakeEcs().script('*', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle', 'throttle');
    const sleeps: number[] = [];
    const result = await launchEngineTask(request, token, {
      ecs,
      sleep: async (ms) => { sleeps.push(ms); },
      random: () => 0.999,
      retry: { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 8_000, maxTotalDelayMs: 5_000 },
    });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5_000);
    expect(ecs.calls.length).toBe(result.attempts);
    expect(result.ok ? '' : result.error).toContain('ThrottlingException');
  });

  test('each delay stays under its exponential ceiling (capped at maxDelayMs)', async () => {
    const ecs = new FakeEcs().script('*', 'throttle', 'throttle', 'throttle', 'throttle');
    const sleeps: number[] = [];
    const result = await launchEngineTask(request, token, { ecs, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.999 });
    expect(result).toMatchObject({ ok: true, attempts: 5 });
    expect(sleeps).toEqual([999, 1998, 3996, 7992]);
    expect(ecs.calls.map((c) => c.clientToken)).toEqual(['token-0', 'token-1', 'token-2', 'token-3', 'token-4']);
  });

  test('a failure reason that is not about capacity is not retried', async () => {
    const ecs: EcsRunTask = { runTask: async () => ({ $metadata: {}, tasks: [], failures: [{ reason: 'MISSING', arn: 'arn:x' }] }) };
    const result = await launchEngineTask(request, token, { ecs, sleep: async () => undefined, random: () => 0 });
    expect(result).toEqual({ ok: false, error: 'MISSING', attempts: 1, retryable: false });
  });
});
