/**
 * The public shape of `GET /status.json`. It is a contract with whoever polls the page, so it
 * is built field by field from the snapshot (never the raw model) and only grows: new fields
 * may be added, existing ones keep their name, type and meaning while `schemaVersion` is 1.
 *
 * ```jsonc
 * {
 *   "schemaVersion": 1,
 *   "title": "Acme status",
 *   "description": "Public services" | null,
 *   "overall": "up" | "degraded" | "down" | "unknown",   // worst status across checks
 *   "updatedAt": "2026-11-26T08:25:00.000Z" | null,       // newest checker run; null before the first
 *   "generatedAt": "2026-11-26T08:25:30.000Z",            // when this document was produced
 *   "stale": false,                                       // true: updatedAt is too old (or null)
 *   "checks": [{
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
 *     "days": [{ "date": "2026-11-26", "uptime": 1 | null, "worst": "up" | … }]  // 90, oldest first
 *   }]
 * }
 * ```
 */
import { asCheckStatus } from './check-status';
import { CheckStatus, PageSnapshot } from './model';

export const STATUS_JSON_SCHEMA_VERSION = 1;

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
}

export function toPublicStatus(snapshot: PageSnapshot): PublicStatus {
  return {
    schemaVersion: STATUS_JSON_SCHEMA_VERSION,
    title: snapshot.title,
    description: snapshot.description ?? null,
    overall: asCheckStatus(snapshot.overall),
    updatedAt: snapshot.updatedAt ?? null,
    generatedAt: snapshot.generatedAt,
    stale: snapshot.stale,
    checks: snapshot.checks.map((c) => ({
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
    })),
  };
}

/**
 * JSON text for the response. `<`, `>`, `&` and the JS line separators are written as \u escapes:
 * still the same JSON value (JSON.parse gives back the exact strings), but inert if a browser
 * ever sniffs it as HTML or it is pasted into a script block.
 */
export function stringifyPublicStatus(status: PublicStatus): string {
  return JSON.stringify(status, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
