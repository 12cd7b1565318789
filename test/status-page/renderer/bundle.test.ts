/**
 * The artifact users get: assets/status-page/renderer.lambda/index.js (built by
 * `npx projen bundle`, which the project's test task runs first), loaded in a separate Node
 * process and called the way Lambda calls it, with the environment the construct sets.
 *
 * DynamoDB is dynalite (a real implementation of the API). Secrets Manager has no local
 * implementation, so a tiny HTTP server in this test MOCKS its GetSecretValue JSON protocol.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { event } from './fixtures';
import { seed, seededConfig } from './seed';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { runBundledHandler } from '../../helpers/bundled-handler';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { proxyResultBytes, proxyResultText } from '../../helpers/proxy-response';

const BUNDLE = resolve(__dirname, '../../../assets/status-page/renderer.lambda/index.js');
const SECRET = 'bundled-test-secret-4f1c';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:status-page-proxy-AbCdEf';
const HEADER = 'X-Status-Page-Auth';

interface SecretsRequest { target: string | undefined; body: { SecretId?: string } }

/** A mock of the Secrets Manager JSON protocol: GetSecretValue only. */
async function startSecretsManagerMock(): Promise<{ server: Server; endpoint: string; requests: SecretsRequest[] }> {
  const requests: SecretsRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const target = req.headers['x-amz-target'] as string | undefined;
      const body = raw ? JSON.parse(raw) : {};
      requests.push({ target, body });
      res.setHeader('Content-Type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue' || body.SecretId !== SECRET_ARN) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' }));
        return;
      }
      res.end(JSON.stringify({
        ARN: SECRET_ARN,
        Name: 'status-page-proxy',
        SecretString: SECRET,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1764000000,
      }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

async function invokeBundle(env: Record<string, string>, events: unknown[]) {
  const run = await runBundledHandler(BUNDLE, env, events);
  if (run.code !== 0) throw new Error(`bundle process failed:\n${run.stderr}`);
  return run;
}

let local: LocalDynamo;
let secrets: Awaited<ReturnType<typeof startSecretsManagerMock>>;
let dir: string;
beforeAll(async () => {
  local = await startDynalite();
  secrets = await startSecretsManagerMock();
  dir = mkdtempSync(join(tmpdir(), 'renderer-bundle-'));
});
afterAll(async () => {
  await local.stop();
  await new Promise<void>((r) => secrets.server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('the bundled handler serves the seeded page with the right header and refuses a wrong one', async () => {
  if (!existsSync(BUNDLE)) {
    throw new Error(`${BUNDLE} does not exist: run \`npx projen bundle\` first (the test task does).`);
  }
  const cfg = seededConfig();
  const table = await local.createStatusTable();
  await seed(documentClient(local.client), table, cfg, new Date(), 2);
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(cfg));

  const { results, stdout, stderr } = await invokeBundle({
    STATUS_TABLE_NAME: table,
    STATUS_CONFIG_PATH: configPath,
    STATUS_TEMPLATE_PATH: join(dir, 'template.mustache'), // absent: the built-in template
    STATUS_AUTH_SECRET_ARN: SECRET_ARN,
    STATUS_AUTH_HEADER_NAME: HEADER,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  }, [
    event('/', { [HEADER.toLowerCase()]: SECRET }),
    event('/', { [HEADER]: 'not-the-secret' }),
    event('/status.json', { [HEADER]: SECRET }),
    event('/badge/api.svg', {}),
    event('/', { [HEADER]: SECRET, 'accept-encoding': 'gzip, deflate, br' }),
  ]);

  const [right, wrong, json, unauthenticatedBadge, compressed] = results;
  expect(right.statusCode).toBe(200);
  expect(right.headers['Content-Type']).toBe('text/html; charset=utf-8');
  expect(right.headers['Cache-Control']).toBe('private, max-age=15');
  expect(right.body).toContain('Public API');
  expect(right.body).toContain('Partial outage');
  expect(right.body).toContain('<svg class="bars"');
  expect(right.isBase64Encoded).toBe(false);

  // A browser's Accept-Encoding gets brotli, base64-encoded for API Gateway: the same page.
  expect(compressed.headers).toMatchObject({ 'Content-Encoding': 'br', 'Vary': 'Accept-Encoding' });
  expect(compressed.isBase64Encoded).toBe(true);
  expect(proxyResultText(compressed)).toBe(right.body);
  expect(proxyResultBytes(compressed).length).toBeLessThan(right.body.length / 4);

  expect(wrong.statusCode).toBe(403);
  expect(wrong.headers['Cache-Control']).toBe('no-store');
  expect(wrong.body).not.toContain('Public API');
  expect(wrong.body).not.toContain('outage');

  expect(json.statusCode).toBe(200);
  expect(JSON.parse(json.body).checks[0]).toMatchObject({ name: 'api', displayName: 'Public API', status: 'up' });
  expect(unauthenticatedBadge.statusCode).toBe(403);

  // The SDK asked the (mocked) Secrets Manager for the configured ARN, once: the value is cached.
  expect(secrets.requests).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: SECRET_ARN } }]);
  // The secret never reaches a log line.
  expect(stdout + stderr).not.toContain(SECRET);
  // One log shape (Powertools Logger): the two refusals, as JSON entries of this service.
  const entries = `${stdout}\n${stderr}`.split('\n').filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l));
  expect(entries.map((e) => [e.level, e.service, e.message, e.reason])).toEqual([
    ['INFO', 'status-page-renderer', 'request refused by proxy-header check', 'mismatch'],
    ['INFO', 'status-page-renderer', 'request refused by proxy-header check', 'missing'],
  ]);
});

test('the bundled handler answers 503 without data when Secrets Manager fails', async () => {
  const cfg = seededConfig();
  const table = await local.createStatusTable();
  await seed(documentClient(local.client), table, cfg, new Date(), 1);
  const configPath = join(dir, 'config-2.json');
  writeFileSync(configPath, JSON.stringify(cfg));
  const { results } = await invokeBundle({
    STATUS_TABLE_NAME: table,
    STATUS_CONFIG_PATH: configPath,
    STATUS_AUTH_SECRET_ARN: `${SECRET_ARN}-unknown`,
    STATUS_AUTH_HEADER_NAME: HEADER,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  }, [event('/', { [HEADER]: SECRET })]);
  expect(results[0].statusCode).toBe(503);
  expect(results[0].body).not.toContain('Public API');
});
