/**
 * Incidents, maintenance windows and status changes as the page shows them: the notices at the
 * top (incidents not yet resolved, maintenance in progress) and a timeline of the last 14 UTC
 * days, newest first, with every day listed (a quiet day says so).
 */
import { CheckStatus, IncidentView, MaintenanceView, PageSnapshot, StatusChangeView } from './model';
import { checkStatusText } from './status-text';
import { formatDay, formatUtc, formatUtcTime, parseTime, plural } from './time-text';

export const TIMELINE_DAYS = 14;
const DAY_MS = 86_400_000;

export interface IncidentUpdateTemplateView {
  readonly at: string;
  readonly atText: string;
  readonly state: string;
  readonly stateText: string;
  readonly message: string;
}

export interface IncidentTemplateView {
  readonly id: string;
  readonly title: string;
  /** 'minor' | 'major' | 'critical' */
  readonly impact: string;
  readonly impactText: string;
  /** State of the latest update. */
  readonly state: string;
  readonly stateText: string;
  readonly resolved: boolean;
  readonly startedAt: string;
  readonly startedAtText: string;
  readonly resolvedAtText: string;
  readonly hasChecks: boolean;
  /** e.g. 'Affects Public API, Website' ('' when no check is named) */
  readonly checksText: string;
  /** Newest first. */
  readonly updates: IncidentUpdateTemplateView[];
}

export interface MaintenanceTemplateView {
  readonly id: string;
  readonly message: string;
  readonly active: boolean;
  readonly start: string;
  readonly end: string;
  /** e.g. '2026-11-27 02:00 UTC to 2026-11-27 04:00 UTC' */
  readonly whenText: string;
  /** e.g. 'Affects Public API' or 'Affects every service' */
  readonly checksText: string;
}

export interface ChangeTemplateView {
  readonly at: string;
  readonly timeText: string;
  readonly check: string;
  readonly displayName: string;
  readonly from: CheckStatus;
  readonly to: CheckStatus;
  readonly fromText: string;
  readonly toText: string;
  readonly message: string;
  readonly hasMessage: boolean;
}

export interface TimelineDayView {
  readonly date: string;
  /** e.g. 'Thu 26 Nov 2026' */
  readonly dateText: string;
  readonly isToday: boolean;
  readonly incidents: IncidentTemplateView[];
  readonly hasIncidents: boolean;
  /** Newest first. */
  readonly changes: ChangeTemplateView[];
  readonly hasChanges: boolean;
  /** e.g. '3 status changes' */
  readonly changesText: string;
  readonly hasEvents: boolean;
}

export interface TimelineView {
  readonly activeIncidents: IncidentTemplateView[];
  readonly hasActiveIncidents: boolean;
  readonly maintenanceNow: MaintenanceTemplateView[];
  readonly hasMaintenanceNow: boolean;
  readonly upcomingMaintenance: MaintenanceTemplateView[];
  readonly hasUpcomingMaintenance: boolean;
  /** The last 14 days, today first. */
  readonly timeline: TimelineDayView[];
}

const STATE_TEXT: Record<string, string> = {
  investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved',
};
const IMPACT_TEXT: Record<string, string> = { minor: 'Minor', major: 'Major', critical: 'Critical' };

/** Builds the notices and the timeline; `displayNames` maps check names to the names shown. */
export function buildTimeline(snapshot: PageSnapshot, now: Date, displayNames: ReadonlyMap<string, string>): TimelineView {
  const incidents = (snapshot.incidents ?? []).map((i) => incidentView(i, displayNames));
  const maintenance = (snapshot.maintenance ?? []).map((m) => maintenanceView(m, displayNames));
  const changes = (snapshot.changes ?? []).map((c) => changeView(c));
  const activeIncidents = incidents.filter((i) => !i.resolved);
  const maintenanceNow = maintenance.filter((m) => m.active);
  const upcomingMaintenance = maintenance.filter((m) => !m.active);

  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const timeline: TimelineDayView[] = [];
  for (let i = 0; i < TIMELINE_DAYS; i++) {
    const day = new Date(today - i * DAY_MS);
    const date = day.toISOString().slice(0, 10);
    const dayIncidents = incidents.filter((x) => x.startedAt.slice(0, 10) === date);
    const dayChanges = changes.filter((c) => c.at.slice(0, 10) === date);
    timeline.push({
      date,
      dateText: formatDay(day),
      isToday: i === 0,
      incidents: dayIncidents,
      hasIncidents: dayIncidents.length > 0,
      changes: dayChanges,
      hasChanges: dayChanges.length > 0,
      changesText: plural(dayChanges.length, 'status change'),
      hasEvents: dayIncidents.length + dayChanges.length > 0,
    });
  }
  return {
    activeIncidents,
    hasActiveIncidents: activeIncidents.length > 0,
    maintenanceNow,
    hasMaintenanceNow: maintenanceNow.length > 0,
    upcomingMaintenance,
    hasUpcomingMaintenance: upcomingMaintenance.length > 0,
    timeline,
  };
}

/** 'Affects A, B' for named checks; `everything` when the list is empty. */
export function affectsText(checks: readonly string[], displayNames: ReadonlyMap<string, string>, everything: string): string {
  if (checks.length === 0) return everything;
  return `Affects ${checks.map((c) => displayNames.get(c) ?? c).join(', ')}`;
}

export function stateText(state: string): string {
  return STATE_TEXT[state] ?? 'Update';
}

export function impactText(impact: string): string {
  return IMPACT_TEXT[impact] ?? 'Minor';
}

function incidentView(incident: IncidentView, displayNames: ReadonlyMap<string, string>): IncidentTemplateView {
  const updates = [...(incident.updates ?? [])]
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((u) => ({ at: u.at, atText: utcText(u.at), state: u.state, stateText: stateText(u.state), message: u.message ?? '' }));
  const state = updates[0]?.state ?? 'investigating';
  const resolved = incident.resolvedAt !== undefined || state === 'resolved';
  return {
    id: incident.id,
    title: incident.title,
    impact: incident.impact,
    impactText: impactText(incident.impact),
    state,
    stateText: stateText(state),
    resolved,
    startedAt: incident.startedAt,
    startedAtText: utcText(incident.startedAt),
    resolvedAtText: incident.resolvedAt ? utcText(incident.resolvedAt) : '',
    hasChecks: incident.checks.length > 0,
    checksText: affectsText(incident.checks, displayNames, ''),
    updates,
  };
}

export function maintenanceView(m: MaintenanceView, displayNames: ReadonlyMap<string, string>): MaintenanceTemplateView {
  return {
    id: m.id,
    message: m.message,
    active: m.active,
    start: m.start,
    end: m.end,
    whenText: `${utcText(m.start)} to ${utcText(m.end)}`,
    checksText: affectsText(m.checks, displayNames, 'Affects every service'),
  };
}

function changeView(c: StatusChangeView): ChangeTemplateView {
  const at = parseTime(c.at);
  return {
    at: c.at,
    timeText: at ? formatUtcTime(at) : '',
    check: c.check,
    displayName: c.displayName || c.check,
    from: c.from,
    to: c.to,
    fromText: checkStatusText(c.from),
    toText: checkStatusText(c.to),
    message: c.message ?? '',
    hasMessage: !!c.message,
  };
}

function utcText(iso: string): string {
  const d = parseTime(iso);
  return d ? formatUtc(d) : '';
}
