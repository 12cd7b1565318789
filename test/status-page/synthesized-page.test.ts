/**
 * What the construct synthesizes is what the handlers run: a StatusPage is synthesized, then the
 * checker and renderer code from the cloud assembly (the bundled assets users deploy) run in
 * child processes with the environment variables from the template and the config layer
 * extracted to a folder standing in for /opt. DynamoDB is dynalite; probe targets are local
 * servers. No AWS API is mocked here: the page is public (PageAuth.none()), so no secret is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HealthCheck, PageAuth, StatusPage } from '../../src';
import { runBundledHandler } from '../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../helpers/dynalite';
import { LocalServer, freePort, startHttpServer, startTcpServer } from './runtime/helpers/local-servers';

let dynamo: LocalDynamo;
let web: LocalServer;
let tcp: LocalServer;

beforeAll(async () => {
  dynamo = await startDynalite();
  web = await startHttpServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 500).end('status: ok');
  });
  tcp = await startTcpServer();
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), web.close(), tcp.close()]);
});

interface SynthesizedFunction {
  readonly codeDir: string;
  readonly environment: Record<string, unknown>;
}

function synthesize(refusedPort: number) {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'PageStack');
  new StatusPage(stack, 'Status', {
    title: 'Synthesized page',
    auth: PageAuth.none(),
    failureThreshold: 1,
    checks: [
      HealthCheck.http('web', { url: `${web.origin}/health`, bodyContains: 'ok', group: 'Front' }),
      HealthCheck.http('broken', { url: `${web.origin}/broken`, group: 'Front' }),
      HealthCheck.tcp('db', { host: '127.0.0.1', port: tcp.port }),
      HealthCheck.tcp('refused', { host: '127.0.0.1', port: refusedPort }),
    ],
  });
  const template = Template.fromStack(stack);
  const assetDir = (resource: any) => path.join(app.outdir, resource.Metadata['aws:asset:path']);
  const layer = Object.values(template.findResources('AWS::Lambda::LayerVersion'))[0];
  const fn = (word: string): SynthesizedFunction => {
    const resource = Object.values(template.findResources('AWS::Lambda::Function'))
      .find((f: any) => f.Properties.Description.includes(word)) as any;
    return { codeDir: assetDir(resource), environment: resource.Properties.Environment.Variables };
  };
  return { layerDir: assetDir(layer), checker: fn('checker'), renderer: fn('renderer') };
}

/** Runs `handler(event)` from the asset in a fresh Node process, as Lambda would. */
async function invoke(fn: SynthesizedFunction, layerDir: string, table: string, event: unknown): Promise<any> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    // Literal values are used as synthesized; the table reference becomes the dynalite table,
    // and /opt (where Lambda mounts layers) becomes the extracted layer.
    env[key] = typeof value === 'string' ? value.replace(/^\/opt\//, `${layerDir}/`) : table;
  }
  const run = await runBundledHandler(path.join(fn.codeDir, 'index.js'), {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...env,
  }, [event]);
  if (run.code !== 0) throw new Error(`handler failed: ${run.stderr}`);
  return run.results[0];
}

function get(urlPath: string) {
  return {
    httpMethod: 'GET',
    path: urlPath,
    resource: urlPath,
    headers: { Host: 'status.example.com' },
    multiValueHeaders: { Host: ['status.example.com'] },
    queryStringParameters: null,
    pathParameters: null,
    requestContext: { stage: 'prod' },
    body: null,
    isBase64Encoded: false,
  };
}

test('the synthesized checker and renderer serve the probed status', async () => {
  const { layerDir, checker, renderer } = synthesize(await freePort());
  expect(fs.existsSync(path.join(layerDir, 'status-page', 'config.json'))).toBe(true);
  const table = await dynamo.createStatusTable();

  const run = await invoke(checker, layerDir, table, { 'source': 'aws.events', 'detail-type': 'Scheduled Event' });
  expect(run).toMatchObject({ checks: 4, down: 2 });

  const json = await invoke(renderer, layerDir, table, get('/status.json'));
  expect(json.statusCode).toBe(200);
  const body = JSON.parse(json.body);
  expect(body.checks.map((c: any) => [c.name, c.status])).toEqual([
    ['web', 'up'], ['broken', 'down'], ['db', 'up'], ['refused', 'down'],
  ]);
  expect(body.overall).toBe('down');

  const page = await invoke(renderer, layerDir, table, get('/'));
  expect(page.statusCode).toBe(200);
  expect(page.headers['Content-Type'] ?? page.headers['content-type']).toMatch(/text\/html/);
  expect(page.body).toContain('Synthesized page');
  expect(page.body).toContain('Front');

  const badge = await invoke(renderer, layerDir, table, get('/badge/db.svg'));
  expect(badge.statusCode).toBe(200);
  expect(badge.body).toMatch(/<svg[\s\S]*<\/svg>/);
});
