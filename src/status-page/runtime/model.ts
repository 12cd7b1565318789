/**
 * The shapes shared by the StatusPage construct (which writes the config file at synth time),
 * the checker (which probes and stores) and the renderer (which reads and renders).
 *
 * Runtime code only: nothing here is part of the jsii public API.
 */

/** What a probe found, before consecutive-failure smoothing. */
export type ProbeOutcome = 'up' | 'degraded' | 'down';

/** What the page shows for a check. `unknown` = never checked yet. */
export type CheckStatus = 'up' | 'degraded' | 'down' | 'unknown';

export interface HttpCheckConfig {
  readonly kind: 'http';
  readonly name: string;
  readonly displayName: string;
  readonly group?: string;
  readonly url: string;
  readonly method: 'GET' | 'HEAD';
  /** Any of these status codes counts as up. */
  readonly expectedStatusCodes: number[];
  readonly bodyContains?: string;
  /** Latency above this marks the check degraded. */
  readonly degradedAfterMs?: number;
  /** A certificate expiring within this many days marks the check degraded. */
  readonly certExpiryWarningDays?: number;
  /** Extra request headers (never secrets: the config file is not a secret store). */
  readonly headers?: Record<string, string>;
  /** PEM of extra CA certificates to trust (private CAs); public CAs stay trusted. */
  readonly caCertificatesPem?: string;
  readonly timeoutMs: number;
  /** The name this check had before: its stored history moves to the new name. */
  readonly renamedFrom?: string;
}

export interface TcpCheckConfig {
  readonly kind: 'tcp';
  readonly name: string;
  readonly displayName: string;
  readonly group?: string;
  readonly host: string;
  readonly port: number;
  readonly degradedAfterMs?: number;
  readonly timeoutMs: number;
  /** The name this check had before: its stored history moves to the new name. */
  readonly renamedFrom?: string;
}

export type CheckConfig = HttpCheckConfig | TcpCheckConfig;

/** The file the construct writes at synth time; both Lambdas read it once per cold start. */
export interface StatusPageConfig {
  readonly title: string;
  readonly description?: string;
  readonly intervalSeconds: number;
  /** A check goes DOWN only after this many consecutive failed probes. */
  readonly failureThreshold: number;
  /** A DOWN check recovers after this many consecutive good probes. */
  readonly successThreshold: number;
  /**
   * An up check shows DEGRADED only after this many consecutive probes that were not up;
   * 1 (no smoothing) when absent. The construct always writes it.
   */
  readonly degradedThreshold?: number;
  /** How many probes run at once. */
  readonly concurrency: number;
  /** Results older than this many intervals show a stale-data notice. */
  readonly staleAfterIntervals: number;
  /** Checks are stored in shards of at most this many checks (one item each). */
  readonly checksPerShard: number;
  readonly checks: CheckConfig[];
  /** Scheduled maintenance windows (none when absent). */
  readonly maintenance?: MaintenanceWindowConfig[];
}

/** One probe's result. */
export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  readonly latencyMs: number;
  /** Human-readable; always set for degraded and down. */
  readonly message?: string;
  /** ISO time the TLS certificate expires, for HTTPS checks. */
  readonly certExpiresAt?: string;
}

/** Uptime over a window, as a fraction 0..1; null when the window holds no probe. */
export interface UptimeWindows {
  readonly h24: number | null;
  readonly d7: number | null;
  readonly d30: number | null;
  readonly d90: number | null;
}

/** One bar on the 90-day strip. */
export interface DayBar {
  /** yyyy-mm-dd (UTC) */
  readonly date: string;
  /** Fraction of probes that were up or degraded; null = no data that day. */
  readonly uptime: number | null;
  /** Worst outcome seen that day; unknown = no data. */
  readonly worst: CheckStatus;
}

/** Response times of one UTC hour (from the hourly rollups); null = no probe that hour. */
export interface LatencyHour {
  /** ISO time the hour starts. */
  readonly hour: string;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** A scheduled maintenance window (declared in the construct's props). */
export interface MaintenanceWindowConfig {
  readonly id: string;
  /** Shown on the page. */
  readonly message: string;
  /** Names of the checks under maintenance; empty = every check. */
  readonly checks: string[];
  /** ISO times. */
  readonly start: string;
  readonly end: string;
}

/** A maintenance window as the page shows it. */
export interface MaintenanceView extends MaintenanceWindowConfig {
  /** True while now is within [start, end). */
  readonly active: boolean;
}

export type IncidentState = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface IncidentUpdate {
  /** ISO time. */
  readonly at: string;
  readonly state: IncidentState;
  readonly message: string;
}

/** An incident an operator posted (no redeploy needed), with its updates, oldest first. */
export interface IncidentView {
  readonly id: string;
  readonly title: string;
  readonly impact: 'minor' | 'major' | 'critical';
  /** Names of the affected checks (may be empty). */
  readonly checks: string[];
  /** ISO time of the first update. */
  readonly startedAt: string;
  /** ISO time of the `resolved` update, if any. */
  readonly resolvedAt?: string;
  readonly updates: IncidentUpdate[];
}

/** A status change of a check, for the timeline. */
export interface StatusChangeView {
  readonly at: string;
  readonly check: string;
  readonly displayName: string;
  readonly from: CheckStatus;
  readonly to: CheckStatus;
  readonly message?: string;
}

/** What the renderer needs for one check. */
export interface CheckView {
  readonly name: string;
  readonly displayName: string;
  readonly group?: string;
  readonly status: CheckStatus;
  readonly message?: string;
  readonly latencyMs?: number;
  /** ISO time of the last probe. */
  readonly lastCheckedAt?: string;
  /** ISO time the current status began. */
  readonly since?: string;
  readonly certExpiresAt?: string;
  readonly uptime: UptimeWindows;
  /** Oldest first, exactly 90 entries ending today (UTC). */
  readonly days: DayBar[];
  /** Oldest first, the last 24 complete UTC hours. */
  readonly latency24h: LatencyHour[];
  /** The maintenance window the check is in now, if any (it is not alerted on). */
  readonly maintenance?: MaintenanceView;
}

/** Everything one page render needs; read with O(1) DynamoDB calls. */
export interface PageSnapshot {
  readonly title: string;
  readonly description?: string;
  /** ISO time the snapshot was read. */
  readonly generatedAt: string;
  /** ISO time of the newest checker run; undefined = no run yet. */
  readonly updatedAt?: string;
  /** True when updatedAt is older than staleAfterIntervals × interval (or missing). */
  readonly stale: boolean;
  /** Worst status across checks (unknown only if every check is unknown). */
  readonly overall: CheckStatus;
  readonly checks: CheckView[];
  /** Incidents of the last 14 days and every unresolved one, newest first. */
  readonly incidents: IncidentView[];
  /** Maintenance windows active now or starting within 14 days, soonest first. */
  readonly maintenance: MaintenanceView[];
  /** Status changes of the last 14 days, newest first (at most 200). */
  readonly changes: StatusChangeView[];
}

/** Published to SNS when a check's (smoothed) status changes. */
export interface StatusChangeEvent {
  readonly type: 'status-change';
  readonly check: string;
  readonly displayName: string;
  readonly from: CheckStatus;
  readonly to: CheckStatus;
  readonly message?: string;
  readonly at: string;
}
