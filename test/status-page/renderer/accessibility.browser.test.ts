// page.evaluate takes string expressions here: the test tsconfig has no DOM lib.
/**
 * Issue 13, findings 7 and 8 (display): the default page in headless Chromium (from the npm
 * package @sparticuz/chromium, driven by playwright-core), served as API Gateway would serve the
 * renderer's result.
 *
 *  - axe-core finds no WCAG 2.2 A/AA violation, light and dark, at 1280 and 390 px;
 *  - every bar color has at least 3:1 contrast against the row it sits on (computed here from
 *    the colors the browser resolved, not read from the CSS);
 *  - the days behind a strip open with the keyboard alone (Tab to it, Enter), no JavaScript;
 *  - at least 12 checks are in view on a 1280 x 900 screen;
 *  - incidents, maintenance, the 14-day timeline and the 24-hour latency chart are shown.
 *
 * With UPDATE_SCREENSHOTS=1, screenshots of the showcase page go to docs/ (for the README).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { check, config, days, NOW, proxyHeadersOf } from './fixtures';
import { largeSnapshot } from './large-page';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { CheckStatus, LatencyHour, PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer } from '../../../src/status-page/runtime/page-renderer';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { launchChromium } from '../../helpers/chromium';
import { sendProxyResult } from '../../helpers/proxy-response';
import { SILENT_LOG } from '../../helpers/recording-log';

const DOCS = resolve(__dirname, '../../../docs');
const HEADER = 'x-status-page-auth';
const SECRET = 'a11y-test-secret';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const HOUR = 3_600_000;

function latency(base: number, slowHour = -1): LatencyHour[] {
  return Array.from({ length: 24 }, (_, h) => ({
    hour: new Date(Math.floor(NOW.getTime() / HOUR) * HOUR - (24 - h) * HOUR).toISOString(),
    p50Ms: base + ((h * 7) % 11),
    p95Ms: h === slowHour ? base * 6 : Math.round(base * 1.8) + ((h * 13) % 17),
  }));
}

/** The page the README shows: every status, an active incident, maintenance, a timeline, latency. */
function showcase(): PageSnapshot {
  const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
  const history = (pattern: Record<number, CheckStatus>) => days(NOW, (i) => pattern[i] ?? 'up');
  const maintenance = { id: 'db-upgrade', message: 'Database upgrade to PostgreSQL 17', checks: ['reports'], start: at(HOUR), end: at(-HOUR), active: true };
  const checks = [
    check({ name: 'api', displayName: 'Public API', group: 'Core services', latencyMs: 84, latency24h: latency(80, 20), days: history({ 23: 'degraded', 61: 'down' }), uptime: { h24: 1, d7: 1, d30: 0.9993, d90: 0.99871 } }),
    check({ name: 'web', displayName: 'Website', group: 'Core services', latencyMs: 212, latency24h: latency(200), days: history({ 70: 'degraded' }), uptime: { h24: 1, d7: 1, d30: 1, d90: 0.99995 } }),
    check({ name: 'search', displayName: 'Search', group: 'Core services', status: 'degraded', latencyMs: 2380, latency24h: latency(900, 22), message: 'Slow response: 2380 ms (threshold 1500 ms)', days: history({ 89: 'degraded', 88: 'degraded', 40: 'down' }), uptime: { h24: 0.9986, d7: 0.9991, d30: 0.9979, d90: 0.9968 } }),
    check({ name: 'login', displayName: 'Sign-in', group: 'Core services', latencyMs: 140, latency24h: latency(130), uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } }),
    check({ name: 'db', displayName: 'Primary database', group: 'Data', status: 'down', latencyMs: 5000, latency24h: latency(30, 23), message: 'connect ETIMEDOUT 10.0.3.17:5432', since: at(25 * 60_000), days: history({ 89: 'down', 12: 'down' }), uptime: { h24: 0.9826, d7: 0.9975, d30: 0.9994, d90: 0.9998 } }),
    check({ name: 'queue', displayName: 'Message queue', group: 'Data', latencyMs: 31, latency24h: latency(30), days: days(NOW, (i) => (i < 62 ? 'unknown' : 'up')), uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } }),
    check({ name: 'reports', displayName: 'Reports', group: 'Data', latencyMs: 410, latency24h: latency(400), maintenance, uptime: { h24: 1, d7: 1, d30: 1, d90: 0.9999 } }),
    check({ name: 'cdn', displayName: 'CDN', group: 'Edge', latencyMs: 18, latency24h: latency(18), uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } }),
    check({ name: 'dns', displayName: 'DNS', group: 'Edge', latencyMs: 9, latency24h: latency(9), uptime: { h24: 1, d7: 1, d30: 1, d90: 1 } }),
  ];
  return {
    title: 'Acme Platform Status',
    description: 'Live status of the services run by the Acme platform team.',
    generatedAt: NOW.toISOString(),
    updatedAt: at(40_000),
    stale: false,
    overall: 'down',
    checks,
    incidents: [
      {
        id: 'db-outage',
        title: 'Primary database unreachable',
        impact: 'major',
        checks: ['db'],
        startedAt: at(24 * 60_000),
        updates: [
          { at: at(24 * 60_000), state: 'investigating', message: 'Connections to the primary database time out; writes fail.' },
          { at: at(10 * 60_000), state: 'identified', message: 'A failed storage volume; failing over to the replica.' },
        ],
      },
      {
        id: 'search-slow',
        title: 'Slow search results',
        impact: 'minor',
        checks: ['search'],
        startedAt: at(3 * 24 * HOUR),
        resolvedAt: at(3 * 24 * HOUR - 2 * HOUR),
        updates: [
          { at: at(3 * 24 * HOUR), state: 'investigating', message: 'Search answers in several seconds.' },
          { at: at(3 * 24 * HOUR - 2 * HOUR), state: 'resolved', message: 'The index was rebuilt; answers are fast again.' },
        ],
      },
    ],
    maintenance: [
      maintenance,
      { id: 'network', message: 'Network switch replacement', checks: [], start: at(-3 * 24 * HOUR), end: at(-3 * 24 * HOUR - 2 * HOUR), active: false },
    ],
    changes: [
      { at: at(25 * 60_000), check: 'db', displayName: 'Primary database', from: 'up', to: 'down', message: 'connect ETIMEDOUT 10.0.3.17:5432' },
      { at: at(2 * HOUR), check: 'search', displayName: 'Search', from: 'up', to: 'degraded', message: 'Slow response: 2380 ms' },
      { at: at(3 * 24 * HOUR - 2 * HOUR), check: 'search', displayName: 'Search', from: 'degraded', to: 'up' },
    ],
  };
}

let browser: Browser;
let server: Server;
let base: string;
let current: PageSnapshot = showcase();

beforeAll(async () => {
  mkdirSync(DOCS, { recursive: true });
  const render = createRenderer({
    config: config({ intervalSeconds: 60 }),
    template: DEFAULT_TEMPLATE,
    readSnapshot: async () => current,
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => SECRET) },
    now: () => NOW,
    log: SILENT_LOG,
  });
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

async function open(width: number, dark = false, height = 900): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light', extraHTTPHeaders: { [HEADER]: SECRET } });
  const page = await context.newPage();
  const response = await page.goto(`${base}/`);
  expect(response?.status()).toBe(200);
  return page;
}

interface Violation { id: string; impact: string; targets: string[] }

/** axe-core's WCAG 2.0/2.1/2.2 A and AA rules, run in the page. */
async function axeViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE);
  return page.evaluate<Violation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
}

describe.each([
  ['light, 1280 px', 1280, false],
  ['dark, 1280 px', 1280, true],
  ['light, 390 px', 390, false],
  ['dark, 390 px', 390, true],
] as const)('%s', (_name, width, dark) => {
  test('axe-core: no WCAG 2.2 AA violation, with every <details> closed and open', async () => {
    current = showcase();
    const page = await open(width, dark);
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  test('every bar color has at least 3:1 contrast against its row', async () => {
    current = showcase();
    const page = await open(width, dark);
    // Colors as the browser resolved them: the strip's stroke per status, the row's background.
    const colors = await page.evaluate<Record<string, string>>(`(() => {
      const svg = document.querySelector('svg.bars');
      const out = { row: getComputedStyle(document.querySelector('ul.checks')).backgroundColor };
      for (const s of ['up', 'degraded', 'down', 'unknown']) {
        const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        p.setAttribute('class', 'b-' + s);
        svg.appendChild(p);
        out[s] = getComputedStyle(p).stroke;
        p.remove();
      }
      return out;
    })()`);
    for (const status of ['up', 'degraded', 'down', 'unknown']) {
      expect({ status, ratio: contrast(colors[status], colors.row) >= 3 }).toEqual({ status, ratio: true });
    }
    await page.context().close();
  });
});

test('the days behind a strip open with the keyboard alone: Tab to the strip, Enter', async () => {
  current = showcase();
  const page = await open(1280);
  const search = page.locator('li.check').nth(2);
  expect(await search.locator('.days').isVisible()).toBe(false);
  // Tab from the top of the page until the search check's strip has the focus.
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'Search'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate<string>("document.activeElement?.closest('li.check')?.querySelector('h3')?.textContent ?? ''");
  }
  expect(focused).toBe('Search');
  await page.keyboard.press('Enter');
  expect(await search.locator('.days').isVisible()).toBe(true);
  expect(await search.locator('.days li').allInnerTexts()).toEqual(['2026-11-26: Degraded, 99.90% up', '2026-11-25: Degraded, 99.90% up', '2026-10-08: Down, 90.00% up']);
  await page.context().close();
});

test('incidents, maintenance, the timeline and the latency chart are on the page', async () => {
  current = showcase();
  const page = await open(1280);
  const incidents = page.locator('.notice-incident');
  expect(await incidents.locator('h3').allInnerTexts()).toEqual(['Primary database unreachable']);
  expect(await incidents.innerText()).toContain('A failed storage volume; failing over to the replica.');
  expect(await page.locator('.notice-maint').innerText()).toContain('Database upgrade to PostgreSQL 17');
  const reports = page.locator('li.check').nth(6);
  expect(await reports.locator('.pill').innerText()).toBe('Maintenance');
  expect(await page.locator('.upcoming').innerText()).toContain('Network switch replacement');

  const timelineDays = page.locator('.tl-days > li');
  expect(await timelineDays.count()).toBe(14);
  expect(await timelineDays.nth(0).locator('h3').innerText()).toBe('Thu 26 Nov 2026');
  expect(await timelineDays.nth(3).innerText()).toContain('Slow search results');
  await timelineDays.nth(0).locator('summary').click();
  expect(await timelineDays.nth(0).locator('details li').allInnerTexts()).toEqual([
    '11:35 UTC Primary database: Operational → Down (connect ETIMEDOUT 10.0.3.17:5432)',
    '10:00 UTC Search: Operational → Degraded (Slow response: 2380 ms)',
  ]);

  // The latency chart: two lines, drawn with a visible size.
  const chart = page.locator('li.check').first().locator('.lat svg');
  const box = await chart.boundingBox();
  expect(box?.width).toBeGreaterThan(40);
  expect(box?.height).toBeGreaterThan(10);
  expect(await chart.locator('path.p50').getAttribute('d')).toMatch(/^M1 \d+l/);
  expect(await chart.getAttribute('aria-label')).toBe('Response time, 24 hours, scale 500 ms');
  await page.context().close();
});

test('at least 12 checks are in view on a 1280 x 900 screen', async () => {
  current = { ...largeSnapshot(20), incidents: [], maintenance: [] };
  const page = await open(1280);
  const bottoms = await page.locator('li.check').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().bottom));
  await page.screenshot({ path: join(DOCS, '..', 'test-reports', 'status-page-20-checks-1280.png') });
  expect(bottoms.filter((b) => b <= 900).length).toBeGreaterThanOrEqual(12);
  await page.context().close();
});

test('a laptop (1280 px) and a phone (390 px) screen need no sideways scrolling; UPDATE_SCREENSHOTS=1 writes the README screenshots', async () => {
  current = showcase();
  // A laptop screen and a phone screen (390 x 844), as the visitor first sees them.
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    const page = await open(width, false, height);
    expect([width, await page.evaluate('document.documentElement.scrollWidth')]).toEqual([width, width]);
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await page.screenshot({ path: join(DOCS, `status-page-${width}.png`) });
    }
    await page.context().close();
  }
});

/** WCAG contrast ratio of two `rgb(r, g, b)` colors. */
function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance(rgb: string): number {
  const channels = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
  if (channels.length !== 3) throw new Error(`not an rgb() color: ${rgb}`);
  const [r, g, b] = channels.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
