/** The order of check statuses: the one place that says which status is worse. */
import { CheckStatus } from './model';

const SEVERITY: Record<CheckStatus, number> = { unknown: 0, up: 1, degraded: 2, down: 3 };

/** The worst of several statuses; unknown only when all are unknown (or the list is empty). */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  let worst: CheckStatus = 'unknown';
  for (const s of statuses) {
    if ((SEVERITY[s] ?? 0) > SEVERITY[worst]) worst = s;
  }
  return worst;
}

/** Normalises anything unexpected (e.g. a value read from storage) to a known status. */
export function asCheckStatus(value: unknown): CheckStatus {
  return value === 'up' || value === 'degraded' || value === 'down' ? value : 'unknown';
}
