import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pageConfig } from './helpers/config';
import { FakeSns, publishedMessages, startFakeSns } from './helpers/fake-sns';
import { LocalServer, sleep, startHttpServer } from './helpers/local-servers';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { CheckConfig, StatusPageConfig } from '../../../src/status-page/runtime/model';
import { readSnapshot } from '../../../src/status-page/runtime/read-snapshot';
import { runChecks, snsPublisher } from '../../../src/status-page/runtime/run-checks';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { RecordingLog, SILENT_LOG } from '../../helpers/recording-log';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let target: LocalServer;
let sns: FakeSns;
/** Paths answering 503 instead of 200. */
const failing = new Set<string>();

beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
  sns = await startFakeSns();
  target = await startHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const delay = Number(url.searchParams.get('delay') ?? '0');
    if (delay > 0) await sleep(delay);
    res.writeHead(failing.has(url.pathname) ? 503 : 200).end('ok');
  });
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), target.close(), sns.server.close()]);
});

function httpChecks(count: number, query = ''): CheckConfig[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'http',
    name: `svc-${i}`,
    displayName: `Service ${i}`,
    url: `${target.origin}/svc-${i}${query}`,
    method: 'GET',
    expectedStatusCodes: [200],
    timeoutMs: 5_000,
  }));
}

function snsClient(): SNSClient {
  return new SNSClient({
    endpoint: sns.server.origin,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

function emfLines(lines: string[]): Array<Record<string, any>> {
  return lines.map((l) => JSON.parse(l)).filter((o) => o._aws);
}

test.each([20, 5])('probes run %i at a time (measured as overlapping requests at the server)', async (concurrency) => {
  const table = await dynamo.createStatusTable();
  target.stats.maxInFlight = 0;
  const config = pageConfig(httpChecks(20, '?delay=300'), { concurrency });
  const summary = await runChecks({ doc, tableName: table, config, log: SILENT_LOG, metricsSink: () => undefined });
  expect(summary.up).toBe(20);
  expect(target.stats.maxInFlight).toBe(concurrency);
});

test('publishes status changes to SNS in batches of 10, never the first status, and emits one EMF line', async () => {
  const table = await dynamo.createStatusTable();
  sns.requests.length = 0;
  const config: StatusPageConfig = pageConfig(httpChecks(12), { title: 'Shop' });
  const topicArn = 'arn:aws:sns:us-east-1:123456789012:status';
  const lines: string[] = [];
  const log = new RecordingLog();
  const entries = log.entries;
  const deps = {
    doc,
    tableName: table,
    config,
    log,
    metricsSink: (l: string) => lines.push(l),
    publisher: snsPublisher(snsClient(), topicArn, log),
    metricDimension: 'shop-page',
  };

  const first = await runChecks(deps);
  expect(first.store.allChanges).toHaveLength(12);
  expect(first.published).toBe(0);
  expect(sns.requests).toHaveLength(0);

  for (let i = 0; i < 12; i++) failing.add(`/svc-${i}`);
  try {
    const second = await runChecks(deps);
    expect(second.checksDown).toBe(12);
    expect(second.published).toBe(12);
  } finally {
    failing.clear();
  }
  expect(sns.requests.map((r) => r.Action)).toEqual(['PublishBatch', 'PublishBatch']);
  expect(sns.requests.every((r) => r.TopicArn === topicArn)).toBe(true);
  const messages = sns.requests.flatMap(publishedMessages) as Array<Record<string, string>>;
  expect(messages).toHaveLength(12);
  expect(messages[0]).toMatchObject({ type: 'status-change', check: 'svc-0', from: 'up', to: 'down', message: 'unexpected status 503 (expected 200)' });
  expect(sns.requests[0]['PublishBatchRequestEntries.member.1.Subject']).toBe('Service 0 is DOWN (was up)');

  const emf = emfLines(lines);
  expect(emf).toHaveLength(2);
  expect(emf[1]._aws.CloudWatchMetrics[0]).toEqual({
    Namespace: 'CdkStatusAndStreams/StatusPage',
    Dimensions: [['StatusPage']],
    Metrics: [
      { Name: 'RunsRecorded', Unit: 'Count' },
      { Name: 'ChecksDown', Unit: 'Count' },
    ],
  });
  expect(emf[1]).toMatchObject({ StatusPage: 'shop-page', RunsRecorded: 1, ChecksDown: 12 });
  expect(typeof emf[1].runDurationMs).toBe('number');
  // Exactly the documented dimension, metrics and property: no service dimension added.
  expect(Object.keys(emf[1]).sort()).toEqual(['ChecksDown', 'RunsRecorded', 'StatusPage', '_aws', 'runDurationMs']);
  expect(entries).toEqual([]);
});

test('a failed publish is logged and does not fail the run', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(httpChecks(2));
  const lines: string[] = [];
  const log = new RecordingLog();
  const entries = log.entries;
  const deps = {
    doc,
    tableName: table,
    config,
    log,
    metricsSink: (l: string) => lines.push(l),
    publisher: snsPublisher(snsClient(), 'arn:aws:sns:us-east-1:123456789012:status', log),
  };
  await runChecks(deps);
  failing.add('/svc-1');
  sns.failing = true;
  try {
    const summary = await runChecks(deps);
    expect(summary.store.changes).toHaveLength(1);
    expect(summary.publishFailures).toBe(1);
    expect(summary.published).toBe(0);
  } finally {
    failing.clear();
    sns.failing = false;
  }
  expect(entries).toEqual([{ level: 'error', message: 'SNS PublishBatch failed', fields: { error: expect.stringMatching(/InternalError/) } }]);
  expect(emfLines(lines).map((e) => e.RunsRecorded)).toEqual([1, 1]);
  const snap = await readSnapshot(doc, table, config, new Date());
  expect(snap.checks[1].status).toBe('down');
});

test('a probe that throws is down for that check only', async () => {
  const table = await dynamo.createStatusTable();
  const config = pageConfig(httpChecks(3));
  const log = new RecordingLog();
  const entries = log.entries;
  const summary = await runChecks({
    doc,
    tableName: table,
    config,
    log,
    metricsSink: () => undefined,
    probe: async (check) => {
      if (check.name === 'svc-1') throw new Error('bug');
      return { outcome: 'up', latencyMs: 5 };
    },
  });
  expect(summary.results.map((r) => r.outcome)).toEqual(['up', 'down', 'up']);
  expect(summary.results[1].message).toBe('checker error while probing');
  expect(entries).toEqual([{ level: 'error', message: 'probe threw', fields: { check: 'svc-1', error: 'Error: bug' } }]);
});

test('a run whose results cannot be stored throws, after an EMF line with RunsRecorded=0', async () => {
  const config = pageConfig(httpChecks(1));
  const lines: string[] = [];
  const log = new RecordingLog();
  const entries = log.entries;
  await expect(runChecks({ doc, tableName: 'no-such-table', config, log, metricsSink: (l) => lines.push(l) }))
    .rejects.toThrow(/non-existent table|not found/i);
  expect(emfLines(lines).map((e) => e.RunsRecorded)).toEqual([0]);
  expect(entries).toEqual([{
    level: 'error', message: 'could not store the results of this run', fields: { error: expect.stringMatching(/^ResourceNotFoundException: /) },
  }]);
});
