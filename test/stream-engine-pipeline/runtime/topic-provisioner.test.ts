/**
 * The topic provisioner against a REAL Kafka broker (test/helpers/kafka-broker.ts), with the
 * CloudFormation response URL played by a local HTTP server that records every PUT.
 * CloudFormation passes numbers and booleans as strings, so the events below do too.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { CfnCustomResourceEvent, CfnResponse, sendCfnResponse } from '../../../src/stream-engine-pipeline/runtime/cfn-response';
import { kafkaClientOptions, loadKafka } from '../../../src/stream-engine-pipeline/runtime/kafka-connection';
import { platformaticTopicAdmin, TopicAdmin } from '../../../src/stream-engine-pipeline/runtime/kafka-topic-admin';
import { handleTopicProvisionerEvent, readTopicSpecs } from '../../../src/stream-engine-pipeline/runtime/topic-provisioner';
import { ensureKafka } from '../../helpers/kafka-broker';
import { RecordingLog, SILENT_LOG } from '../../helpers/recording-log';

interface CapturedPut {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: CfnResponse;
}

let bootstrap: string;
let server: http.Server;
let responseUrl: string;
const puts: CapturedPut[] = [];
/** Answer the next N PUTs with this status first (then 200). */
let failNext: number[] = [];
let inspector: Admin;
const log = new RecordingLog();

beforeAll(async () => {
  bootstrap = await ensureKafka();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      puts.push({ method: req.method!, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(failNext.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=abc`;
  inspector = new (loadKafka().Admin)(await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'topic-test-inspector'));
}, 240_000);

afterAll(async () => {
  await inspector.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  puts.length = 0;
  failNext = [];
});

const openAdmin = async (): Promise<TopicAdmin> =>
  platformaticTopicAdmin(new (loadKafka().Admin)(await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'topic-provisioner-test')), 10_000);

let requestCounter = 0;
function event(type: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>, extra: Partial<CfnCustomResourceEvent> = {}): CfnCustomResourceEvent {
  return {
    RequestType: type,
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/pipeline-stack/5b6f1a40-0000-11ef-8000-0a1b2c3d4e5f',
    RequestId: `req-${++requestCounter}`,
    LogicalResourceId: 'PipelineTopics',
    ResourceType: 'Custom::KafkaTopics',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provisioner', ...properties },
    ...extra,
  };
}

/** The way CloudFormation passes a TopicSpec: every number as a string. */
const spec = (name: string, partitions: number, config: Record<string, string> = {}) =>
  ({ name, partitions: String(partitions), replicationFactor: '1', config });

async function run(e: CfnCustomResourceEvent) {
  const response = await handleTopicProvisionerEvent(e, { openAdmin, log });
  expect(puts.at(-1)?.body).toEqual(response);
  return response;
}

/**
 * The topic's partition count, or undefined when it does not exist. A topic created a moment ago
 * may not be listed yet while the broker is busy (other test files share it): look again for up
 * to 3 s before answering "missing".
 */
async function partitionsOf(topic: string): Promise<number | undefined> {
  for (let attempt = 0; attempt < 15; attempt++) {
    if ((await inspector.listTopics()).includes(topic)) {
      return (await inspector.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitionsCount;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

async function configOf(topic: string, key: string): Promise<string | undefined> {
  const [described] = await inspector.describeConfigs({ resources: [{ resourceType: 2, resourceName: topic, configurationKeys: [key] }] });
  return described.configs.find((c) => c.name === key)?.value ?? undefined;
}

describe('topic provisioner on a real broker', () => {
  const topic = `prov-${process.pid}-${Date.now()}`;
  let physicalId: string;

  test('Create makes the topic with 6 partitions and its configs from string properties, and PUTs SUCCESS', async () => {
    const response = await run(event('Create', { Topics: [spec(topic, 6, { 'retention.ms': '600000' })], RetainOnDelete: 'true' }));
    expect(response).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'PipelineTopics', Data: { TopicNames: topic, Created: topic } });
    physicalId = response.PhysicalResourceId;
    expect(physicalId).toBe('kafka-topics:pipeline-stack:PipelineTopics');
    expect(puts).toHaveLength(1);
    expect(puts[0].method).toBe('PUT');
    expect(puts[0].contentType).toBe(''); // what the pre-signed S3 URL is signed for
    expect(await partitionsOf(topic)).toBe(6);
    expect(await configOf(topic, 'retention.ms')).toBe('600000');
  });

  test('repeating the Create is idempotent', async () => {
    const response = await run(event('Create', { Topics: [spec(topic, 6, { 'retention.ms': '600000' })], RetainOnDelete: 'true' }));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: { Created: '', Raised: '' } });
    expect(await partitionsOf(topic)).toBe(6);
  });

  test('Update raises the partitions to 8 and alters a config, keeping the physical id', async () => {
    const response = await run(event('Update', { Topics: [spec(topic, 8, { 'retention.ms': '900000' })], RetainOnDelete: 'true' },
      { PhysicalResourceId: physicalId, OldResourceProperties: { Topics: [spec(topic, 6)] } }));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId, Data: { Raised: topic } });
    expect(await partitionsOf(topic)).toBe(8);
    expect(await configOf(topic, 'retention.ms')).toBe('900000');
  });

  test('Update to 4 partitions is refused: FAILED naming the topic and both counts, nothing changed', async () => {
    const other = `${topic}-new`;
    const response = await run(event('Update', { Topics: [spec(other, 2), spec(topic, 4)], RetainOnDelete: 'true' },
      { PhysicalResourceId: physicalId, OldResourceProperties: { Topics: [spec(topic, 8)] } }));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`topic ${topic} has 8 partitions; lowering it to 4 is refused`);
    expect(response.PhysicalResourceId).toBe(physicalId);
    expect(await partitionsOf(topic)).toBe(8);
    expect(await partitionsOf(other)).toBeUndefined(); // checked before anything was created
  });

  test('Update that drops a topic from the list keeps the topic', async () => {
    const other = `${topic}-other`;
    const response = await run(event('Update', { Topics: [spec(other, 1)], RetainOnDelete: 'false' },
      { PhysicalResourceId: physicalId, OldResourceProperties: { Topics: [spec(topic, 8)] } }));
    expect(response.Status).toBe('SUCCESS');
    expect(await partitionsOf(topic)).toBe(8);
    expect(await partitionsOf(other)).toBe(1);
    expect(log.withMessage('topics removed from the resource are kept (never deleted implicitly)')).toEqual([
      { level: 'info', message: 'topics removed from the resource are kept (never deleted implicitly)', fields: { topics: [topic] } },
    ]);
    await run(event('Delete', { Topics: [spec(other, 1)], RetainOnDelete: 'false' }, { PhysicalResourceId: physicalId }));
  });

  test('Delete with RetainOnDelete true keeps the topic; with false deletes it', async () => {
    const kept = await run(event('Delete', { Topics: [spec(topic, 8)], RetainOnDelete: 'true' }, { PhysicalResourceId: physicalId }));
    expect(kept).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: physicalId });
    expect(await partitionsOf(topic)).toBe(8);

    const deleted = await run(event('Delete', { Topics: [spec(topic, 8)], RetainOnDelete: 'false' }, { PhysicalResourceId: physicalId }));
    expect(deleted).toMatchObject({ Status: 'SUCCESS', Data: { DeletedTopics: topic } });
    expect(await partitionsOf(topic)).toBeUndefined();

    // deleting again (a retried Delete) succeeds
    expect((await run(event('Delete', { Topics: [spec(topic, 8)], RetainOnDelete: 'false' }, { PhysicalResourceId: physicalId }))).Status).toBe('SUCCESS');
  });

  test('the rollback Delete after a failed Create deletes nothing, even with RetainOnDelete false', async () => {
    const existing = `${topic}-preexisting`;
    await inspector.createTopics({ topics: [existing], partitions: 1, replicas: 1 });
    const failed = await run(event('Create', { Topics: [spec(existing, 1), { name: 'bad name!', partitions: '1' }], RetainOnDelete: 'false' }));
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toContain('Topics[1].name');
    const rollback = await run(event('Delete', { Topics: [spec(existing, 1)], RetainOnDelete: 'false' }, { PhysicalResourceId: failed.PhysicalResourceId }));
    expect(rollback.Status).toBe('SUCCESS');
    expect(await partitionsOf(existing)).toBe(1);
    await inspector.deleteTopics({ topics: [existing] });
  });
});

describe('always answers CloudFormation', () => {
  test('an unreachable broker gives FAILED with the client error', async () => {
    const response = await handleTopicProvisionerEvent(event('Create', { Topics: [spec('never', 1)] }), {
      openAdmin: async () => platformaticTopicAdmin(new (loadKafka().Admin)({
        ...(await kafkaClientOptions({ brokers: ['127.0.0.1:1'], authMode: 'plaintext', connectTimeoutMs: 1_000, retries: 0 }, 'unreachable')),
      }), 5_000),
      log: SILENT_LOG,
    });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason.length).toBeGreaterThan(0);
    expect(puts.map((p) => p.body.Status)).toEqual(['FAILED']);
  });

  test('a hung Kafka call is cut off before the Lambda times out, and FAILED is sent', async () => {
    const response = await handleTopicProvisionerEvent(event('Create', { Topics: [spec('hung', 1)] }), {
      openAdmin: () => new Promise<TopicAdmin>(() => undefined),
      remainingTimeMs: () => 11_000, // leaves the minimum budget of 1 s
      log: SILENT_LOG,
    });
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'Create of the Kafka topics timed out after 1000 ms' });
    expect(puts).toHaveLength(1);
  });

  test('an unexpected exception thrown by the admin client becomes FAILED, logged as an error', async () => {
    const failures = new RecordingLog();
    const response = await handleTopicProvisionerEvent(event('Create', { Topics: [spec('boom', 1)] }), {
      openAdmin: async () => { throw new TypeError('KAFKA_BOOTSTRAP_BROKERS must list the Kafka bootstrap brokers'); },
      log: failures,
    });
    expect(response).toMatchObject({ Status: 'FAILED', Reason: 'KAFKA_BOOTSTRAP_BROKERS must list the Kafka bootstrap brokers' });
    expect(failures.entries).toEqual([{
      level: 'error',
      message: 'topic provisioning failed',
      fields: { requestType: 'Create', error: 'KAFKA_BOOTSTRAP_BROKERS must list the Kafka bootstrap brokers' },
    }]);
  });

  test('the PUT is retried when the response URL answers 5xx, not when it answers 403', async () => {
    failNext = [503, 500];
    const body = { Status: 'SUCCESS', Reason: 'OK' } as CfnResponse;
    await sendCfnResponse(responseUrl, body, { sleep: async () => undefined });
    expect(puts).toHaveLength(3);

    puts.length = 0;
    failNext = [403];
    await expect(sendCfnResponse(responseUrl, body, { sleep: async () => undefined })).rejects.toThrow('HTTP 403');
    expect(puts).toHaveLength(1);
  });

  test('a PUT that gets no answer times out', async () => {
    const silent = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    await expect(sendCfnResponse(url, { Status: 'SUCCESS' } as CfnResponse, { timeoutMs: 200, attempts: 2, sleep: async () => undefined }))
      .rejects.toThrow('timed out after 200 ms');
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('a long reason is cut so the response stays under 4096 bytes', async () => {
    const response = await handleTopicProvisionerEvent(event('Create', { Topics: [spec('x', 1)] }), {
      openAdmin: async () => { throw new Error('x'.repeat(10_000)); },
      log: SILENT_LOG,
    });
    expect(JSON.stringify(response).length).toBeLessThan(4096);
  });
});

describe('reading the properties', () => {
  test('numbers arrive as strings; replication factor defaults to the broker default', () => {
    expect(readTopicSpecs({ Topics: [{ name: 'a', partitions: '3', config: { 'retention.ms': 1000 } }] }))
      .toEqual([{ name: 'a', partitions: 3, replicationFactor: -1, config: { 'retention.ms': '1000' } }]);
  });

  test.each([
    [{ Topics: 'a' }, 'ResourceProperties.Topics must be a list'],
    [{ Topics: [{ name: 'a', partitions: 'six' }] }, 'topic a: partitions must be an integer; got "six"'],
    [{ Topics: [{ name: 'a', partitions: '0' }] }, 'topic a: partitions must be at least 1'],
    [{ Topics: [{ name: 'a', partitions: '1', replicationFactor: '0' }] }, 'topic a: replicationFactor must be at least 1'],
    [{ Topics: [{ name: 'a', partitions: '1' }, { name: 'a', partitions: '1' }] }, 'topic a is listed twice'],
    [{ Topics: [{ name: 'a/b', partitions: '1' }] }, 'Topics[0].name'],
    [{ Topics: [{ name: 'a', partitions: '1', config: ['x'] }] }, 'topic a: config must be a map'],
  ])('%j is refused: %s', (properties, message) => {
    expect(() => readTopicSpecs(properties)).toThrow(message);
  });
});
