import type { IncomingMessage } from 'node:http';
import { CheckStatus, CheckView, DayBar, PageSnapshot, StatusPageConfig } from '../../../src/status-page/runtime/model';
import { ApiGatewayProxyEvent } from '../../../src/status-page/runtime/proxy-event';

export const NOW = new Date('2026-11-26T12:00:00.000Z');

/** Hostile strings used as names, groups and messages. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(1)>',
  closeScript: '</script><script>alert(2)</script>',
  quotes: 'It\'s "quoted" & \'single\' `tick`',
  unicode: 'Zürich 東京 🚀 \u2028 line',
};

/** 90 day bars ending on `end` (UTC), oldest first. */
export function days(end: Date = NOW, worst: (i: number) => CheckStatus = () => 'up'): DayBar[] {
  const out: DayBar[] = [];
  for (let i = 89; i >= 0; i--) {
    const d = new Date(end.getTime() - i * 86_400_000);
    const w = worst(89 - i);
    out.push({ date: d.toISOString().slice(0, 10), worst: w, uptime: w === 'unknown' ? null : w === 'down' ? 0.9 : w === 'degraded' ? 0.999 : 1 });
  }
  return out;
}

export function check(overrides: Partial<CheckView> & { name: string }): CheckView {
  return {
    displayName: overrides.name.toUpperCase(),
    status: 'up',
    latencyMs: 120,
    lastCheckedAt: new Date(NOW.getTime() - 60_000).toISOString(),
    since: new Date(NOW.getTime() - 3 * 3600_000).toISOString(),
    uptime: { h24: 1, d7: 0.9995, d30: 0.99951, d90: null },
    days: days(),
    latency24h: [],
    ...overrides,
  };
}

export function snapshot(overrides: Partial<PageSnapshot> = {}): PageSnapshot {
  return {
    title: 'Acme status',
    description: 'Services run by the platform team',
    generatedAt: NOW.toISOString(),
    updatedAt: new Date(NOW.getTime() - 60_000).toISOString(),
    stale: false,
    overall: 'up',
    incidents: [],
    maintenance: [],
    changes: [],
    checks: [
      check({ name: 'api', displayName: 'Public API', group: 'Core' }),
      check({ name: 'web', displayName: 'Website', group: 'Core' }),
      check({ name: 'db', displayName: 'Database' }),
    ],
    ...overrides,
  };
}

export function config(overrides: Partial<StatusPageConfig> = {}): StatusPageConfig {
  return {
    title: 'Acme status',
    description: 'Services run by the platform team',
    intervalSeconds: 60,
    failureThreshold: 2,
    successThreshold: 2,
    concurrency: 4,
    staleAfterIntervals: 5,
    checksPerShard: 25,
    checks: [],
    ...overrides,
  };
}

/** An API Gateway REST proxy event as API Gateway sends it (headers in both maps). */
export function event(
  path: string,
  headers: Record<string, string | string[]> = {},
  method = 'GET',
  extra: Partial<ApiGatewayProxyEvent> = {},
): ApiGatewayProxyEvent {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const list = Array.isArray(v) ? v : [v];
    multi[k] = list;
    single[k] = list[list.length - 1];
  }
  return {
    httpMethod: method,
    path,
    resource: path === '/' ? '/' : path,
    pathParameters: null,
    headers: single,
    multiValueHeaders: multi,
    requestContext: { requestId: 'test-request', stage: 'prod' },
    ...extra,
  };
}

/** The proxy event's header maps for a request to a local server, as API Gateway builds them. */
export function proxyHeadersOf(req: IncomingMessage): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [k, v] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    headers[k] = v;
    (multiValueHeaders[k] ??= []).push(v);
  }
  return { headers, multiValueHeaders };
}
