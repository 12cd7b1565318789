import { CheckStatus } from './model';

/**
 * Words shown for each status, so a status is always conveyed by text and not only by color.
 * Shared by the HTML view, the JSON endpoint and the badges.
 */

/** Pill text for one check. */
export function checkStatusText(status: CheckStatus): string {
  switch (status) {
    case 'up': return 'Operational';
    case 'degraded': return 'Degraded';
    case 'down': return 'Down';
    default: return 'Unknown';
  }
}

/** Short word for badges ("up", "degraded", "down", "unknown"). */
export function badgeStatusText(status: CheckStatus): string {
  return status === 'up' || status === 'degraded' || status === 'down' ? status : 'unknown';
}

/**
 * The banner sentence for the whole page.
 * `down` is a "Major outage" when every check with data is down, otherwise a "Partial outage".
 */
export function overallStatusText(overall: CheckStatus, statuses: readonly CheckStatus[]): string {
  switch (overall) {
    case 'up': return 'All systems operational';
    case 'degraded': return 'Degraded performance';
    case 'down': {
      const known = statuses.filter((s) => s !== 'unknown');
      return known.length > 0 && known.every((s) => s === 'down') ? 'Major outage' : 'Partial outage';
    }
    default: return 'Status not yet known';
  }
}
