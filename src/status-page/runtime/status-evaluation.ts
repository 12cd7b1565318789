/**
 * Consecutive-failure smoothing: previous stored state + one new probe result => new state.
 *
 * - A failed probe (`down`) turns the check DOWN only after `failureThreshold` consecutive
 *   failures; before that the check keeps its previous status and says "failing (1 of 2): …".
 * - A DOWN check recovers after `successThreshold` consecutive good probes ("recovering (1 of 2)").
 * - Degraded is not a failure: it shows immediately (and counts as good for recovery).
 * - A change from `unknown` (first probe ever) is reported with `publishable: false`: it is
 *   the page learning the status, not an incident, and must not be sent as an alert.
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
  /** ISO time of the last probe. */
  readonly lastCheckedAt?: string;
  readonly certExpiresAt?: string;
}

export const INITIAL_STATE: CheckState = { status: 'unknown', consecutiveFailures: 0, consecutiveSuccesses: 0 };

export interface Thresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
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
  const failed = result.outcome === 'down';
  const consecutiveFailures = failed ? prev.consecutiveFailures + 1 : 0;
  const consecutiveSuccesses = failed ? 0 : prev.consecutiveSuccesses + 1;

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
