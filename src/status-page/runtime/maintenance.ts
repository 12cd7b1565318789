/**
 * Scheduled maintenance windows (declared in the construct's `maintenance` prop and shipped in the
 * config). A window is active from `start` (included) to `end` (excluded) and covers the checks it
 * names, or every check when it names none.
 *
 * The rule while a window covers a check (record-run.ts applies it): the check is still probed
 * and its last latency and message are shown, but the probe is not counted at all: it changes
 * neither the status nor uptime, day bars or latency history, and it sends no alert.
 */
import { MaintenanceView, MaintenanceWindowConfig, StatusPageConfig } from './model';

/** Windows starting within this many days are listed on the page as upcoming. */
export const UPCOMING_DAYS = 14;

/** The window covering `check` at `now` (the one that started first), if any. */
export function activeWindow(config: Pick<StatusPageConfig, 'maintenance'>, check: string, now: Date): MaintenanceWindowConfig | undefined {
  const t = now.getTime();
  let found: MaintenanceWindowConfig | undefined;
  for (const window of config.maintenance ?? []) {
    if (!isActive(window, t) || !covers(window, check)) continue;
    if (!found || Date.parse(window.start) < Date.parse(found.start)) found = window;
  }
  return found;
}

/** Windows active at `now` or starting within UPCOMING_DAYS, soonest first. */
export function maintenanceViews(config: Pick<StatusPageConfig, 'maintenance'>, now: Date): MaintenanceView[] {
  const t = now.getTime();
  const horizon = t + UPCOMING_DAYS * 86_400_000;
  return (config.maintenance ?? [])
    .filter((w) => Date.parse(w.end) > t && Date.parse(w.start) <= horizon)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1))
    .map((w) => view(w, t));
}

/** A window as the page shows it. */
export function maintenanceView(window: MaintenanceWindowConfig, now: Date): MaintenanceView {
  return view(window, now.getTime());
}

function view(window: MaintenanceWindowConfig, t: number): MaintenanceView {
  return { ...window, checks: [...window.checks], active: isActive(window, t) };
}

function isActive(window: MaintenanceWindowConfig, t: number): boolean {
  return Date.parse(window.start) <= t && t < Date.parse(window.end);
}

function covers(window: MaintenanceWindowConfig, check: string): boolean {
  return window.checks.length === 0 || window.checks.includes(check);
}
