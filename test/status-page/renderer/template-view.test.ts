import Mustache from 'mustache';
import { check, days, NOW, snapshot } from './fixtures';
import { DEFAULT_TEMPLATE } from '../../../src/status-page/runtime/default-template';
import { buildTemplateView, formatPercent } from '../../../src/status-page/runtime/template-view';
import { formatAge, formatAgo } from '../../../src/status-page/runtime/time-text';

describe('formatPercent', () => {
  test.each([
    [1, '100%'],
    [0, '0%'],
    [0.9995, '99.95%'],
    [0.99951, '99.95%'],
    [0.99999, '99.99%'], // rounded down: never shows 100% unless it is
    [0.5, '50.00%'],
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
  ])('%p -> %p', (value, text) => {
    expect(formatPercent(value as number | null)).toBe(text);
  });
});

describe('relative times', () => {
  test('ages', () => {
    expect(formatAge(5_000)).toBe('5 seconds');
    expect(formatAge(60_000)).toBe('1 minute');
    expect(formatAge(12 * 60_000 + 59_000)).toBe('12 minutes');
    expect(formatAge(3 * 3600_000)).toBe('3 hours');
    expect(formatAge(3 * 86_400_000)).toBe('3 days');
    expect(formatAgo(2_000)).toBe('just now');
    expect(formatAgo(120_000)).toBe('2 minutes ago');
  });
});

describe('buildTemplateView', () => {
  test('top level values are computed from the injected now', () => {
    const view = buildTemplateView(snapshot({ updatedAt: new Date(NOW.getTime() - 180_000).toISOString() }), { now: NOW, intervalSeconds: 300 });
    expect(view).toMatchObject({
      title: 'Acme status',
      hasDescription: true,
      overall: 'up',
      overallText: 'All systems operational',
      overallIsUp: true,
      overallIsDown: false,
      stale: false,
      staleText: '',
      hasUpdatedAt: true,
      updatedAtText: '2026-11-26 11:57 UTC',
      updatedAgo: '3 minutes ago',
      intervalText: 'every 5 minutes',
      checkCount: 3,
      upCount: 3,
    });
  });

  test('stale data says how old it is; missing data says so', () => {
    const old = buildTemplateView(snapshot({ stale: true, updatedAt: new Date(NOW.getTime() - 12 * 60_000).toISOString() }), { now: NOW });
    expect(old.staleText).toBe('Status data is 12 minutes old.');
    const none = buildTemplateView(snapshot({ stale: true, updatedAt: undefined, overall: 'unknown' }), { now: NOW });
    expect(none.staleText).toBe('No status data has been recorded yet.');
    expect(none.hasUpdatedAt).toBe(false);
    expect(none.overallText).toBe('Status not yet known');
  });

  test('partial vs major outage', () => {
    const partial = buildTemplateView(snapshot({
      overall: 'down',
      checks: [check({ name: 'a', status: 'down' }), check({ name: 'b', status: 'up' })],
    }), { now: NOW });
    expect(partial.overallText).toBe('Partial outage');
    const major = buildTemplateView(snapshot({
      overall: 'down',
      checks: [check({ name: 'a', status: 'down' }), check({ name: 'b', status: 'down' }), check({ name: 'c', status: 'unknown' })],
    }), { now: NOW });
    expect(major.overallText).toBe('Major outage');
    const degraded = buildTemplateView(snapshot({ overall: 'degraded', checks: [check({ name: 'a', status: 'degraded' })] }), { now: NOW });
    expect(degraded.overallText).toBe('Degraded performance');
  });

  test('checks are grouped in configuration order, ungrouped checks form an unnamed group', () => {
    const view = buildTemplateView(snapshot({
      checks: [
        check({ name: 'a', group: 'Core' }),
        check({ name: 'b' }),
        check({ name: 'c', group: 'Edge', status: 'down' }),
        check({ name: 'd', group: 'Core', status: 'degraded' }),
      ],
    }), { now: NOW });
    expect(view.groups.map((g) => [g.name, g.hasName, g.status, g.checks.map((c) => c.name)])).toEqual([
      ['Core', true, 'degraded', ['a', 'd']],
      ['', false, 'up', ['b']],
      ['Edge', true, 'down', ['c']],
    ]);
  });

  test('check values: formatted uptime, latency, times, 90 day bars', () => {
    const c = buildTemplateView(snapshot({
      checks: [check({
        name: 'api',
        status: 'degraded',
        message: 'slow',
        latencyMs: 1234.4,
        certExpiresAt: new Date(NOW.getTime() + 20 * 86_400_000).toISOString(),
        days: days(NOW, (i) => (i === 89 ? 'degraded' : i === 0 ? 'unknown' : i === 10 ? 'down' : 'up')),
      })],
    }), { now: NOW }).checks[0];
    expect(c).toMatchObject({
      statusText: 'Degraded',
      isDegraded: true,
      isUp: false,
      hasMessage: true,
      message: 'slow',
      latencyText: '1234 ms',
      lastCheckedText: '1 minute ago',
      sinceText: 'for 3 hours',
      certExpiresText: 'in 20 days',
      uptime: { h24: '100%', d7: '99.95%', d30: '99.95%', d90: '—' },
    });
    expect(c.days).toHaveLength(90);
    expect(c.days[89]).toMatchObject({ date: '2026-11-26', worst: 'degraded', isToday: true, title: '2026-11-26: 99.90% uptime, worst status Degraded' });
    expect(c.days[0]).toMatchObject({ worst: 'unknown', hasData: false, title: `${c.days[0].date}: no data`, uptimeText: '—' });
    expect(c.historySummary).toBe('Last 90 days: 87 days operational, 1 day degraded, 1 day down, 1 day without data');
  });

  test('every optional key is present so sections never fall through to an outer context', () => {
    const c = buildTemplateView(snapshot({
      checks: [{ name: 'bare', displayName: 'Bare', status: 'unknown', uptime: { h24: null, d7: null, d30: null, d90: null }, days: [], latency24h: [] }],
    }), { now: NOW }).checks[0];
    for (const key of ['group', 'hasGroup', 'message', 'hasMessage', 'latencyMs', 'latencyText', 'lastCheckedAt', 'since', 'sinceText', 'hasSince', 'certExpiresAt', 'hasCert']) {
      expect(c).toHaveProperty(key);
      expect((c as unknown as Record<string, unknown>)[key]).not.toBeUndefined();
    }
    expect(c.latencyText).toBe('—');
    expect(c.lastCheckedText).toBe('—');
  });

  test('the default template renders every check with its status text and its 90 days as one SVG strip', () => {
    const html = Mustache.render(DEFAULT_TEMPLATE, buildTemplateView(snapshot(), { now: NOW, intervalSeconds: 60 }));
    expect(html).toContain('All systems operational');
    expect(html).toContain('Public API');
    expect(html).toContain('<h2>Core</h2>');
    // Every day up: one run of 90 days per check, in one path of one SVG.
    expect(html.match(/<svg class="bars" viewBox="0 0 90 10"/g)).toHaveLength(3);
    expect(html.match(/<path class="b-up" d="M0 5h90"\/>/g)).toHaveLength(3);
    expect(html).not.toMatch(/<path class="b-(degraded|down|unknown)"/);
    expect(html.match(/class="pill pill-up">Operational</g)).toHaveLength(3);
    expect(html).not.toContain('class="stale"');
    expect(html).not.toMatch(/<script/i);
  });

  test('the default template shows the stale notice when stale', () => {
    const html = Mustache.render(DEFAULT_TEMPLATE, buildTemplateView(
      snapshot({ stale: true, updatedAt: new Date(NOW.getTime() - 2 * 3600_000).toISOString() }), { now: NOW }));
    expect(html).toContain('class="stale"');
    expect(html).toContain('Status data is 2 hours old.');
  });

  test('the default template never uses the triple-stash or & (unescaped) form', () => {
    expect(DEFAULT_TEMPLATE).not.toMatch(/\{\{\{|\{\{\s*&/);
  });
});
