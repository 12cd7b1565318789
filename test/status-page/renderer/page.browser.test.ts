// page.evaluate takes string expressions here: the test tsconfig has no DOM lib.
/**
 * What a person sees: the handler's output served as-is (status, headers including the CSP,
 * body) from a local HTTP server on 127.0.0.1, opened in headless Chromium (from the npm
 * package @sparticuz/chromium, driven by playwright-core). Screenshots go to test-reports/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { check, config, days, HOSTILE, NOW, proxyHeadersOf } from './fixtures';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { CheckStatus, PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { launchChromium } from '../../helpers/chromium';
import { sendProxyResult } from '../../helpers/proxy-response';
import { SILENT_LOG } from '../../helpers/recording-log';

const REPORTS = resolve(__dirname, '../../../test-reports');
const HEADER = 'x-status-page-auth';
const SECRET = 'browser-test-secret';

/** A realistic page: groups, every status, history with incidents and gaps, one hostile name. */
function pageSnapshot(stale: boolean): PageSnapshot {
  const history = (pattern: Record<number, CheckStatus>, firstDataDay = 0) =>
    days(NOW, (i) => (i < firstDataDay ? 'unknown' : pattern[i] ?? 'up'));
  return {
    title: 'Acme Platform Status',
    description: 'Live status of the services run by the Acme platform team.',
    generatedAt: NOW.toISOString(),
    updatedAt: new Date(NOW.getTime() - (stale ? 47 * 60_000 : 40_000)).toISOString(),
    stale,
    overall: 'down',
    incidents: [],
    maintenance: [],
    changes: [],
    checks: [
      check({ name: 'api', displayName: 'Public API', group: 'Core services', latencyMs: 84, days: history({ 23: 'degraded', 61: 'down' }), uptime: { h24: 1, d7: 1, d30: 0.9993, d90: 0.99871 } }),
      check({ name: 'web', displayName: 'Website', group: 'Core services', latencyMs: 212, days: history({ 70: 'degraded' }), uptime: { h24: 1, d7: 1, d30: 1, d90: 0.99995 } }),
      check({
        name: 'search',
        displayName: 'Search',
        group: 'Core services',
        status: 'degraded',
        latencyMs: 2380,
        message: 'Slow response: 2380 ms (threshold 1500 ms)',
        days: history({ 89: 'degraded', 88: 'degraded', 40: 'down' }),
        uptime: { h24: 0.9986, d7: 0.9991, d30: 0.9979, d90: 0.9968 },
      }),
      check({
        name: 'db',
        displayName: 'Primary database',
        group: 'Data',
        status: 'down',
        latencyMs: 5000,
        message: 'connect ETIMEDOUT 10.0.3.17:5432',
        since: new Date(NOW.getTime() - 25 * 60_000).toISOString(),
        days: history({ 89: 'down', 12: 'down' }),
        uptime: { h24: 0.9826, d7: 0.9975, d30: 0.9994, d90: 0.9998 },
      }),
      check({ name: 'queue', displayName: 'Message queue', group: 'Data', latencyMs: 31, days: history({}, 62), uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } }),
      check({
        name: 'hostile',
        displayName: HOSTILE.script,
        group: 'Untrusted input',
        status: 'unknown',
        latencyMs: undefined,
        lastCheckedAt: undefined,
        since: undefined,
        message: HOSTILE.img,
        days: history({}, 90),
        uptime: { h24: null, d7: null, d30: null, d90: null },
      }),
    ],
  };
}

let browser: Browser;
let server: Server;
let base: string;
let currentSnapshot: PageSnapshot = pageSnapshot(false);

beforeAll(async () => {
  mkdirSync(REPORTS, { recursive: true });
  const render = createRenderer({
    config: config({ intervalSeconds: 60 }),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => currentSnapshot,
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => SECRET) },
    now: () => NOW,
    log: SILENT_LOG,
  });
  // The handler's result, served as-is: status, every header (CSP included), body.
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { headers, multiValueHeaders } = proxyHeadersOf(req);
    render({ httpMethod: req.method ?? 'GET', path: url.pathname, resource: url.pathname === '/' ? '/' : '/{proxy+}', headers, multiValueHeaders })
      .then((out) => sendProxyResult(res, out))
      .catch((e) => { res.statusCode = 599; res.end(String(e)); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

interface Opened { page: Page; dialogs: string[]; console: string[]; status: number | undefined; csp: string | undefined }

async function open(path: string, options: { auth?: boolean; width?: number; dark?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1100, height: 900 },
    colorScheme: options.dark ? 'dark' : 'light',
    extraHTTPHeaders: options.auth === false ? {} : { [HEADER]: SECRET },
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  const response = await page.goto(`${base}${path}`);
  return { page, dialogs, console: consoleLines, status: response?.status(), csp: response?.headers()['content-security-policy'] };
}

test('the page shows the overall status, every check with its status text and its 90-day strip, and the hostile name as text', async () => {
  currentSnapshot = pageSnapshot(false);
  const { page, dialogs, console: consoleLines, status, csp } = await open('/');
  expect(status).toBe(200);
  expect(csp).toContain("default-src 'none'");

  await expect(page.locator('.banner').innerText()).resolves.toContain('Partial outage');
  expect(await page.locator('.banner').isVisible()).toBe(true);
  expect(await page.locator('h1').innerText()).toBe('Acme Platform Status');

  const expected: Array<[string, string]> = [
    ['Public API', 'Operational'], ['Website', 'Operational'], ['Search', 'Degraded'],
    ['Primary database', 'Down'], ['Message queue', 'Operational'], [HOSTILE.script, 'Unknown'],
  ];
  const rows = page.locator('li.check');
  expect(await rows.count()).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const row = rows.nth(i);
    expect(await row.locator('h3').innerText()).toBe(expected[i][0]);
    expect(await row.locator('h3').isVisible()).toBe(true);
    expect(await row.locator('.pill').innerText()).toBe(expected[i][1]);
    expect(await row.locator('.pill').isVisible()).toBe(true);
    const strip = row.locator('svg.bars');
    expect(await strip.count()).toBe(1);
    const box = await strip.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(15);
    // The strip's days add up to 90 (one viewBox unit per day).
    const spans = (await strip.locator('path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? '')))
      .flatMap((d) => [...d.matchAll(/h(\d+)/g)].map((m) => Number(m[1])));
    expect(spans.reduce((a, b) => a + b, 0)).toBe(90);
  }
  expect(await page.locator('.group h2').allInnerTexts()).toEqual(['Core services', 'Data', 'Untrusted input']);
  // The days behind the strip: closed until the strip is selected.
  expect(await rows.nth(3).locator('.days').isVisible()).toBe(false);
  await rows.nth(3).locator('summary').click();
  expect(await rows.nth(3).locator('.days li').first().innerText()).toBe('2026-11-26: Down, 90.00% up');
  expect(await rows.nth(3).locator('.message').innerText()).toBe('connect ETIMEDOUT 10.0.3.17:5432');
  expect(await rows.nth(0).locator('.uptime').innerText()).toContain('99.87%');

  // Hostile strings are literal text; nothing they contain became an element or ran.
  expect(await page.getByText(HOSTILE.script, { exact: true }).isVisible()).toBe(true);
  expect(await page.getByText(HOSTILE.img, { exact: true }).isVisible()).toBe(true);
  expect(await page.locator('script, img').count()).toBe(0);
  expect(dialogs).toEqual([]);
  expect(consoleLines).toEqual([]);
  expect(await page.locator('.stale').count()).toBe(0);
  expect(await page.locator('footer').innerText()).toContain('Last updated 2026-11-26 11:59 UTC');

  await page.screenshot({ path: join(REPORTS, 'status-page.png'), fullPage: true });
  await page.context().close();
});

test('stale data shows a visible notice', async () => {
  currentSnapshot = pageSnapshot(true);
  const { page } = await open('/');
  const notice = page.locator('.stale');
  expect(await notice.isVisible()).toBe(true);
  expect(await notice.innerText()).toContain('Status data is 47 minutes old.');
  await page.screenshot({ path: join(REPORTS, 'status-page-stale.png'), fullPage: false });
  await page.context().close();
});

test('dark mode and a phone-sized screen', async () => {
  currentSnapshot = pageSnapshot(false);
  const light = await open('/');
  const dark = await open('/', { dark: true, width: 390 });
  const bg = (p: Page) => p.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  expect(await bg(light.page)).toBe('rgb(244, 246, 248)');
  expect(await bg(dark.page)).toBe('rgb(14, 18, 23)');
  // Nothing overflows sideways on a 390 px screen.
  const overflow = await dark.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  expect(await dark.page.locator('li.check').first().locator('svg.bars').isVisible()).toBe(true);
  await dark.page.screenshot({ path: join(REPORTS, 'status-page-dark-mobile.png'), fullPage: true });
  await light.page.context().close();
  await dark.page.context().close();
});

test('a badge is a well-formed SVG with the hostile name as text', async () => {
  currentSnapshot = pageSnapshot(false);
  const { page, status, dialogs } = await open('/badge/hostile.svg');
  expect(status).toBe(200);
  // A malformed XML document would render Chromium's parser-error page instead of an <svg> root.
  expect(await page.evaluate('document.documentElement.namespaceURI')).toBe('http://www.w3.org/2000/svg');
  expect(await page.evaluate("document.querySelector('title')?.textContent")).toBe(`${HOSTILE.script}: unknown`);
  expect(await page.evaluate("document.getElementsByTagName('parsererror').length")).toBe(0);
  expect(await page.evaluate("document.getElementsByTagName('script').length")).toBe(0);
  expect(dialogs).toEqual([]);
  await page.screenshot({ path: join(REPORTS, 'status-page-badge.png'), clip: { x: 0, y: 0, width: 300, height: 20 } });
  await page.context().close();
});

test('without the proxy header the browser gets a 403 page with no status data', async () => {
  currentSnapshot = pageSnapshot(false);
  const { page, status } = await open('/', { auth: false });
  expect(status).toBe(403);
  const text = await page.locator('body').innerText();
  expect(text).toContain('Forbidden');
  for (const word of ['Acme', 'Public API', 'Primary database', 'outage', 'Operational']) expect(text).not.toContain(word);
  await page.context().close();
});
