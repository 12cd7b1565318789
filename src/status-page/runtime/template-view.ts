/**
 * The mustache view: what a status page template can use.
 *
 * Teams may pass their own template to the StatusPage construct; it is rendered with
 * mustache.js against the view built here. Every value is a string, a number, a boolean or a
 * list, and every key listed below is ALWAYS present (empty string / false when not
 * applicable), so a section never falls through to an outer context by accident.
 *
 * SECURITY: names, messages, titles and descriptions come from configuration and from the
 * services being probed. Always print them with `{{var}}` (HTML-escaped). Never use the
 * triple-stash `{{{var}}}` or `{{& var}}` for any of them.
 *
 * Top level
 * ---------
 *   title               page title
 *   description         page description ('' when none); hasDescription: boolean
 *   overall             'up' | 'degraded' | 'down' | 'unknown' (worst status across checks)
 *   overallText         'All systems operational' | 'Degraded performance' | 'Partial outage'
 *                       | 'Major outage' | 'Status not yet known'
 *   overallIsUp, overallIsDegraded, overallIsDown, overallIsUnknown   booleans
 *   stale               true when the data is older than the stale threshold (or missing)
 *   staleText           e.g. 'Status data is 12 minutes old.' or
 *                       'No status data has been recorded yet.' ('' when not stale)
 *   hasUpdatedAt        true once the checker has stored a run
 *   updatedAt           ISO 8601 time of the newest checker run ('' when none)
 *   updatedAtText       the same as 'YYYY-MM-DD HH:MM UTC' ('' when none)
 *   updatedAgo          e.g. '3 minutes ago' ('' when none)
 *   generatedAt         ISO 8601 time this page was rendered; generatedAtText: 'YYYY-MM-DD HH:MM UTC'
 *   hasInterval         true when the check interval is known
 *   intervalText        e.g. 'every minute', 'every 5 minutes' ('' when unknown)
 *   checkCount, upCount, degradedCount, downCount, unknownCount   numbers
 *   hasChecks           checkCount > 0
 *   compact             true when the page has more than 30 checks: fully operational groups start collapsed
 *   groups              list of groups in configuration order (see Group)
 *   checks              flat list of all checks in configuration order (see Check)
 *   activeIncidents     incidents not yet resolved, newest first (see Incident); hasActiveIncidents
 *   maintenanceNow      maintenance windows in progress (see Maintenance); hasMaintenanceNow
 *   upcomingMaintenance maintenance windows starting within 14 days, soonest first; hasUpcomingMaintenance
 *   timeline            the last 14 UTC days, today first (see TimelineDay)
 *
 * Group (checks without a group form one unnamed group, listed where the first one appears)
 * -----
 *   name                group name ('' for the unnamed group); hasName: boolean
 *   status, statusText  worst status of the group's checks and its word (see Check)
 *   checks              list of Check
 *   collapsed           true on a compact page when every check of the group is operational
 *   summaryText         e.g. 'Show 48 checks'
 *
 * Check
 * -----
 *   name                stable identifier (used in /badge/{name}.svg); displayName: shown name
 *   group               group name ('' when none); hasGroup: boolean
 *   status              'up' | 'degraded' | 'down' | 'unknown'
 *   statusText          'Operational' | 'Degraded' | 'Down' | 'Unknown'
 *   isUp, isDegraded, isDown, isUnknown   booleans
 *   message             last probe message ('' when none); hasMessage: boolean
 *   latencyMs           number, or '' when unknown; latencyText: e.g. '123 ms' or '—'; hasLatency
 *   lastCheckedAt       ISO time of the last probe ('' when none); lastCheckedText: '2 minutes ago' or '—'
 *   since               ISO time the current status began ('' when unknown)
 *   sinceText           e.g. 'for 3 hours' ('' when unknown); hasSince: boolean
 *   certExpiresAt       ISO time the TLS certificate expires ('' when not an HTTPS check)
 *   certExpiresText     e.g. 'in 20 days' / '3 days ago' ('' when none); hasCert: boolean
 *   uptime              { h24, d7, d30, d90 }: formatted percentages like '99.95%', '—' without data
 *   uptimeList          [{ label: '24 hours', shortLabel: '24h', value: '99.95%', hasData }] for all four windows
 *   days                90 Day entries, oldest first, ending today (UTC)
 *   historySummary      e.g. 'Last 90 days: 88 days operational, 1 day degraded, 1 day down, 0 days without data'
 *   barSegments         [{ status, d }]: SVG path data of the 90-day strip, one per status (viewBox 0 0 90 10;
 *                       stroke each path 10 high with stroke-dasharray ".75 .25")
 *   problemDays         degraded and down days, newest first: [{ date, worst, worstText, uptimeText }]; hasProblemDays
 *   noDataText          e.g. 'No data: 2026-08-29 to 2026-09-25 (28 days).' ('' when none); hasNoData
 *   hasLatencyHistory   true when the last 24 hours have response times
 *   p50Path, p95Path    SVG path data of the hourly p50 and p95 (viewBox 0 0 48 16, newest hour on the right)
 *   latencyScaleText    the top of the latency scale, e.g. '500 ms'
 *   latencySummary      the same figures in words
 *   inMaintenance       true while a maintenance window covers the check (it is not alerted on)
 *   maintenanceText     the window's message and end, e.g. 'Database upgrade (until 2026-11-26 14:00 UTC)' ('' when none)
 *
 * Incident: id, title, impact ('minor' | 'major' | 'critical'), impactText, state and stateText (of the
 *   latest update), resolved, startedAt, startedAtText, resolvedAtText, hasChecks, checksText
 *   ('Affects Public API'), updates: [{ at, atText, state, stateText, message }] newest first
 * Maintenance: id, message, active, start, end, whenText, checksText
 * TimelineDay: date, dateText ('Thu 26 Nov 2026'), isToday, incidents, hasIncidents, changes
 *   ([{ at, timeText, check, displayName, from, to, fromText, toText, message, hasMessage }], newest first),
 *   hasChanges, changesText ('3 status changes'), hasEvents
 *
 * Day
 * ---
 *   date                'YYYY-MM-DD' (UTC)
 *   worst               'up' | 'degraded' | 'down' | 'unknown' (unknown = no data)
 *   worstText           the status word (see Check.statusText), 'No data' when unknown
 *   uptimeText          '99.95%' or '—'; hasData: boolean
 *   title               tooltip, e.g. '2026-11-26: 99.95% uptime, worst status Degraded' / '2026-11-26: no data'
 *   isToday             boolean
 */
import { worstStatus } from './check-status';
import { buildHistoryChart, HistoryChartView } from './history-chart';
import { buildLatencyChart, LatencyChartView } from './latency-chart';
import { CheckStatus, CheckView, DayBar, PageSnapshot, UptimeWindows } from './model';
import { checkStatusText, overallStatusText } from './status-text';
import { formatAge, formatAgo, formatInterval, formatRelative, formatUtc, parseTime, plural } from './time-text';
import { buildTimeline, TimelineView } from './timeline-view';

export const NO_DATA = '—';

/** Above this many checks the page is compact: groups whose checks are all operational start collapsed. */
export const COMPACT_PAGE_CHECKS = 30;

export interface TemplateViewOptions {
  /** The time relative texts ("3 minutes ago") are computed from. */
  readonly now: Date;
  /** The check interval, shown as "checked every N minutes" when given. */
  readonly intervalSeconds?: number;
}

export interface UptimeView {
  readonly h24: string;
  readonly d7: string;
  readonly d30: string;
  readonly d90: string;
}

export interface UptimeEntryView {
  readonly label: string;
  readonly shortLabel: string;
  readonly value: string;
  readonly hasData: boolean;
}

export interface DayView {
  readonly date: string;
  readonly worst: CheckStatus;
  readonly worstText: string;
  readonly uptimeText: string;
  readonly hasData: boolean;
  readonly title: string;
  readonly isToday: boolean;
}

export interface CheckTemplateView extends HistoryChartView, LatencyChartView {
  readonly name: string;
  readonly displayName: string;
  readonly group: string;
  readonly hasGroup: boolean;
  readonly status: CheckStatus;
  readonly statusText: string;
  readonly isUp: boolean;
  readonly isDegraded: boolean;
  readonly isDown: boolean;
  readonly isUnknown: boolean;
  readonly message: string;
  readonly hasMessage: boolean;
  readonly latencyMs: number | '';
  readonly latencyText: string;
  readonly hasLatency: boolean;
  readonly lastCheckedAt: string;
  readonly lastCheckedText: string;
  readonly since: string;
  readonly sinceText: string;
  readonly hasSince: boolean;
  readonly certExpiresAt: string;
  readonly certExpiresText: string;
  readonly hasCert: boolean;
  readonly uptime: UptimeView;
  readonly uptimeList: UptimeEntryView[];
  readonly days: DayView[];
  readonly historySummary: string;
  readonly inMaintenance: boolean;
  readonly maintenanceText: string;
}

export interface GroupTemplateView {
  readonly name: string;
  readonly hasName: boolean;
  readonly status: CheckStatus;
  readonly statusText: string;
  readonly checks: CheckTemplateView[];
  readonly collapsed: boolean;
  readonly summaryText: string;
}

export interface PageTemplateView extends TimelineView {
  readonly title: string;
  readonly description: string;
  readonly hasDescription: boolean;
  readonly overall: CheckStatus;
  readonly overallText: string;
  readonly overallIsUp: boolean;
  readonly overallIsDegraded: boolean;
  readonly overallIsDown: boolean;
  readonly overallIsUnknown: boolean;
  readonly stale: boolean;
  readonly staleText: string;
  readonly hasUpdatedAt: boolean;
  readonly updatedAt: string;
  readonly updatedAtText: string;
  readonly updatedAgo: string;
  readonly generatedAt: string;
  readonly generatedAtText: string;
  readonly hasInterval: boolean;
  readonly intervalText: string;
  readonly checkCount: number;
  readonly upCount: number;
  readonly degradedCount: number;
  readonly downCount: number;
  readonly unknownCount: number;
  readonly hasChecks: boolean;
  readonly compact: boolean;
  readonly groups: GroupTemplateView[];
  readonly checks: CheckTemplateView[];
}

/** Builds the view documented at the top of this file. Pure: the same input gives the same view. */
export function buildTemplateView(snapshot: PageSnapshot, options: TemplateViewOptions): PageTemplateView {
  const now = options.now;
  const checks = snapshot.checks.map((c) => buildCheckView(c, now));
  const displayNames = new Map(checks.map((c) => [c.name, c.displayName]));
  const compact = checks.length > COMPACT_PAGE_CHECKS;
  const statuses = checks.map((c) => c.status);
  const updated = parseTime(snapshot.updatedAt);
  const generated = parseTime(snapshot.generatedAt) ?? now;
  const overall = snapshot.overall;
  const interval = options.intervalSeconds;
  const hasInterval = interval !== undefined && Number.isFinite(interval) && interval > 0;

  let staleText = '';
  if (snapshot.stale) {
    staleText = updated
      ? `Status data is ${formatAge(now.getTime() - updated.getTime())} old.`
      : 'No status data has been recorded yet.';
  }

  return {
    title: snapshot.title,
    description: snapshot.description ?? '',
    hasDescription: !!snapshot.description,
    overall,
    overallText: overallStatusText(overall, statuses),
    overallIsUp: overall === 'up',
    overallIsDegraded: overall === 'degraded',
    overallIsDown: overall === 'down',
    overallIsUnknown: overall === 'unknown',
    stale: snapshot.stale,
    staleText,
    hasUpdatedAt: !!updated,
    updatedAt: updated ? updated.toISOString() : '',
    updatedAtText: updated ? formatUtc(updated) : '',
    updatedAgo: updated ? formatAgo(now.getTime() - updated.getTime()) : '',
    generatedAt: generated.toISOString(),
    generatedAtText: formatUtc(generated),
    hasInterval,
    intervalText: hasInterval ? formatInterval(interval) : '',
    checkCount: checks.length,
    upCount: statuses.filter((s) => s === 'up').length,
    degradedCount: statuses.filter((s) => s === 'degraded').length,
    downCount: statuses.filter((s) => s === 'down').length,
    unknownCount: statuses.filter((s) => s === 'unknown').length,
    hasChecks: checks.length > 0,
    compact,
    groups: groupChecks(checks, compact),
    checks,
    ...buildTimeline(snapshot, now, displayNames),
  };
}

function buildCheckView(check: CheckView, now: Date): CheckTemplateView {
  const status = check.status;
  const latency = typeof check.latencyMs === 'number' && Number.isFinite(check.latencyMs) ? check.latencyMs : undefined;
  const lastChecked = parseTime(check.lastCheckedAt);
  const since = parseTime(check.since);
  const cert = parseTime(check.certExpiresAt);
  // 90 objects per check, which the default template never reads: built on first use only
  // (a getter, so a custom template that loops over them sees a plain list).
  let days: DayView[] | undefined;
  const maintenanceEnd = parseTime(check.maintenance?.end);
  return {
    name: check.name,
    displayName: check.displayName || check.name,
    group: check.group ?? '',
    hasGroup: !!check.group,
    status,
    statusText: checkStatusText(status),
    isUp: status === 'up',
    isDegraded: status === 'degraded',
    isDown: status === 'down',
    isUnknown: status === 'unknown',
    message: check.message ?? '',
    hasMessage: !!check.message,
    latencyMs: latency ?? '',
    latencyText: latency === undefined ? NO_DATA : `${Math.round(latency)} ms`,
    hasLatency: latency !== undefined,
    lastCheckedAt: lastChecked ? lastChecked.toISOString() : '',
    lastCheckedText: lastChecked ? formatAgo(now.getTime() - lastChecked.getTime()) : NO_DATA,
    since: since ? since.toISOString() : '',
    sinceText: since ? `for ${formatAge(now.getTime() - since.getTime())}` : '',
    hasSince: !!since,
    certExpiresAt: cert ? cert.toISOString() : '',
    certExpiresText: cert ? formatRelative(cert.getTime() - now.getTime()) : '',
    hasCert: !!cert,
    uptime: formatUptime(check.uptime),
    uptimeList: uptimeList(check.uptime),
    get days() {
      days ??= check.days.map((d, i) => buildDayView(d, i === check.days.length - 1));
      return days;
    },
    historySummary: historySummary(check.days),
    ...buildHistoryChart(check.days, formatPercent),
    ...buildLatencyChart(check.latency24h ?? []),
    inMaintenance: !!check.maintenance,
    maintenanceText: check.maintenance
      ? `${check.maintenance.message}${maintenanceEnd ? ` (until ${formatUtc(maintenanceEnd)})` : ''}`
      : '',
  };
}

function buildDayView(day: DayBar, isToday: boolean): DayView {
  const hasData = day.worst !== 'unknown' && day.uptime !== null;
  const uptimeText = formatPercent(day.uptime);
  return {
    date: day.date,
    worst: hasData ? day.worst : 'unknown',
    worstText: hasData ? checkStatusText(day.worst) : 'No data',
    uptimeText,
    hasData,
    title: hasData
      ? `${day.date}: ${uptimeText} uptime, worst status ${checkStatusText(day.worst)}`
      : `${day.date}: no data`,
    isToday,
  };
}

function groupChecks(checks: CheckTemplateView[], compact: boolean): GroupTemplateView[] {
  const byName = new Map<string, CheckTemplateView[]>();
  for (const c of checks) {
    const list = byName.get(c.group);
    if (list) list.push(c);
    else byName.set(c.group, [c]);
  }
  return [...byName.entries()].map(([name, list]) => {
    const status = worstStatus(list.map((c) => c.status));
    return {
      name,
      hasName: name !== '',
      status,
      statusText: checkStatusText(status),
      checks: list,
      collapsed: compact && list.every((c) => c.status === 'up' && !c.inMaintenance),
      summaryText: `Show ${plural(list.length, 'check')}`,
    };
  });
}

function formatUptime(u: UptimeWindows): UptimeView {
  return {
    h24: formatPercent(u.h24),
    d7: formatPercent(u.d7),
    d30: formatPercent(u.d30),
    d90: formatPercent(u.d90),
  };
}

function uptimeList(u: UptimeWindows): UptimeEntryView[] {
  const entry = (label: string, shortLabel: string, value: number | null): UptimeEntryView =>
    ({ label, shortLabel, value: formatPercent(value), hasData: isFraction(value) });
  return [
    entry('24 hours', '24h', u.h24),
    entry('7 days', '7d', u.d7),
    entry('30 days', '30d', u.d30),
    entry('90 days', '90d', u.d90),
  ];
}

function historySummary(days: DayBar[]): string {
  let up = 0, degraded = 0, down = 0, none = 0;
  for (const d of days) {
    if (d.uptime === null || d.worst === 'unknown') none++;
    else if (d.worst === 'down') down++;
    else if (d.worst === 'degraded') degraded++;
    else up++;
  }
  const n = (count: number, what: string) => `${count} ${count === 1 ? 'day' : 'days'} ${what}`;
  return `Last ${days.length} days: ${n(up, 'operational')}, ${n(degraded, 'degraded')}, ${n(down, 'down')}, ${n(none, 'without data')}`;
}

function isFraction(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * A fraction 0..1 as a percentage with two decimals, rounded DOWN so that 99.999% never shows
 * as 100%: 1 -> '100%', 0.99951 -> '99.95%', 0 -> '0%', null -> '—'.
 */
export function formatPercent(value: number | null | undefined): string {
  if (!isFraction(value)) return NO_DATA;
  const clamped = Math.min(1, Math.max(0, value));
  if (clamped === 1) return '100%';
  if (clamped === 0) return '0%';
  // Work in integer hundredths of a percent; the epsilon absorbs binary noise (0.9995*10000 = 9994.999…).
  const hundredths = Math.floor(clamped * 10000 + 1e-6);
  return `${(hundredths / 100).toFixed(2)}%`;
}
