/**
 * Findings 1 and 3 of issue 13: a 1,000-check page and status.json must stay far below Lambda's
 * 6 MB response limit, and 100 checks must be at most 15 KB on the wire. Measured on the
 * renderer's real output (the response object as Lambda serializes it), for a realistic page and
 * for the worst shape (every day different, long names and messages).
 */
import { brotliDecompressSync } from 'node:zlib';
import { config, event, NOW } from './fixtures';
import { largeSnapshot } from './large-page';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { ApiGatewayProxyResult } from '../../../src/status-page/runtime/proxy-event';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { STATUS_JSON_PAGE_SIZE } from '../../../src/status-page/runtime/status-json';
import { proxyResultBytes, proxyResultText } from '../../helpers/proxy-response';
import { SILENT_LOG } from '../../helpers/recording-log';

const HEADER = 'x-status-page-auth';
const SECRET = 'large-page-secret';
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;
/**
 * Every response at most half the limit, even in the worst shape (uncompressed, for a client
 * that asks for no encoding); a browser's compressed page is a few percent of it.
 */
const BUDGET = LAMBDA_RESPONSE_LIMIT / 2;

function render(snapshot: PageSnapshot, path: string, acceptEncoding?: string): Promise<ApiGatewayProxyResult> {
  const renderer = createRenderer({
    config: config({ intervalSeconds: 60 }),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => snapshot,
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => SECRET) },
    now: () => NOW,
    log: SILENT_LOG,
  });
  const [pathname, query] = path.split('?');
  const queryStringParameters = query ? Object.fromEntries(new URLSearchParams(query)) : null;
  return renderer(event(pathname, { [HEADER]: SECRET, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) }, 'GET', { queryStringParameters }));
}

/** What Lambda counts against its limit: the serialized response object. */
const lambdaBytes = (r: ApiGatewayProxyResult) => Buffer.byteLength(JSON.stringify(r), 'utf8');

describe.each(['realistic', 'worst'] as const)('1,000 checks, %s shape', (shape) => {
  const snapshot = largeSnapshot(1000, { shape });

  test('the page, uncompressed and compressed, is far below the 6 MB limit and lists every check', async () => {
    const plain = await render(snapshot, '/');
    const br = await render(snapshot, '/', 'gzip, deflate, br');
    const gzip = await render(snapshot, '/', 'gzip');
    expect(plain.statusCode).toBe(200);
    expect(lambdaBytes(plain)).toBeLessThan(BUDGET);
    expect(lambdaBytes(br)).toBeLessThan(BUDGET / 15);
    expect(lambdaBytes(gzip)).toBeLessThan(BUDGET / 10);
    expect(proxyResultText(br)).toBe(plain.body);
    expect(proxyResultText(gzip)).toBe(plain.body);
    // Every check is on the page, each with one strip.
    expect(plain.body.match(/<li class="check /g)).toHaveLength(1000);
    expect(plain.body.match(/<svg class="bars"/g)).toHaveLength(1000);
  });

  test('status.json comes in pages of 200 checks, each far below the limit, together complete', async () => {
    const names: string[] = [];
    let path: string | null = 'status.json';
    let pages = 0;
    while (path) {
      const r = await render(snapshot, `/${path}`);
      expect(r.statusCode).toBe(200);
      expect(lambdaBytes(r)).toBeLessThan(BUDGET);
      const doc = JSON.parse(r.body);
      expect(doc).toMatchObject({ checkCount: 1000, page: pages + 1, pageCount: 5 });
      expect(doc.checks.length).toBeLessThanOrEqual(STATUS_JSON_PAGE_SIZE);
      expect(doc.incidents).toHaveLength(snapshot.incidents.length);
      names.push(...doc.checks.map((c: { name: string }) => c.name));
      path = doc.nextPage;
      pages++;
    }
    expect(pages).toBe(5);
    expect(names).toEqual(snapshot.checks.map((c) => c.name));
    expect((await render(snapshot, '/status.json?page=6')).statusCode).toBe(404);
    expect((await render(snapshot, '/status.json?page=0')).statusCode).toBe(404);
    expect((await render(snapshot, '/status.json?page=x')).statusCode).toBe(404);
  });
});

test('100 checks are at most 15 KB on the wire with brotli (what browsers ask for)', async () => {
  const br = await render(largeSnapshot(100), '/', 'gzip, deflate, br, zstd');
  expect(br.headers['Content-Encoding']).toBe('br');
  const bytes = proxyResultBytes(br);
  expect(bytes.length).toBeLessThanOrEqual(15 * 1024);
  expect(brotliDecompressSync(bytes).toString('utf8')).toContain('Service 99 API');
});

test('a compact page (over 30 checks) starts with fully operational groups collapsed, others open', async () => {
  const snapshot = largeSnapshot(100);
  const html = (await render(snapshot, '/')).body;
  const groups = new Map<string, boolean>();
  for (const c of snapshot.checks) groups.set(c.group!, (groups.get(c.group!) ?? true) && c.status === 'up' && !c.maintenance);
  const collapsed = [...groups.values()].filter(Boolean).length;
  expect(collapsed).toBeGreaterThan(0);
  expect(collapsed).toBeLessThan(groups.size);
  expect(html.match(/<details><summary>Show 20 checks<\/summary>/g)).toHaveLength(collapsed);
  // A page of 30 checks or fewer shows every check.
  expect((await render(largeSnapshot(30), '/')).body).not.toContain('<details><summary>Show');
});
