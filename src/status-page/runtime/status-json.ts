/**
 * The public shape of `GET /status.json`. It is a contract with whoever polls the page, so it
 * is built field by field from the snapshot (never the raw model) and only grows: new fields
 * may be added, existing ones keep their name, type and meaning while `schemaVersion` is 1.
 *
 * Checks come in pages of 200 (`?page=2`, …), so a 1,000-check page stays far below Lambda's
 * 6 MB response limit; with 200 checks or fewer there is one page and the document is complete.
 * Everything else (overall status, incidents, maintenance, changes) is on every page.
 *
 * ```jsonc
 * {
 *   "schemaVersion": 1,
 *   "title": "Acme status",
 *   "description": "Public services" | null,
 *   "overall": "up" | "degraded" | "down" | "unknown",   // worst status across ALL checks
 *   "updatedAt": "2026-11-26T08:25:00.000Z" | null,       // newest checker run; null before the first
 *   "generatedAt": "2026-11-26T08:25:30.000Z",            // when this document was produced
 *   "stale": false,                                       // true: updatedAt is too old (or null)
 *   "checks": [{                                          // this page's checks, in configuration order
 *     "name": "api",                                      // stable id; /badge/{name}.svg
 *     "displayName": "Public API",
 *     "group": "Core" | null,
 *     "status": "up" | "degraded" | "down" | "unknown",
 *     "message": "HTTP 503" | null,
 *     "latencyMs": 123 | null,
 *     "lastCheckedAt": "…" | null,
 *     "since": "…" | null,                                // when the current status began
 *     "certExpiresAt": "…" | null,
 *     "uptime": { "24h": 0.9995 | null, "7d": …, "30d": …, "90d": … },   // fractions 0..1
 *     "days": [{ "date": "2026-11-26", "uptime": 1 | null, "worst": "up" | … }],  // 90, oldest first
 *     "latency24h": [{ "hour": "2026-11-26T07:00:00.000Z", "p50Ms": 80 | null, "p95Ms": 140 | null }],  // oldest first
 *     "maintenance": "db-upgrade" | null                  // id of the maintenance window covering it now
 *   }],
 *   "checkCount": 1000,                                   // checks on all pages
 *   "page": 1, "pageCount": 5,
 *   "nextPage": "status.json?page=2" | null,              // relative to this document
 *   "incidents": [{ "id": "…", "title": "…", "impact": "minor" | "major" | "critical", "checks": ["api"],
 *                   "startedAt": "…", "resolvedAt": "…" | null,
 *                   "updates": [{ "at": "…", "state": "investigating" | "identified" | "monitoring" | "resolved", "message": "…" }] }],
 *   "maintenance": [{ "id": "…", "message": "…", "checks": ["db"], "start": "…", "end": "…", "active": true }],
 *   "changes": [{ "at": "…", "check": "api", "displayName": "Public API", "from": "up", "to": "down", "message": "…" | null }]
 * }
 * ```
 */
import { asCheckStatus } from './check-status';
import { CheckStatus, IncidentView, MaintenanceView, PageSnapshot, StatusChangeView } from './model';

export const STATUS_JSON_SCHEMA_VERSION = 1;
/** Checks per page of status.json: 200 checks with full history are about 1.2 MB of JSON. */
export const STATUS_JSON_PAGE_SIZE = 200;

export interface PublicDay {
  readonly date: string;
  readonly uptime: number | null;
  readonly worst: CheckStatus;
}

export interface PublicCheck {
  readonly name: string;
  readonly displayName: string;
  readonly group: string | null;
  readonly status: CheckStatus;
  readonly message: string | null;
  readonly latencyMs: number | null;
  readonly lastCheckedAt: string | null;
  readonly since: string | null;
  readonly certExpiresAt: string | null;
  readonly uptime: { readonly '24h': number | null; readonly '7d': number | null; readonly '30d': number | null; readonly '90d': number | null };
  readonly days: PublicDay[];
  readonly latency24h: Array<{ readonly hour: string; readonly p50Ms: number | null; readonly p95Ms: number | null }>;
  readonly maintenance: string | null;
}

export interface PublicStatus {
  readonly schemaVersion: number;
  readonly title: string;
  readonly description: string | null;
  readonly overall: CheckStatus;
  readonly updatedAt: string | null;
  readonly generatedAt: string;
  readonly stale: boolean;
  readonly checks: PublicCheck[];
  readonly checkCount: number;
  readonly page: number;
  readonly pageCount: number;
  readonly nextPage: string | null;
  readonly incidents: PublicIncident[];
  readonly maintenance: PublicMaintenance[];
  readonly changes: PublicChange[];
}

export interface PublicIncident {
  readonly id: string;
  readonly title: string;
  readonly impact: string;
  readonly checks: string[];
  readonly startedAt: string;
  readonly resolvedAt: string | null;
  readonly updates: Array<{ readonly at: string; readonly state: string; readonly message: string }>;
}

export interface PublicMaintenance {
  readonly id: string;
  readonly message: string;
  readonly checks: string[];
  readonly start: string;
  readonly end: string;
  readonly active: boolean;
}

export interface PublicChange {
  readonly at: string;
  readonly check: string;
  readonly displayName: string;
  readonly from: CheckStatus;
  readonly to: CheckStatus;
  readonly message: string | null;
}

/** Pages of status.json for a number of checks (at least 1, so an empty page still answers). */
export function statusPageCount(checkCount: number): number {
  return Math.max(1, Math.ceil(checkCount / STATUS_JSON_PAGE_SIZE));
}

/** The document for one page (1-based; the caller checks it is within statusPageCount). */
export function toPublicStatus(snapshot: PageSnapshot, page = 1): PublicStatus {
  const pageCount = statusPageCount(snapshot.checks.length);
  const first = (page - 1) * STATUS_JSON_PAGE_SIZE;
  return {
    schemaVersion: STATUS_JSON_SCHEMA_VERSION,
    title: snapshot.title,
    description: snapshot.description ?? null,
    overall: asCheckStatus(snapshot.overall),
    updatedAt: snapshot.updatedAt ?? null,
    generatedAt: snapshot.generatedAt,
    stale: snapshot.stale,
    checks: snapshot.checks.slice(first, first + STATUS_JSON_PAGE_SIZE).map((c) => ({
      name: c.name,
      displayName: c.displayName,
      group: c.group ?? null,
      status: asCheckStatus(c.status),
      message: c.message ?? null,
      latencyMs: finiteOrNull(c.latencyMs),
      lastCheckedAt: c.lastCheckedAt ?? null,
      since: c.since ?? null,
      certExpiresAt: c.certExpiresAt ?? null,
      uptime: {
        '24h': finiteOrNull(c.uptime.h24),
        '7d': finiteOrNull(c.uptime.d7),
        '30d': finiteOrNull(c.uptime.d30),
        '90d': finiteOrNull(c.uptime.d90),
      },
      days: c.days.map((d) => ({ date: d.date, uptime: finiteOrNull(d.uptime), worst: asCheckStatus(d.worst) })),
      latency24h: (c.latency24h ?? []).map((h) => ({ hour: h.hour, p50Ms: finiteOrNull(h.p50Ms), p95Ms: finiteOrNull(h.p95Ms) })),
      maintenance: c.maintenance?.id ?? null,
    })),
    checkCount: snapshot.checks.length,
    page,
    pageCount,
    nextPage: page < pageCount ? `status.json?page=${page + 1}` : null,
    incidents: (snapshot.incidents ?? []).map(publicIncident),
    maintenance: (snapshot.maintenance ?? []).map(publicMaintenance),
    changes: (snapshot.changes ?? []).map(publicChange),
  };
}

function publicIncident(i: IncidentView): PublicIncident {
  return {
    id: i.id,
    title: i.title,
    impact: i.impact,
    checks: [...i.checks],
    startedAt: i.startedAt,
    resolvedAt: i.resolvedAt ?? null,
    updates: i.updates.map((u) => ({ at: u.at, state: u.state, message: u.message })),
  };
}

function publicMaintenance(m: MaintenanceView): PublicMaintenance {
  return { id: m.id, message: m.message, checks: [...m.checks], start: m.start, end: m.end, active: m.active };
}

function publicChange(c: StatusChangeView): PublicChange {
  return {
    at: c.at,
    check: c.check,
    displayName: c.displayName,
    from: asCheckStatus(c.from),
    to: asCheckStatus(c.to),
    message: c.message ?? null,
  };
}

/**
 * Compact JSON text for the response (no indentation: half the bytes, the same value). `<`, `>`,
 * `&` and the JS line separators are written as \u escapes:
 * still the same JSON value (JSON.parse gives back the exact strings), but inert if a browser
 * ever sniffs it as HTML or it is pasted into a script block.
 */
export function stringifyPublicStatus(status: PublicStatus): string {
  return JSON.stringify(status)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
