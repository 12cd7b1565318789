import { check, NOW } from './fixtures';
import { CheckStatus, DayBar, IncidentView, LatencyHour, MaintenanceView, PageSnapshot, StatusChangeView } from '../../../src/status-page/runtime/model';
import { seeded } from '../runtime/helpers/config';

export interface LargePageOptions {
  /**
   * 'realistic': mostly operational, a few bad days, varied response times.
   * 'worst': every day differs from the one before (the most SVG runs), long names and messages,
   * every check degraded or down.
   */
  readonly shape?: 'realistic' | 'worst';
  readonly seed?: number;
}

/** A snapshot of `count` checks in groups of 20, with 90 days, 24 hours of latency, incidents, maintenance and changes. */
export function largeSnapshot(count: number, options: LargePageOptions = {}): PageSnapshot {
  const worst = options.shape === 'worst';
  const rnd = seeded(options.seed ?? count);
  const checks = Array.from({ length: count }, (_, i) => {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const status: CheckStatus = worst ? (i % 2 ? 'down' : 'degraded') : rnd() < 0.02 ? 'down' : rnd() < 0.03 ? 'degraded' : 'up';
    const history: DayBar[] = Array.from({ length: 90 }, (__, d) => {
      const date = new Date(NOW.getTime() - (89 - d) * 86_400_000).toISOString().slice(0, 10);
      const worstOfDay: CheckStatus = worst
        ? (['up', 'degraded', 'down', 'unknown'] as const)[d % 4]
        : rnd() < 0.01 ? 'down' : rnd() < 0.03 ? 'degraded' : 'up';
      const uptime = worstOfDay === 'unknown' ? null : worstOfDay === 'up' ? 1 : 1 - Math.round(rnd() * 500) / 10_000;
      return { date, worst: worstOfDay, uptime };
    });
    const base = 40 + Math.round(rnd() * 300);
    const latency24h: LatencyHour[] = Array.from({ length: 24 }, (__, h) => ({
      hour: new Date(NOW.getTime() - (24 - h) * 3_600_000).toISOString().replace(/:\d\d:\d\d\.\d+Z$/, ':00:00.000Z'),
      p50Ms: base + Math.round(rnd() * base * 0.3),
      p95Ms: base * 2 + Math.round(rnd() * base * 2),
    }));
    return check({
      name,
      displayName: worst ? `Service ${i} ${'with a long descriptive name '.repeat(2)}`.trim() : `Service ${i} API`,
      group: `Group ${Math.floor(i / 20) + 1}`,
      status,
      latencyMs: base,
      message: status === 'up' ? undefined : worst ? `HTTP 503 from upstream: ${'x'.repeat(180)}` : `HTTP 503 after ${base * 10} ms`,
      certExpiresAt: new Date(NOW.getTime() + 40 * 86_400_000).toISOString(),
      uptime: { h24: 1, d7: 0.9991, d30: 0.99873, d90: 0.99912 },
      days: history,
      latency24h,
    });
  });
  const changes: StatusChangeView[] = Array.from({ length: 200 }, (_, i) => {
    const c = checks[Math.floor(rnd() * count)];
    return {
      at: new Date(NOW.getTime() - i * 90 * 60_000).toISOString(),
      check: c.name,
      displayName: c.displayName,
      from: i % 2 ? 'up' : 'down',
      to: i % 2 ? 'down' : 'up',
      message: i % 2 ? 'connect ETIMEDOUT' : undefined,
    };
  });
  const incidents: IncidentView[] = Array.from({ length: 5 }, (_, i) => ({
    id: `inc-${i}`,
    title: `Elevated error rates on Group ${i + 1}`,
    impact: (['minor', 'major', 'critical'] as const)[i % 3],
    checks: [checks[i * 3 % count].name],
    startedAt: new Date(NOW.getTime() - (i * 2 + 1) * 86_400_000).toISOString(),
    resolvedAt: i === 0 ? undefined : new Date(NOW.getTime() - (i * 2 + 1) * 86_400_000 + 3_600_000).toISOString(),
    updates: [
      { at: new Date(NOW.getTime() - (i * 2 + 1) * 86_400_000).toISOString(), state: 'investigating', message: 'We are looking into errors.' },
      { at: new Date(NOW.getTime() - (i * 2 + 1) * 86_400_000 + 1_800_000).toISOString(), state: 'identified', message: 'A bad deploy; rolling back.' },
      ...(i === 0 ? [] : [{ at: new Date(NOW.getTime() - (i * 2 + 1) * 86_400_000 + 3_600_000).toISOString(), state: 'resolved' as const, message: 'Rolled back; error rates are normal.' }]),
    ],
  }));
  const maintenance: MaintenanceView[] = [
    { id: 'db-upgrade', message: 'Database upgrade', checks: [checks[0].name], start: new Date(NOW.getTime() - 3_600_000).toISOString(), end: new Date(NOW.getTime() + 3_600_000).toISOString(), active: true },
    { id: 'network', message: 'Network maintenance', checks: [], start: new Date(NOW.getTime() + 3 * 86_400_000).toISOString(), end: new Date(NOW.getTime() + 3 * 86_400_000 + 7_200_000).toISOString(), active: false },
  ];
  checks[0] = { ...checks[0], maintenance: maintenance[0] };
  return {
    title: 'Acme status',
    description: 'Every service of the platform',
    generatedAt: NOW.toISOString(),
    updatedAt: new Date(NOW.getTime() - 60_000).toISOString(),
    stale: false,
    overall: checks.some((c) => c.status === 'down') ? 'down' : 'up',
    checks,
    incidents,
    maintenance,
    changes,
  };
}
