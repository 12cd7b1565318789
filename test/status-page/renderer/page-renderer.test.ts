import { check, config, event, HOSTILE, NOW, snapshot } from './fixtures';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { CONTENT_SECURITY_POLICY } from '../../../src/status-page/runtime/http-responses';
import { PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer, RendererDependencies } from '../../../src/status-page/runtime/page-renderer';
import { ApiGatewayProxyResult } from '../../../src/status-page/runtime/proxy-event';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { LogEntry, RecordingLog } from '../../helpers/recording-log';

const SECRET = 'correct-horse-battery-staple';
const HEADER = 'x-status-page-auth';
const AUTH = { [HEADER]: SECRET };

interface Harness {
  readonly render: ReturnType<typeof createRenderer>;
  readonly reads: jest.Mock;
  readonly logs: LogEntry[];
}

function harness(overrides: Partial<RendererDependencies> & { snap?: PageSnapshot; secret?: string | null } = {}): Harness {
  const log = new RecordingLog();
  const logs = log.entries;
  const reads = jest.fn(async () => overrides.snap ?? snapshot());
  const secret = overrides.secret === undefined ? SECRET : overrides.secret;
  const render = createRenderer({
    config: config(),
    template: DEFAULT_TEMPLATE,
    readSnapshot: reads,
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: secret === null ? undefined : { headerName: HEADER, secret: new CachedSecret(async () => secret) },
    now: () => NOW,
    log,
    ...overrides,
  });
  return { render, reads, logs };
}

const CHECK_WORDS = ['Public API', 'Website', 'Database', 'Core', 'Acme', 'Operational', 'api', 'web'];

function expectNoStatusData(res: ApiGatewayProxyResult) {
  for (const word of CHECK_WORDS) expect(res.body).not.toContain(word);
  expect(res.body).not.toContain(SECRET);
  expect(res.headers['Cache-Control']).toBe('no-store');
}

function expectSecurityHeaders(res: ApiGatewayProxyResult) {
  expect(res.headers).toMatchObject({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
}

describe('proxy-header auth', () => {
  test('the right header serves the page', async () => {
    const { render } = harness();
    const res = await render(event('/', AUTH));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Public API');
  });

  test('the header name matches in any case', async () => {
    const { render } = harness();
    expect((await render(event('/', { 'X-Status-Page-AUTH': SECRET }))).statusCode).toBe(200);
  });

  test.each([
    ['missing', {}],
    ['wrong', { [HEADER]: 'wrong' }],
    ['wrong, same length', { [HEADER]: SECRET.replace(/.$/, '!') }],
    ['duplicated', { [HEADER]: [SECRET, SECRET] }],
    ['duplicated with a wrong copy', { [HEADER]: ['x', SECRET] }],
  ])('%s header -> 403 without data, for every route, without reading the store', async (_, headers) => {
    const { render, reads, logs } = harness();
    for (const path of ['/', '/status.json', '/badge/api.svg', '/nope']) {
      const res = await render(event(path, headers as Record<string, string>));
      expect(res.statusCode).toBe(403);
      expectNoStatusData(res);
      expectSecurityHeaders(res);
    }
    expect(reads).not.toHaveBeenCalled();
    expect(logs.map((e) => [e.level, e.message])).toEqual(Array(4).fill(['info', 'request refused by proxy-header check']));
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  test('every refusal looks the same (no hint which rule failed)', async () => {
    const { render } = harness();
    const bodies = new Set<string>();
    const variants: Array<Record<string, string | string[]>> = [{}, { [HEADER]: 'wrong' }, { [HEADER]: [SECRET, SECRET] }];
    for (const h of variants) {
      bodies.add((await render(event('/', h))).body);
    }
    expect(bodies.size).toBe(1);
  });

  test('an empty configured secret rejects everything with 503 (fail closed)', async () => {
    const { render, reads } = harness({ secret: '' });
    for (const headers of [{}, { [HEADER]: '' }, AUTH]) {
      const res = await render(event('/', headers));
      expect(res.statusCode).toBe(503);
      expectNoStatusData(res);
      expect(res.body).toContain('not configured');
    }
    expect(reads).not.toHaveBeenCalled();
  });

  test('a Secrets Manager failure is a 503 without data, logged without the secret', async () => {
    const { render, logs } = harness({
      auth: { headerName: HEADER, secret: { getSecret: async () => { throw new Error('AccessDeniedException: not allowed'); } } },
    });
    const res = await render(event('/', AUTH));
    expect(res.statusCode).toBe(503);
    expectNoStatusData(res);
    expect(logs).toEqual([{
      level: 'error',
      message: 'could not read the proxy secret',
      fields: expect.objectContaining({ errorName: 'Error', errorMessage: 'AccessDeniedException: not allowed' }),
    }]);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  test('a rotated secret is accepted without waiting for the cache to expire', async () => {
    let value = 'old-secret';
    let clock = 0;
    const source = new CachedSecret(async () => value, { now: () => clock });
    const { render } = harness({ auth: { headerName: HEADER, secret: source } });
    expect((await render(event('/', { [HEADER]: 'old-secret' }))).statusCode).toBe(200);
    value = 'new-secret';
    clock += 60_000;
    expect((await render(event('/', { [HEADER]: 'new-secret' }))).statusCode).toBe(200);
    expect((await render(event('/', { [HEADER]: 'old-secret' }))).statusCode).toBe(403);
  });

  test('public mode (no secret configured) serves without any header', async () => {
    const { render } = harness({ secret: null });
    const res = await render(event('/', {}));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Public API');
    expect(res.headers['Cache-Control']).toBe('public, max-age=15');
  });
});

describe('routes, methods and headers', () => {
  test('GET / is HTML with private caching and security headers', async () => {
    const { render } = harness();
    const res = await render(event('/', AUTH));
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers['Cache-Control']).toBe('private, max-age=15');
    expect(res.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expectSecurityHeaders(res);
    expect(res.isBase64Encoded).toBe(false);
  });

  test('max-age is a quarter of the interval, capped at 60 s', async () => {
    const { render } = harness({ config: config({ intervalSeconds: 3600 }) });
    expect((await render(event('/', AUTH))).headers['Cache-Control']).toBe('private, max-age=60');
    const fast = harness({ config: config({ intervalSeconds: 2 }) });
    expect((await fast.render(event('/', AUTH))).headers['Cache-Control']).toBe('private, max-age=1');
  });

  test.each([
    ['/', 'text/html; charset=utf-8'],
    ['/status.json', 'application/json; charset=utf-8'],
    ['/status.json/', 'application/json; charset=utf-8'],
    ['/prod/status.json', 'application/json; charset=utf-8'],
    ['/status/badge/api.svg', 'image/svg+xml; charset=utf-8'],
    ['/badge/api.svg/', 'image/svg+xml; charset=utf-8'],
  ])('GET %s -> 200 %s', async (path, type) => {
    const { render } = harness();
    const res = await render(event(path, AUTH));
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe(type);
    expect(res.headers['Cache-Control']).toBe('private, max-age=15');
    expectSecurityHeaders(res);
  });

  test('the root under a custom-domain base path is the page (resource "/")', async () => {
    const { render } = harness();
    const res = await render(event('/status/', AUTH, 'GET', { resource: '/' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
  });

  test('HEAD returns the GET status and headers without a body', async () => {
    const { render } = harness();
    for (const path of ['/', '/status.json', '/badge/api.svg']) {
      const get = await render(event(path, AUTH));
      const head = await render(event(path, AUTH, 'HEAD'));
      expect(head.statusCode).toBe(200);
      expect(head.headers).toEqual(get.headers);
      expect(head.body).toBe('');
      expect(get.body).not.toBe('');
    }
    const refused = await render(event('/', {}, 'HEAD'));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toBe('');
  });

  test.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('%s -> 405 with Allow', async (method) => {
    const { render, reads } = harness();
    const res = await render(event('/', AUTH, method));
    expect(res.statusCode).toBe(405);
    expect(res.headers.Allow).toBe('GET, HEAD');
    expectNoStatusData(res);
    expectSecurityHeaders(res);
    expect(reads).not.toHaveBeenCalled();
  });

  test.each(['/nope', '/status.html', '/badge/', '/badge/api', '/badge/api.png', '/status.json/extra', '/badge/%E0%A4%A.svg'])(
    'GET %s -> 404 without data', async (path) => {
      const { render, reads } = harness();
      const res = await render(event(path, AUTH));
      expect(res.statusCode).toBe(404);
      expectNoStatusData(res);
      expectSecurityHeaders(res);
      expect(reads).not.toHaveBeenCalled();
    });

  test('an unknown badge -> 404 that does not list the known names', async () => {
    const { render } = harness();
    const res = await render(event('/badge/unknown.svg', AUTH));
    expect(res.statusCode).toBe(404);
    expectNoStatusData(res);
  });

  test('a failing store is a 503 without data', async () => {
    const { render, logs } = harness({ readSnapshot: async () => { throw new Error('ProvisionedThroughputExceededException'); } });
    for (const path of ['/', '/status.json', '/badge/api.svg']) {
      const res = await render(event(path, AUTH));
      expect(res.statusCode).toBe(503);
      expect(res.headers['Retry-After']).toBe('30');
      expectNoStatusData(res);
      expectSecurityHeaders(res);
    }
    expect((await render(event('/status.json', AUTH))).headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(logs).toHaveLength(4);
    expect(logs.every((e) => e.level === 'error' && e.message === 'could not read the status snapshot'
      && e.fields.errorMessage === 'ProvisionedThroughputExceededException')).toBe(true);
  });

  test('a broken custom template is a 500 without data; JSON and badges still work', async () => {
    const { render } = harness({ template: '<h1>{{#checks}}unclosed' });
    const res = await render(event('/', AUTH));
    expect(res.statusCode).toBe(500);
    expectNoStatusData(res);
    expect((await render(event('/status.json', AUTH))).statusCode).toBe(200);
  });

  test('a custom template gets the documented view', async () => {
    const { render } = harness({ template: '{{title}}|{{overallText}}|{{#checks}}{{name}}={{statusText}}:{{uptime.d7}};{{/checks}}' });
    const res = await render(event('/', AUTH));
    expect(res.body).toBe('Acme status|All systems operational|api=Operational:99.95%;web=Operational:99.95%;db=Operational:99.95%;');
  });
});

describe('status.json', () => {
  test('has the documented public shape', async () => {
    const { render } = harness({
      snap: snapshot({
        overall: 'degraded',
        checks: [check({ name: 'api', displayName: 'Public API', group: 'Core', status: 'degraded', message: 'slow', latencyMs: 900 })],
      }),
    });
    const body = JSON.parse((await render(event('/status.json', AUTH))).body);
    // The v1 fields first, in their order; the fields added since follow them.
    expect(Object.keys(body)).toEqual([
      'schemaVersion', 'title', 'description', 'overall', 'updatedAt', 'generatedAt', 'stale', 'checks',
      'checkCount', 'page', 'pageCount', 'nextPage', 'incidents', 'maintenance', 'changes',
    ]);
    expect(body).toMatchObject({
      schemaVersion: 1,
      title: 'Acme status',
      overall: 'degraded',
      updatedAt: '2026-11-26T11:59:00.000Z',
      generatedAt: '2026-11-26T12:00:00.000Z',
      stale: false,
    });
    expect(body.checks).toHaveLength(1);
    const c = body.checks[0];
    expect(Object.keys(c)).toEqual(['name', 'displayName', 'group', 'status', 'message', 'latencyMs', 'lastCheckedAt', 'since', 'certExpiresAt', 'uptime', 'days', 'latency24h', 'maintenance']);
    expect(c).toMatchObject({
      name: 'api',
      displayName: 'Public API',
      group: 'Core',
      status: 'degraded',
      message: 'slow',
      latencyMs: 900,
      certExpiresAt: null,
      uptime: { '24h': 1, '7d': 0.9995, '30d': 0.99951, '90d': null },
    });
    expect(c.days).toHaveLength(90);
    expect(c.days[89]).toEqual({ date: '2026-11-26', uptime: 1, worst: 'up' });
    expect(body).toMatchObject({ checkCount: 1, page: 1, pageCount: 1, nextPage: null, incidents: [], maintenance: [], changes: [] });
    expect(c).toMatchObject({ latency24h: [], maintenance: null });
  });

  test('missing values are null, not absent', async () => {
    const { render } = harness({
      snap: snapshot({ updatedAt: undefined, description: undefined, stale: true, overall: 'unknown', checks: [{ name: 'x', displayName: 'X', status: 'unknown', uptime: { h24: null, d7: null, d30: null, d90: null }, days: [], latency24h: [] }] }),
    });
    const body = JSON.parse((await render(event('/status.json', AUTH))).body);
    expect(body).toMatchObject({ description: null, updatedAt: null, stale: true, overall: 'unknown' });
    expect(body.checks[0]).toMatchObject({ group: null, message: null, latencyMs: null, lastCheckedAt: null, since: null });
  });
});

describe('badges', () => {
  test.each([
    ['up', '#44cc11'],
    ['degraded', '#dfb317'],
    ['down', '#e05d44'],
    ['unknown', '#9f9f9f'],
  ] as const)('%s badge is %s with the status word', async (status, color) => {
    const { render } = harness({ snap: snapshot({ checks: [check({ name: 'api', displayName: 'Public API', status })] }) });
    const res = await render(event('/badge/api.svg', AUTH));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.body).toContain(`fill="${color}"`);
    expect(res.body).toContain(`<title>Public API: ${status}</title>`);
    expect(res.body).toContain(`>${status}</text>`);
    for (const other of ['#44cc11', '#dfb317', '#e05d44', '#9f9f9f'].filter((c) => c !== color)) {
      expect(res.body).not.toContain(other);
    }
  });

  test('the badge name in the path is URL-decoded', async () => {
    const { render } = harness({ snap: snapshot({ checks: [check({ name: 'my api', displayName: 'Mine' })] }) });
    const res = await render(event('/badge/my%20api.svg', AUTH));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Mine: up</title>');
  });
});

describe('hostile names, groups and messages', () => {
  const hostile = Object.values(HOSTILE);
  const snap = snapshot({
    title: `${HOSTILE.script} title`,
    description: HOSTILE.img,
    checks: hostile.map((h, i) => check({ name: `h${i}`, displayName: h, group: h, message: h, status: 'down' })),
    overall: 'down',
  });

  test('are escaped in the HTML page', async () => {
    const { render } = harness({ snap });
    const html = (await render(event('/', AUTH))).body;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).not.toContain('onerror=');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;&#x2F;script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('It&#39;s &quot;quoted&quot; &amp; &#39;single&#39; &#x60;tick&#x60;');
    expect(html).toContain('Zürich 東京 🚀');
  });

  test('round-trip exactly through JSON', async () => {
    const { render } = harness({ snap });
    const res = await render(event('/status.json', AUTH));
    expect(res.body).not.toContain('<');
    expect(res.body).not.toContain('>');
    const body = JSON.parse(res.body);
    expect(body.title).toBe(`${HOSTILE.script} title`);
    expect(body.description).toBe(HOSTILE.img);
    expect(body.checks.map((c: { displayName: string }) => c.displayName)).toEqual(hostile);
    expect(body.checks.map((c: { group: string }) => c.group)).toEqual(hostile);
    expect(body.checks.map((c: { message: string }) => c.message)).toEqual(hostile);
  });

  test('are escaped in the SVG badge', async () => {
    const { render } = harness({ snap });
    for (let i = 0; i < hostile.length; i++) {
      const svg = (await render(event(`/badge/h${i}.svg`, AUTH))).body;
      expect(svg).not.toMatch(/<script|<img|<\/script/i);
      // Text content and attribute values carry no raw markup characters.
      const texts = [...svg.matchAll(/>([^<]*)</g)].map((m) => m[1]);
      for (const t of texts) expect(t).not.toMatch(/["'<>]|&(?!(amp|lt|gt|quot|apos);)/);
      const attributes = [...svg.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
      for (const a of attributes) expect(a).not.toMatch(/[<>']|&(?!(amp|lt|gt|quot|apos);)/);
    }
    const svg = (await render(event('/badge/h0.svg', AUTH))).body;
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('control characters never reach the badge (XML would reject them)', async () => {
    const { render } = harness({ snap: snapshot({ checks: [check({ name: 'c', displayName: 'a\u0000b\u001bc\uD800d' })] }) });
    const svg = (await render(event('/badge/c.svg', AUTH))).body;
    expect(svg).toContain('<title>abcd: up</title>');
  });
});
