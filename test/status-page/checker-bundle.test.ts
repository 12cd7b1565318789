/**
 * Runs the BUNDLED checker (assets/status-page/checker.lambda/index.js, built by
 * `npx projen bundle`) the way Lambda does: a fresh Node process requires the file and calls
 * exports.handler with an EventBridge scheduled event, configured only through environment
 * variables. DynamoDB is dynalite; SNS (no local implementation) is a local HTTP server speaking
 * the SNS query protocol (see runtime/helpers/fake-sns.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { documentClient } from '../../src/shared/runtime/aws-clients';
import { StatusPageConfig } from '../../src/status-page/runtime/model';
import { readSnapshot } from '../../src/status-page/runtime/read-snapshot';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { FakeSns, publishedMessages, startFakeSns } from './runtime/helpers/fake-sns';
import { LocalServer, startHttpServer } from './runtime/helpers/local-servers';

const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'status-page', 'checker.lambda', 'index.js');
const SCHEDULED_EVENT = {
  'version': '0',
  'id': '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  'source': 'aws.events',
  'account': '123456789012',
  'time': '2026-03-10T08:00:00Z',
  'region': 'us-east-1',
  'resources': ['arn:aws:events:us-east-1:123456789012:rule/status-checker'],
  'detail': {},
};
const HEADER_SECRET = 'hdr-value-7f3a9c';

let dynamo: LocalDynamo;
let target: LocalServer;
let sns: FakeSns;
let dir: string;
let apiCalls = 0;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npx projen bundle\` first`);
  dynamo = await startDynalite();
  sns = await startFakeSns();
  // /api answers 200 once, then 503: the second invocation sees it go down.
  target = await startHttpServer((req, res) => {
    if (req.url === '/api') apiCalls++;
    const status = req.url === '/api' && apiCalls > 1 ? 503 : 200;
    res.writeHead(status).end(req.url === '/home' ? '<h1>Welcome</h1>' : 'ok');
  });
  dir = mkdtempSync(path.join(tmpdir(), 'checker-bundle-'));
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), target.close(), sns.server.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function runHandler(env: Record<string, string>, invocations: number) {
  return runBundledHandler(BUNDLE, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.server.origin,
    ...env,
  }, Array.from({ length: invocations }, () => SCHEDULED_EVENT));
}

test('the bundled handler probes, stores, publishes and logs EMF like in Lambda', async () => {
  const table = await dynamo.createStatusTable();
  const config: StatusPageConfig = {
    title: 'Bundle page',
    intervalSeconds: 60,
    failureThreshold: 1,
    successThreshold: 1,
    concurrency: 4,
    staleAfterIntervals: 3,
    checksPerShard: 50,
    checks: [
      {
        kind: 'http',
        name: 'home',
        displayName: 'Home',
        url: `${target.origin}/home`,
        method: 'GET',
        expectedStatusCodes: [200],
        bodyContains: 'Welcome',
        timeoutMs: 3_000,
        headers: { 'x-api-key': HEADER_SECRET },
      },
      { kind: 'http', name: 'api', displayName: 'API', url: `${target.origin}/api`, method: 'GET', expectedStatusCodes: [200], timeoutMs: 3_000 },
      { kind: 'tcp', name: 'tcp', displayName: 'TCP', host: '127.0.0.1', port: target.port, timeoutMs: 3_000 },
    ],
  };
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));

  const run = await runHandler({
    STATUS_TABLE_NAME: table,
    STATUS_CONFIG_PATH: configPath,
    STATUS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:status',
    STATUS_METRIC_DIMENSION: 'bundle-page',
  }, 2);
  expect(run.stderr).not.toMatch(/HANDLER ERROR/);
  expect(run.code).toBe(0);
  expect(run.results).toEqual([{ checks: 3, down: 0, changes: 0 }, { checks: 3, down: 1, changes: 1 }]);

  const emf = run.stdout.split('\n').filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));
  expect(emf.map((e) => [e.StatusPage, e.RunsRecorded, e.ChecksDown])).toEqual([['bundle-page', 1, 0], ['bundle-page', 1, 1]]);
  expect(emf.every((e) => typeof e.runDurationMs === 'number')).toBe(true);
  expect(run.stdout + run.stderr).not.toContain(HEADER_SECRET);
  expect(run.stdout + run.stderr).not.toContain('fake-secret-key');

  expect(sns.requests).toHaveLength(1);
  expect(publishedMessages(sns.requests[0])).toEqual([expect.objectContaining({ check: 'api', from: 'up', to: 'down' })]);

  const snap = await readSnapshot(documentClient(dynamo.client), table, config, new Date());
  expect(snap.stale).toBe(false);
  expect(snap.overall).toBe('down');
  expect(snap.checks.map((c) => [c.name, c.status])).toEqual([['home', 'up'], ['api', 'down'], ['tcp', 'up']]);
  expect(snap.checks[1].message).toBe('unexpected status 503 (expected 200)');
  expect(snap.checks[0].days[89].uptime).toBe(1);
});

test('the bundled handler fails the invocation when the results cannot be stored', async () => {
  const configPath = path.join(dir, 'config-small.json');
  writeFileSync(configPath, JSON.stringify({
    title: 'x',
    intervalSeconds: 60,
    failureThreshold: 1,
    successThreshold: 1,
    concurrency: 1,
    staleAfterIntervals: 3,
    checksPerShard: 50,
    checks: [{ kind: 'tcp', name: 'tcp', displayName: 'TCP', host: '127.0.0.1', port: target.port, timeoutMs: 3_000 }],
  }));
  const run = await runHandler({ STATUS_TABLE_NAME: 'missing-table', STATUS_CONFIG_PATH: configPath }, 1);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/HANDLER ERROR ResourceNotFoundException/);
  expect(run.stdout).toContain('"RunsRecorded":0');
  // One log shape (Powertools Logger): JSON with level, message, service and the fields.
  const entries = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l));
  expect(entries).toEqual([expect.objectContaining({
    level: 'ERROR',
    message: 'could not store the results of this run',
    service: 'status-page-checker',
    error: expect.stringMatching(/^ResourceNotFoundException: /),
  })]);
});
