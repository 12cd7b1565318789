/**
 * Runs the BUNDLED topic provisioner (assets/stream-engine-pipeline/topic-provisioner.lambda/index.js,
 * built by `npx projen bundle:stream-engine-pipeline/topic-provisioner.lambda`) the way Lambda does:
 * a fresh Node process, configured only through environment variables (KAFKA_AUTH_MODE=plaintext
 * against the local REAL broker). CloudFormation's response URL is a local HTTP server.
 */
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { kafkaClientOptions, loadKafka } from '../../src/stream-engine-pipeline/runtime/kafka-connection';
import { runBundledHandler } from '../helpers/bundled-handler';
import { ensureKafka } from '../helpers/kafka-broker';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'stream-engine-pipeline', 'topic-provisioner.lambda', 'index.js');

let bootstrap: string;
let server: http.Server;
let responseUrl: string;
const answers: any[] = [];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npx projen bundle:stream-engine-pipeline/topic-provisioner.lambda\` first`);
  bootstrap = await ensureKafka();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      answers.push({ method: req.method, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
}, 240_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('the bundled provisioner creates, raises, refuses to lower and deletes a topic on the real broker', async () => {
  const topic = `bundle-prov-${process.pid}-${Date.now()}`;
  const base = {
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/bundle-stack/guid',
    LogicalResourceId: 'Topics',
    ResourceType: 'Custom::KafkaTopics',
  };
  const props = (partitions: string, retain: string) => ({
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:p',
    Topics: [{ name: topic, partitions, replicationFactor: '1', config: { 'retention.ms': '3600000' } }],
    RetainOnDelete: retain,
  });
  const physical = 'kafka-topics:bundle-stack:Topics';
  const run = await runBundledHandler(BUNDLE, {
    AWS_REGION: 'us-east-1',
    KAFKA_BOOTSTRAP_BROKERS: bootstrap,
    KAFKA_AUTH_MODE: 'plaintext',
  }, [
    { ...base, RequestType: 'Create', RequestId: 'r1', ResourceProperties: props('6', 'false') },
    { ...base, RequestType: 'Update', RequestId: 'r2', PhysicalResourceId: physical, ResourceProperties: props('8', 'false'), OldResourceProperties: props('6', 'false') },
    { ...base, RequestType: 'Update', RequestId: 'r3', PhysicalResourceId: physical, ResourceProperties: props('4', 'false'), OldResourceProperties: props('8', 'false') },
  ]);
  expect(run.stderr).not.toMatch(/HANDLER ERROR/);
  expect(run.code).toBe(0);
  expect(answers.map((a) => [a.method, a.body.RequestId, a.body.Status, a.body.PhysicalResourceId])).toEqual([
    ['PUT', 'r1', 'SUCCESS', physical],
    ['PUT', 'r2', 'SUCCESS', physical],
    ['PUT', 'r3', 'FAILED', physical],
  ]);
  expect(answers[2].body.Reason).toContain(`topic ${topic} has 8 partitions; lowering it to 4 is refused`);

  const admin = new (loadKafka().Admin)(await kafkaClientOptions({ brokers: [bootstrap], authMode: 'plaintext' }, 'bundle-inspector'));
  try {
    expect((await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitionsCount).toBe(8);
    const deleted = await runBundledHandler(BUNDLE, { AWS_REGION: 'us-east-1', KAFKA_BOOTSTRAP_BROKERS: bootstrap, KAFKA_AUTH_MODE: 'plaintext' },
      [{ ...base, RequestType: 'Delete', RequestId: 'r4', PhysicalResourceId: physical, ResourceProperties: props('8', 'false') }]);
    expect(deleted.code).toBe(0);
    expect(answers[3].body).toMatchObject({ RequestId: 'r4', Status: 'SUCCESS' });
    expect(await admin.listTopics()).not.toContain(topic);
  } finally {
    await admin.close();
  }
}, 60_000);

test('the bundled provisioner answers FAILED when Kafka settings are missing', async () => {
  answers.length = 0;
  const run = await runBundledHandler(BUNDLE, { AWS_REGION: 'us-east-1' }, [{
    RequestType: 'Create',
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:us-east-1:1:stack/s/g',
    RequestId: 'r9',
    LogicalResourceId: 'Topics',
    ResourceType: 'Custom::KafkaTopics',
    ResourceProperties: { Topics: [{ name: 't', partitions: '1' }] },
  }]);
  expect(run.code).toBe(0);
  expect(answers).toEqual([{ method: 'PUT', body: expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('KAFKA_BOOTSTRAP_BROKERS') }) }]);
});
