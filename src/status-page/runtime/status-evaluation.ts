/**
 * Consecutive-probe smoothing: previous stored state + one new probe result => new state.
 *
 * - A failed probe (`down`) turns the check DOWN only after `failureThreshold` consecutive
 *   failures; before that the check keeps its previous status and says "failing (1 of 2): …".
 * - A DOWN check recovers after `successThreshold` consecutive good probes ("recovering (1 of 2)").
 *   A degraded probe is not a failure and counts as good for that recovery.
 * - A degraded probe turns an up (or never-checked) check DEGRADED only after
 *   `degradedThreshold` consecutive probes that were not up (degraded or down); before that the
 *   check keeps its status and says "degraded (1 of 2): …". So one slow probe alerts nobody. A
 *   DEGRADED check is up again on the first up probe (degraded is a warning, not an outage).
 * - A change from `unknown` (first probe ever) is reported with `publishable: false`: it is
 *   the page learning the status, not an incident, and must not be sent as an alert.
 * - The consecutive counters stop at the largest threshold: beyond it they change nothing, and
 *   a counter that stops growing costs fewer stored bytes.
 *
 * Pure: no I/O, the time is passed in.
 */
import { CheckConfig, CheckStatus, ProbeResult, StatusChangeEvent } from './model';

/** What the store keeps per check between runs. */
export interface CheckState {
  readonly status: CheckStatus;
  /** ISO time the current status began. */
  readonly since?: string;
  readonly latencyMs?: number;
  readonly message?: string;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** Consecutive probes that were not up (degraded or down). */
  readonly consecutiveNotUp: number;
  /** ISO time of the last probe. */
  readonly lastCheckedAt?: string;
  readonly certExpiresAt?: string;
}

export const INITIAL_STATE: CheckState = { status: 'unknown', consecutiveFailures: 0, consecutiveSuccesses: 0, consecutiveNotUp: 0 };

export interface Thresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** Consecutive not-up probes before an up check shows DEGRADED; 1 (no smoothing) when absent. */
  readonly degradedThreshold?: number;
}

export interface Evaluation {
  readonly state: CheckState;
  /** Set when the smoothed status changed. */
  readonly change?: StatusChangeEvent;
  /** False for the first status of a never-checked check (unknown -> x): not an alert. */
  readonly publishable: boolean;
}

export function evaluateProbe(
  check: Pick<CheckConfig, 'name' | 'displayName'>,
  previous: CheckState | undefined,
  result: ProbeResult,
  thresholds: Thresholds,
  now: Date,
): Evaluation {
  const prev = previous ?? INITIAL_STATE;
  const failureThreshold = Math.max(1, Math.floor(thresholds.failureThreshold));
  const successThreshold = Math.max(1, Math.floor(thresholds.successThreshold));
  const degradedThreshold = Math.max(1, Math.floor(thresholds.degradedThreshold ?? 1));
  const cap = Math.max(failureThreshold, successThreshold, degradedThreshold);
  const failed = result.outcome === 'down';
  const consecutiveFailures = failed ? Math.min(prev.consecutiveFailures + 1, cap) : 0;
  const consecutiveSuccesses = failed ? 0 : Math.min(prev.consecutiveSuccesses + 1, cap);
  const consecutiveNotUp = result.outcome === 'up' ? 0 : Math.min((prev.consecutiveNotUp ?? 0) + 1, cap);

  let status: CheckStatus;
  let message: string | undefined;
  if (failed) {
    if (consecutiveFailures >= failureThreshold || prev.status === 'down') {
      status = 'down';
      message = result.message ?? 'down';
    } else {
      status = prev.status;
      message = `failing (${consecutiveFailures} of ${failureThreshold})${result.message ? `: ${result.message}` : ''}`;
    }
  } else if (prev.status === 'down' && consecutiveSuccesses < successThreshold) {
    status = 'down';
    message = `recovering (${consecutiveSuccesses} of ${successThreshold})${result.message ? `: ${result.message}` : ''}`;
  } else if (result.outcome === 'degraded' && prev.status !== 'degraded' && prev.status !== 'down' && consecutiveNotUp < degradedThreshold) {
    status = prev.status;
    message = `degraded (${consecutiveNotUp} of ${degradedThreshold})${result.message ? `: ${result.message}` : ''}`;
  } else {
    status = result.outcome;
    message = result.message;
  }

  const at = now.toISOString();
  const changed = status !== prev.status;
  const state: CheckState = {
    status,
    since: changed ? at : prev.since ?? at,
    latencyMs: result.latencyMs,
    message,
    consecutiveFailures,
    consecutiveSuccesses,
    consecutiveNotUp,
    lastCheckedAt: at,
    certExpiresAt: result.certExpiresAt,
  };
  if (!changed) return { state, publishable: false };
  const change: StatusChangeEvent = {
    type: 'status-change',
    check: check.name,
    displayName: check.displayName,
    from: prev.status,
    to: status,
    message,
    at,
  };
  return { state, change, publishable: prev.status !== 'unknown' };
}

/**
 * A probe during a maintenance window of the check: it shows the probe's latency and message but
 * changes neither the status nor `since`, and restarts the consecutive counters, so the window
 * can neither raise nor clear an alert and smoothing starts afresh when the window ends.
 */
export function holdForMaintenance(previous: CheckState | undefined, result: ProbeResult, now: Date): CheckState {
  const prev = previous ?? INITIAL_STATE;
  return {
    ...prev,
    latencyMs: result.latencyMs,
    message: result.message,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    consecutiveNotUp: 0,
    lastCheckedAt: now.toISOString(),
    certExpiresAt: result.certExpiresAt,
  };
}
