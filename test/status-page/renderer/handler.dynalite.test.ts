/**
 * The renderer against a real DynamoDB API (dynalite, in-process), seeded by the store's own
 * recordRun and read through the real readSnapshot.
 *
 * Secrets Manager has no local implementation: these tests inject an in-process secret source
 * (CachedSecret over a function). The bundled-handler test talks to a mock of its HTTP API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { event, HOSTILE } from './fixtures';
import { seed, seededConfig } from './seed';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { StatusPageConfig } from '../../../src/status-page/runtime/model';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { readSnapshot } from '../../../src/status-page/runtime/read-snapshot';
import { createLambdaHandler } from '../../../src/status-page/runtime/renderer-environment';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { LocalDynamo, startDynalite } from '../../helpers/dynalite';
import { SILENT_LOG } from '../../helpers/recording-log';

const SECRET = 'dynalite-test-secret';
const HEADER = 'X-Status-Page-Auth';

let local: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  local = await startDynalite();
  doc = documentClient(local.client);
});
afterAll(async () => { await local.stop(); });

function renderer(table: string, cfg: StatusPageConfig, now: Date, secret: string | null = SECRET) {
  return createRenderer({
    config: cfg,
    template: DEFAULT_TEMPLATE,
    readSnapshot: (at) => readSnapshot(doc, table, cfg, at),
    auth: secret === null ? undefined : { headerName: HEADER, secret: new CachedSecret(async () => secret) },
    now: () => now,
    log: SILENT_LOG,
  });
}

describe('renderer over dynalite', () => {
  test('serves what the checker stored: HTML, JSON and badges', async () => {
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    const now = new Date();
    await seed(doc, table, cfg, new Date(now.getTime() - 30_000));
    const render = renderer(table, cfg, now);
    const auth = { [HEADER]: SECRET };

    const page = await render(event('/', auth));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Partial outage');
    expect(page.body).toContain('Public API');
    expect(page.body).toContain('<h2>Data</h2>');
    expect(page.body).toContain('Slow response: 2400 ms');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;&#x2F;script&gt;');
    expect(page.body).not.toMatch(/<script|<img/i);
    expect(page.body).not.toContain('class="stale"');

    const json = JSON.parse((await render(event('/status.json', auth))).body);
    expect(json.overall).toBe('down');
    expect(json.stale).toBe(false);
    expect(json.checks.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['api', 'up'], ['web', 'degraded'], ['db', 'down'], ['hostile', 'down'],
    ]);
    expect(json.checks[0]).toMatchObject({ displayName: 'Public API', group: 'Core', latencyMs: 87, message: null });
    expect(json.checks[3]).toMatchObject({ displayName: HOSTILE.script, group: HOSTILE.img, message: HOSTILE.closeScript });
    expect(json.checks[0].days).toHaveLength(90);
    expect(json.checks[0].uptime['24h']).toBe(1);
    expect(json.checks[2].uptime['24h']).toBe(0);

    const badge = await render(event('/badge/web.svg', auth));
    expect(badge.statusCode).toBe(200);
    expect(badge.body).toContain('<title>Website: degraded</title>');
    expect((await render(event('/badge/nope.svg', auth))).statusCode).toBe(404);
  });

  test('refuses a missing, wrong or duplicated header with a 403 that shows no data', async () => {
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    await seed(doc, table, cfg, new Date(), 1);
    const render = renderer(table, cfg, new Date());
    const variants: Array<Record<string, string | string[]>> = [{}, { [HEADER]: 'wrong' }, { [HEADER]: [SECRET, SECRET] }];
    for (const headers of variants) {
      const res = await render(event('/status.json', headers));
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('Public API');
      expect(res.body).not.toContain('api');
    }
  });

  test('old data shows the stale notice; an empty table shows "no data yet"', async () => {
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    const now = new Date();
    await seed(doc, table, cfg, new Date(now.getTime() - 20 * 60_000), 1);
    const page = await renderer(table, cfg, now)(event('/', { [HEADER]: SECRET }));
    expect(page.body).toContain('class="stale"');
    expect(page.body).toMatch(/Status data is 2\d minutes old\./);

    const empty = await local.createStatusTable();
    const blank = await renderer(empty, cfg, now, null)(event('/', {}));
    expect(blank.statusCode).toBe(200);
    expect(blank.body).toContain('No status data has been recorded yet.');
    expect(blank.body).toContain('Status not yet known');
  });

  test('a missing table is a 503 without data', async () => {
    const cfg = seededConfig();
    const res = await renderer('no-such-table', cfg, new Date())(event('/', { [HEADER]: SECRET }));
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('Public API');
    expect(res.headers['Cache-Control']).toBe('no-store');
  });
});

describe('createLambdaHandler (environment, files, SDK clients) over dynalite', () => {
  const saved = { ...process.env };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'renderer-env-'));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = local.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  test('public page, template file missing -> the default template', async () => {
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    await seed(doc, table, cfg, new Date(), 1);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const handler = createLambdaHandler({
      STATUS_TABLE_NAME: table,
      STATUS_CONFIG_PATH: join(dir, 'config.json'),
      STATUS_TEMPLATE_PATH: join(dir, 'missing.mustache'),
    }, SILENT_LOG);
    const res = await handler(event('/', {}));
    expect(res.statusCode).toBe(200);
    expect(res.headers['Cache-Control']).toBe('public, max-age=15');
    expect(res.body).toContain('<meta name="color-scheme" content="light dark">');
    expect(res.body).toContain('Public API');
  });

  test('a custom template file is used', async () => {
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    await seed(doc, table, cfg, new Date(), 1);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    writeFileSync(join(dir, 'custom.mustache'), '<p>{{overallText}}</p>{{#checks}}<i>{{displayName}}</i>{{/checks}}');
    const handler = createLambdaHandler({
      STATUS_TABLE_NAME: table,
      STATUS_CONFIG_PATH: join(dir, 'config.json'),
      STATUS_TEMPLATE_PATH: join(dir, 'custom.mustache'),
    }, SILENT_LOG);
    const res = await handler(event('/', {}));
    expect(res.body).toBe('<p>Partial outage</p><i>Public API</i><i>Website</i><i>Database</i><i>&lt;script&gt;alert(1)&lt;&#x2F;script&gt;</i>');
  });

  test('a secret ARN that is set but empty refuses everything (fail closed)', async () => {
    const cfg = seededConfig();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    const handler = createLambdaHandler({
      STATUS_TABLE_NAME: 'whatever',
      STATUS_CONFIG_PATH: join(dir, 'config.json'),
      STATUS_AUTH_SECRET_ARN: '',
      STATUS_AUTH_HEADER_NAME: HEADER,
    }, SILENT_LOG);
    const res = await handler(event('/', { [HEADER]: '' }));
    expect(res.statusCode).toBe(503);
    expect(res.body).not.toContain('Public API');
  });

  test('missing configuration is a 503 without data, and is retried on the next request', async () => {
    const env: Record<string, string> = { STATUS_TABLE_NAME: 'x', STATUS_CONFIG_PATH: join(dir, 'later.json') };
    const handler = createLambdaHandler(env, SILENT_LOG);
    const res = await handler(event('/', {}));
    expect(res.statusCode).toBe(503);
    expect(res.headers['Cache-Control']).toBe('no-store');
    const cfg = seededConfig();
    const table = await local.createStatusTable();
    await seed(doc, table, cfg, new Date(), 1);
    writeFileSync(join(dir, 'later.json'), JSON.stringify(cfg));
    env.STATUS_TABLE_NAME = table;
    expect((await handler(event('/', {}))).statusCode).toBe(200);
  });
});
