// page.evaluate takes string expressions here: the test tsconfig has no DOM lib.
/**
 * Hostile input for the renderer: XSS in every user-controlled field, header injection, very
 * long values, tricky unicode, and attempts to get around the proxy header. The handler's output
 * is served as-is from 127.0.0.1 and opened in headless Chromium (same launch options as
 * page.browser.test.ts); header checks inspect the handler's own response.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { check, config, event, NOW, proxyHeadersOf, snapshot } from './fixtures';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { SECURITY_HEADERS } from '../../../src/status-page/runtime/http-responses';
import { PageSnapshot } from '../../../src/status-page/runtime/model';
import { createRenderer, Renderer } from '../../../src/status-page/runtime/page-renderer';
import { ApiGatewayProxyEvent, ApiGatewayProxyResult } from '../../../src/status-page/runtime/proxy-event';
import { CachedSecret } from '../../../src/status-page/runtime/secret-source';
import { launchChromium } from '../../helpers/chromium';
import { proxyResultText, sendProxyResult } from '../../helpers/proxy-response';
import { SILENT_LOG } from '../../helpers/recording-log';

jest.setTimeout(60_000);

const HEADER = 'x-status-page-auth';
const SECRET = 'hostile-test-secret-0123456789';

/** XSS payloads; each goes into every field. `{{title}}` checks that values are not re-rendered. */
const XSS = [
  '<script>alert("xss-1")</script>',
  '"><img src=x onerror=alert("xss-2")>',
  '\'><svg onload=alert("xss-3")>',
  '</title><script>alert("xss-4")</script>',
  '</style><iframe srcdoc="<script>alert(5)</script>"></iframe>',
  'javascript:alert("xss-6")',
  'https://evil.example/"onmouseover="alert(7)',
  '{{title}}{{{description}}}{{& message}}',
  '<a href="javascript:alert(8)">click</a>',
];

/** A custom template that prints every string variable in text AND attribute contexts. */
const CUSTOM_TEMPLATE = `<!doctype html><html><head><meta charset="utf-8"><title>{{title}}</title></head>
<body data-title="{{title}}" data-description="{{description}}">
<h1 title="{{title}}">{{title}}</h1><p class="description">{{description}}</p>
<p class="overall">{{overallText}} {{staleText}} {{updatedAgo}} {{intervalText}}</p>
{{#groups}}<section data-group="{{name}}"><h2>{{name}}</h2>
{{#checks}}<div class="row" id="c-{{name}}" data-name="{{name}}" title="{{displayName}}">
<span class="name">{{name}}</span><h3>{{displayName}}</h3><span class="group">{{group}}</span>
<a class="link" href="{{message}}">{{message}}</a><p class="message">{{message}}</p>
<span>{{historySummary}} {{latencyText}} {{lastCheckedText}} {{sinceText}} {{certExpiresText}}</span>
{{#days}}<i title="{{title}}"></i>{{/days}}</div>{{/checks}}</section>{{/groups}}
</body></html>`;

let current: PageSnapshot = snapshot();
let browser: Browser;
let server: Server;
let base: string;
let defaultRender: Renderer;
let customRender: Renderer;
let handlerResults: ApiGatewayProxyResult[] = [];

function renderer(template: string, secret = SECRET): Renderer {
  return createRenderer({
    config: config({ intervalSeconds: 60 }),
    template,
    readSnapshot: async () => current,
    // Secrets Manager has no local implementation: an in-process secret source stands in for it.
    auth: { headerName: HEADER, secret: new CachedSecret(async () => secret) },
    now: () => NOW,
    log: SILENT_LOG,
  });
}

beforeAll(async () => {
  defaultRender = renderer(DEFAULT_TEMPLATE);
  customRender = renderer(CUSTOM_TEMPLATE);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { headers, multiValueHeaders } = proxyHeadersOf(req);
    const custom = url.pathname.startsWith('/custom');
    const path = custom ? url.pathname.slice('/custom'.length) || '/' : url.pathname;
    // The query string stays on the path, as an attacker would send it.
    (custom ? customRender : defaultRender)({
      httpMethod: req.method ?? 'GET', path: `${path}${url.search}`, resource: path === '/' ? '/' : '/{proxy+}', headers, multiValueHeaders,
    }).then((out) => {
      handlerResults.push(out);
      sendProxyResult(res, out);
    }).catch((e) => { res.statusCode = 599; res.end(String(e)); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

interface Opened { page: Page; dialogs: string[]; console: string[]; status: number | undefined; body: string }

async function open(path: string, options: { headers?: Record<string, string>; cookie?: string } = {}): Promise<Opened> {
  const context = await browser.newContext({ extraHTTPHeaders: options.headers ?? { [HEADER]: SECRET } });
  if (options.cookie) await context.addCookies([{ name: HEADER, value: options.cookie, url: base }]);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const consoleLines: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  const response = await page.goto(`${base}${path}`);
  return { page, dialogs, console: consoleLines, status: response?.status(), body: (await response?.text()) ?? '' };
}

/** Hover over everything, so event-handler payloads (onmouseover) get their chance to run. */
async function poke(page: Page): Promise<void> {
  for (const selector of ['h1', 'h3', '.message', '.link', '.row', '.group']) {
    const loc = page.locator(selector);
    const n = Math.min(await loc.count(), 12);
    for (let i = 0; i < n; i++) await loc.nth(i).hover({ timeout: 500, force: true }).catch(() => undefined);
  }
  await page.waitForTimeout(100);
}

function xssSnapshot(): PageSnapshot {
  return snapshot({
    title: XSS[0],
    description: XSS[1],
    overall: 'down',
    checks: XSS.map((p, i) => check({
      name: `n${i}${p}`,
      displayName: `d${i}${p}`,
      group: `g${i}${p}`,
      status: i % 2 === 0 ? 'down' : 'degraded',
      message: `m${i}${p}`,
    })),
  });
}

async function expectInert(o: Opened): Promise<void> {
  expect(o.status).toBe(200);
  expect(o.dialogs).toEqual([]);
  // A CSP violation (an injected script or handler the CSP blocked) would show up here too.
  expect(o.console).toEqual([]);
  // The only SVGs are the default template's own 90-day strips (counted per test), each holding paths only.
  const injected = await o.page.evaluate<number>(
    "document.querySelectorAll('script, img, svg:not(.bars), iframe, object, embed, [onerror], [onload], [onmouseover], [srcdoc], svg.bars :not(path)').length",
  );
  expect(injected).toBe(0);
  expect(await o.page.evaluate<string>('String(window.__xss)')).toBe('undefined');
}

describe('XSS payloads in every user-controlled field', () => {
  test('default template: payloads are literal text, nothing runs', async () => {
    current = xssSnapshot();
    const o = await open('/');
    await poke(o.page);
    await expectInert(o);
    expect(await o.page.title()).toContain(XSS[0]);
    expect(await o.page.locator('h1').textContent()).toBe(XSS[0]);
    expect(await o.page.locator('.description').textContent()).toBe(XSS[1]);
    const rows = o.page.locator('li.check');
    expect(await rows.count()).toBe(XSS.length);
    expect(await o.page.locator('svg.bars').count()).toBe(XSS.length);
    for (const [i, p] of XSS.entries()) {
      expect(await rows.nth(i).locator('h3').textContent()).toBe(`d${i}${p}`);
      expect(await rows.nth(i).locator('.message').textContent()).toBe(`m${i}${p}`);
    }
    expect(await o.page.locator('.group h2').allTextContents()).toEqual(XSS.map((p, i) => `g${i}${p}`));
    expect(await o.page.locator('section.group').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))))
      .toEqual(XSS.map((p, i) => `g${i}${p}`));
    await o.page.context().close();
  });

  test('custom template using every variable in text and attributes: payloads stay literal', async () => {
    current = xssSnapshot();
    const o = await open('/custom/');
    await poke(o.page);
    await expectInert(o);
    expect(await o.page.evaluate<string>("document.body.getAttribute('data-title')")).toBe(XSS[0]);
    expect(await o.page.evaluate<string>("document.body.getAttribute('data-description')")).toBe(XSS[1]);
    const rows = o.page.locator('.row');
    expect(await rows.count()).toBe(XSS.length);
    for (const [i, p] of XSS.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-name')).toBe(`n${i}${p}`);
      expect(await row.getAttribute('title')).toBe(`d${i}${p}`);
      expect(await row.locator('.name').textContent()).toBe(`n${i}${p}`);
      expect(await row.locator('.group').textContent()).toBe(`g${i}${p}`);
      expect(await row.locator('.link').getAttribute('href')).toBe(`m${i}${p}`);
      expect(await row.locator('.message').textContent()).toBe(`m${i}${p}`);
    }
    // Mustache tags inside values are printed, not re-rendered.
    expect(await rows.nth(7).locator('.message').textContent()).toBe(`m7${XSS[7]}`);
    await o.page.context().close();
  });

  test('a URL-like message used as an href in a custom template: clicking it runs nothing (CSP)', async () => {
    current = snapshot({ checks: [check({ name: 'url', message: 'javascript:alert("xss-url")' })] });
    const o = await open('/custom/');
    expect(await o.page.locator('.link').getAttribute('href')).toBe('javascript:alert("xss-url")');
    await o.page.locator('.link').click({ noWaitAfter: true });
    await o.page.waitForTimeout(200);
    expect(o.dialogs).toEqual([]);
    // The only thing the browser may say is that the CSP refused the javascript: URL.
    for (const line of o.console) expect(line).toMatch(/Content Security Policy/);
    await o.page.context().close();
  });

  test('badges and status.json with payloads: well-formed, inert', async () => {
    current = xssSnapshot();
    for (const i of [0, 1, 2, 4, 8]) {
      const o = await open(`/badge/${encodeURIComponent(`n${i}${XSS[i]}`)}.svg`);
      expect(o.status).toBe(200);
      expect(await o.page.evaluate('document.documentElement.namespaceURI')).toBe('http://www.w3.org/2000/svg');
      expect(await o.page.evaluate("document.getElementsByTagName('parsererror').length")).toBe(0);
      expect(await o.page.evaluate("document.querySelectorAll('script, foreignObject, iframe, image').length")).toBe(0);
      expect(o.dialogs).toEqual([]);
      expect(o.console).toEqual([]);
      await o.page.context().close();
    }
    const json = await open('/status.json');
    expect(json.dialogs).toEqual([]);
    expect(json.body).not.toMatch(/[<>]/);
    expect(JSON.parse(json.body).checks[1].message).toBe(`m1${XSS[1]}`);
    await json.page.context().close();
  });
});

describe('header injection', () => {
  const expectedHeaderNames = (r: ApiGatewayProxyResult) => Object.keys(r.headers).sort();
  const FIXED = ['Cache-Control', 'Content-Type', ...Object.keys(SECURITY_HEADERS)].sort();
  const CRLF = 'evil\r\nSet-Cookie: stolen=1\r\n\r\n<script>alert(1)</script>';

  function assertNoInjection(r: ApiGatewayProxyResult): void {
    for (const [k, v] of Object.entries(r.headers)) {
      expect(`${k}: ${v}`).not.toMatch(/[\r\n]/);
      expect(k.toLowerCase()).not.toBe('set-cookie');
    }
    expect(expectedHeaderNames(r).filter((k) => !['Allow', 'Retry-After', 'Vary'].includes(k))).toEqual(FIXED);
    // A response that could be compressed names the one request header it depends on, nothing else.
    if (r.headers.Vary !== undefined) expect(r.headers.Vary).toBe('Accept-Encoding');
  }

  test('CRLF in a check name, title, message or badge path creates no header', async () => {
    current = snapshot({
      title: CRLF,
      description: CRLF,
      checks: [check({ name: CRLF, displayName: CRLF, group: CRLF, message: CRLF })],
    });
    const auth = { [HEADER]: SECRET };
    for (const path of ['/', '/status.json', `/badge/${encodeURIComponent(CRLF)}.svg`, '/badge/a%0d%0aSet-Cookie:%20x=1.svg', '/x%0d%0aSet-Cookie:%20x=1']) {
      const r = await defaultRender(event(path, auth));
      assertNoInjection(r);
    }
    const badge = await defaultRender(event(`/badge/${encodeURIComponent(CRLF)}.svg`, auth));
    expect(badge.statusCode).toBe(200);
  });

  test('CRLF in the proxy header value or a header name: refused, no header created', async () => {
    current = snapshot();
    const attempts: Array<Record<string, string>> = [{ [HEADER]: `${SECRET}\r\nSet-Cookie: x=1` }, { [`${HEADER}\r\nSet-Cookie`]: SECRET }, { [HEADER]: `\r\n${SECRET}` }];
    for (const headers of attempts) {
      const r = await defaultRender(event('/', headers));
      expect(r.statusCode).toBe(403);
      assertNoInjection(r);
    }
  });

  test('what the browser receives has only the handler headers', async () => {
    current = snapshot({ title: CRLF, checks: [check({ name: 'a', message: CRLF })] });
    const o = await open('/');
    expect(o.status).toBe(200);
    const headers = await (await o.page.request.get(`${base}/`, { headers: { [HEADER]: SECRET } })).headersArray();
    expect(headers.filter((h) => h.name.toLowerCase() === 'set-cookie')).toEqual([]);
    expect(await o.page.context().cookies()).toEqual([]);
    await o.page.context().close();
  });
});

describe('very long values', () => {
  const LONG = 100 * 1024;
  test('100 KB name, display name, group, message, title and description: renders, response bounded', async () => {
    const big = (c: string) => c.repeat(LONG);
    current = snapshot({
      title: big('T'),
      description: big('D'),
      checks: [
        check({ name: big('n'), displayName: big('N'), group: big('G'), message: big('M') }),
        check({ name: 'xss-long', displayName: '<b>'.repeat(LONG / 3), message: '&'.repeat(LONG) }),
        check({ name: 'ok', displayName: 'Still here' }),
      ],
    });
    handlerResults = [];
    const o = await open('/');
    expect(o.status).toBe(200);
    expect(o.console).toEqual([]);
    expect(await o.page.locator('li.check').count()).toBe(3);
    expect((await o.page.locator('li.check').nth(0).locator('h3').textContent())?.length).toBe(LONG);
    expect((await o.page.locator('li.check').nth(0).locator('.message').textContent())?.length).toBe(LONG);
    expect(await o.page.locator('li.check').nth(2).locator('h3').textContent()).toBe('Still here');
    expect(await o.page.locator('b').count()).toBe(0);
    // Decision: values are shown in full (no silent truncation on the page), but each one is printed
    // a bounded number of times, so the response grows linearly: under 1.5 MB for ~700 KB of input
    // (escaping '&' and '<' as entities multiplies those by 4-5).
    const size = Buffer.byteLength(proxyResultText(handlerResults[0]), 'utf8');
    expect(size).toBeLessThan(1.5 * 1024 * 1024);
    // Nothing overflows sideways: long unbroken words wrap.
    const overflow = await o.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await o.page.context().close();

    // A badge keeps its label short whatever the name.
    const badge = await defaultRender(event(`/badge/${'n'.repeat(LONG)}.svg`, { [HEADER]: SECRET }));
    expect(badge.statusCode).toBe(200);
    expect(badge.body.length).toBeLessThan(4_000);
  });
});

describe('unicode', () => {
  const CASES = {
    rtl: 'مرحبا بالعالم — שלום עולם',
    override: 'invoice\u202Egnp.exe',
    emoji: '👩‍💻 🚀 🇩🇪 👍🏽',
    zeroWidth: 'zero\u200Bwidth\u200Cjoin\u200Dner\uFEFF',
    combining: 'e\u0301 Zürich 東京',
    separators: 'line\u2028para\u2029end',
  };

  test('RTL, bidi override, emoji, zero-width and combining characters are shown exactly', async () => {
    current = snapshot({
      title: CASES.rtl,
      checks: Object.entries(CASES).map(([k, v]) => check({ name: k, displayName: v, group: CASES.rtl, message: v })),
    });
    const o = await open('/');
    expect(o.status).toBe(200);
    expect(o.console).toEqual([]);
    expect(await o.page.locator('h1').textContent()).toBe(CASES.rtl);
    const rows = o.page.locator('li.check');
    for (const [i, v] of Object.values(CASES).entries()) {
      expect(await rows.nth(i).locator('h3').textContent()).toBe(v);
      expect(await rows.nth(i).locator('.message').textContent()).toBe(v);
    }
    // The bidi override is contained: the status pill after the name still reads left to right.
    expect(await rows.nth(1).locator('.pill').textContent()).toBe('Operational');
    await o.page.context().close();

    const badge = await open('/badge/emoji.svg');
    expect(await badge.page.evaluate("document.querySelector('title')?.textContent")).toBe(`${CASES.emoji}: up`);
    await badge.page.context().close();
  });
});

describe('getting around the proxy header', () => {
  const ok = async (e: ApiGatewayProxyEvent, r: Renderer = defaultRender) => (await r(e)).statusCode;

  test('the header name is case-insensitive: the right value passes in any case', async () => {
    current = snapshot();
    for (const name of [HEADER, HEADER.toUpperCase(), 'X-Status-Page-Auth', 'x-StAtUs-pAgE-aUtH']) {
      expect({ name, status: await ok(event('/', { [name]: SECRET })) }).toEqual({ name, status: 200 });
    }
    const viaBrowser = await open('/', { headers: { 'X-STATUS-PAGE-AUTH': SECRET } });
    expect(viaBrowser.status).toBe(200);
    await viaBrowser.page.context().close();
  });

  test('duplicate headers are refused, even when both copies are right', async () => {
    current = snapshot();
    const attempts: ApiGatewayProxyEvent[] = [
      event('/', { [HEADER]: [SECRET, SECRET] }),
      event('/', { [HEADER]: ['wrong', SECRET] }),
      event('/', { [HEADER]: [SECRET, 'wrong'] }),
      event('/', { [HEADER]: SECRET, [HEADER.toUpperCase()]: SECRET }),
      event('/', { [HEADER]: SECRET, 'X-Status-Page-Auth': 'wrong' }),
      // Only the single-value map, with two spellings.
      { ...event('/'), headers: { [HEADER]: SECRET, 'X-Status-Page-Auth': 'other' }, multiValueHeaders: null },
    ];
    for (const [i, e] of attempts.entries()) expect({ i, status: await ok(e) }).toEqual({ i, status: 403 });
  });

  test('an empty configured secret refuses everything (503, fail closed)', async () => {
    current = snapshot();
    const closed = renderer(DEFAULT_TEMPLATE, '');
    const attempts: Array<Record<string, string>> = [{}, { [HEADER]: '' }, { [HEADER]: SECRET }, { [HEADER]: ' ' }];
    for (const headers of attempts) {
      for (const path of ['/', '/status.json', '/badge/api.svg']) {
        const r = await closed(event(path, headers));
        expect({ path, headers, status: r.statusCode }).toEqual({ path, headers, status: 503 });
        expect(r.body).not.toContain('Acme');
      }
    }
  });

  test('wrong values are refused: same length, whitespace around it, prefix, empty', async () => {
    current = snapshot();
    const sameLength = `${SECRET.slice(0, -1)}${SECRET.endsWith('x') ? 'y' : 'x'}`;
    expect(sameLength.length).toBe(SECRET.length);
    for (const value of [sameLength, `${SECRET} `, `${SECRET}\t`, ` ${SECRET}`, `${SECRET}\n`, SECRET.slice(0, -1), `${SECRET}${SECRET}`, '', SECRET.toUpperCase(), `${SECRET}, ${SECRET}`]) {
      expect({ value, status: await ok(event('/', { [HEADER]: value })) }).toEqual({ value, status: 403 });
    }
  });

  test('the secret in the query string, a cookie or another header is refused', async () => {
    current = snapshot();
    const attempts: Array<[string, Record<string, string>, string | undefined]> = [
      [`/?${HEADER}=${SECRET}`, {}, undefined],
      [`/status.json?${HEADER}=${encodeURIComponent(SECRET)}`, {}, undefined],
      ['/', { cookie: `${HEADER}=${SECRET}` }, undefined],
      ['/', {}, SECRET],
      ['/', { 'x-status-page-auth-x': SECRET, 'authorization': `Bearer ${SECRET}`, 'x-forwarded-x-status-page-auth': SECRET }, undefined],
    ];
    for (const [path, headers, cookie] of attempts) {
      const o = await open(path, { headers, cookie });
      expect({ path, headers, cookie, status: o.status }).toEqual({ path, headers, cookie, status: 403 });
      expect(o.body).not.toContain('Acme');
      await o.page.context().close();
    }
  });
});
