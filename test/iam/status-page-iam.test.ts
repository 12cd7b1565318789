/**
 * IAM proved by the calls the StatusPage handlers really make (see pipeline-iam.test.ts for the
 * method). A StatusPage with proxy-header auth (a generated secret) and a notification topic is
 * synthesized; the BUNDLED checker and renderer from the cloud assembly run in child processes
 * with the template's environment resolved to deployed values and the config layer extracted for
 * /opt. Every AWS call is recorded and simulated against the function's role. DynamoDB is
 * dynalite; probe targets are local servers. SNS and Secrets Manager have no local
 * implementation: local HTTP servers MOCK them (fake-sns.ts, and a GetSecretValue mock here).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IamCall, iamCallsOfLog, parseCallLog } from './aws-calls';
import { ACCOUNT, DeployedValues, REGION } from './deployed-values';
import { deniedCalls, rolePolicies, unexplainedGrants } from './role-check';
import { HealthCheck, PageAuth, StatusPage } from '../../src';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { FakeSns, startFakeSns } from '../status-page/runtime/helpers/fake-sns';
import { LocalServer, startHttpServer } from '../status-page/runtime/helpers/local-servers';

const SECRET = 'proxy-secret-value';
const LAMBDA_SERVICE: Record<string, string> = {
  'logs:CreateLogStream': 'Lambda writes the function\'s logs to its log group',
  'logs:PutLogEvents': 'Lambda writes the function\'s logs to its log group',
};

const CHECKER: Record<string, string> = {
  'dynamodb:GetItem': 'NOT EXERCISED here: record-run.ts re-reads a shard with a consistent GetItem after a write conflict (another run wrote first)',
};
const RENDERER: Record<string, string> = {
  'secretsmanager:DescribeSecret': 'granted by ISecret.grantRead with GetSecretValue (and kms:Decrypt for a secret under your key); a metadata read the renderer never makes',
};

let dynamo: LocalDynamo;
let web: LocalServer;
let topic: FakeSns;
let secrets: http.Server;
let secretsUrl: string;
let flakyUp = true;
const logDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iam-calls-'));

beforeAll(async () => {
  dynamo = await startDynalite();
  web = await startHttpServer((req, res) => { res.writeHead(req.url === '/health' || flakyUp ? 200 : 500).end('ok'); });
  topic = await startFakeSns();
  // Secrets Manager MOCK: GetSecretValue answers the secret for any SecretId (the IAM check judges the ARN)
  secrets = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: JSON.parse(raw).SecretId, Name: 'proxy', SecretString: SECRET, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1764000000 }));
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
  secretsUrl = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), web.close(), topic.server.close(), new Promise((r) => secrets.close(r))]);
});

function synthesize() {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PageStack', { env: { account: ACCOUNT, region: REGION } });
  new StatusPage(stack, 'Status', {
    auth: PageAuth.proxyHeader(),
    notificationTopic: new sns.Topic(stack, 'Alerts'),
    failureThreshold: 1,
    checks: [
      HealthCheck.http('web', { url: `${web.origin}/health` }),
      HealthCheck.http('flaky', { url: `${web.origin}/flaky` }),
    ],
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const values = new DeployedValues(resources);
  const assetDir = (resource: any) => path.join(app.outdir, resource.Metadata['aws:asset:path']);
  const layerDir = assetDir(Object.values(resources).find((r) => r.Type === 'AWS::Lambda::LayerVersion'));
  const fn = (word: string) => {
    const resource = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties.Description ?? '').includes(word));
    const env = Object.fromEntries(Object.entries(resource.Properties.Environment.Variables)
      .map(([k, v]) => [k, String(values.resolve(v)).replace(/^\/opt\//, `${layerDir}/`)]));
    return { bundle: path.join(assetDir(resource), 'index.js'), env, role: resource.Properties.Role['Fn::GetAtt'][0] as string };
  };
  return { resources, values, checker: fn('checker'), renderer: fn('renderer') };
}

async function recordedRun(
  name: string, bundle: string, env: Record<string, string>, events: unknown[],
): Promise<{ calls: IamCall[]; results: any[] }> {
  const log = path.join(logDir, `${name}.jsonl`);
  const run = await runBundledHandler(bundle, {
    ...env,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: topic.server.origin,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
  }, events, { recordCallsTo: log });
  if (run.code !== 0) throw new Error(`${name} exited ${run.code}: ${run.stderr.slice(-2000)}`);
  return { calls: iamCallsOfLog(parseCallLog(fs.readFileSync(log, 'utf8'))), results: run.results };
}

test('every call the checker and renderer make is allowed by their roles, and every grant is used or explained', async () => {
  const { resources, values, checker, renderer } = synthesize();
  const table = values.resolve({ Ref: Object.keys(resources).find((id) => resources[id].Type === 'AWS::DynamoDB::Table') });
  await dynamo.createStatusTable(table);

  // two runs: 'flaky' is up, then down (the change is published)
  const scheduled = { 'source': 'aws.events', 'detail-type': 'Scheduled Event' };
  const first = await recordedRun('checker-up', checker.bundle, checker.env, [scheduled]);
  flakyUp = false;
  const second = await recordedRun('checker-down', checker.bundle, checker.env, [scheduled]);
  expect([first.results[0], second.results[0]]).toMatchObject([{ checks: 2, down: 0 }, { checks: 2, down: 1 }]);
  expect(topic.requests.length).toBeGreaterThan(0);
  const checked = { calls: [...first.calls, ...second.calls] };

  const page = (headers: Record<string, string>) => ({
    httpMethod: 'GET',
    path: '/status.json',
    resource: '/status.json',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    pathParameters: null,
    requestContext: { stage: 'prod' },
    body: null,
    isBase64Encoded: false,
  });
  const header = renderer.env.STATUS_AUTH_HEADER_NAME;
  const rendered = await recordedRun('renderer', renderer.bundle, renderer.env, [page({ [header]: SECRET })]);
  expect(rendered.results[0].statusCode).toBe(200);

  const problems: string[] = [];
  for (const { fn, calls, reasons } of [
    { fn: checker, calls: checked.calls, reasons: { ...LAMBDA_SERVICE, ...CHECKER } },
    { fn: renderer, calls: rendered.calls, reasons: { ...LAMBDA_SERVICE, ...RENDERER } },
  ]) {
    const role = rolePolicies(resources, values, fn.role);
    problems.push(...await deniedCalls(role, calls), ...unexplainedGrants(role, calls, reasons));
  }
  expect(problems).toEqual([]);
}, 60_000);
