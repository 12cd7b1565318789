import { Token } from 'aws-cdk-lib';
import { describe, invalidProp, requireNonEmptyString } from '../private/validation';
import { MaintenanceWindowConfig } from './runtime/model';

/** Options for `MaintenanceWindow.of()`. */
export interface MaintenanceWindowOptions {
  /** Shown on the page, e.g. 'Database upgrade: checkout may be slow'. At most 1,000 characters. */
  readonly message: string;

  /**
   * When the window starts: an ISO 8601 time with a UTC offset, e.g. '2026-03-10T22:00:00Z' or
   * '2026-03-10T23:00:00+01:00'.
   */
  readonly start: string;

  /** When the window ends (ISO 8601 with a UTC offset): after `start`. */
  readonly end: string;

  /**
   * Names of the checks under maintenance.
   * @default - every check of the page
   */
  readonly checks?: string[];
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Scheduled maintenance, declared with the page (`StatusPageProps.maintenance`). While a window
 * is on, its checks are shown as under maintenance, their status changes raise no alert, and
 * their probes are not counted in uptime, day bars or latency history. The page lists windows
 * that are on or start within 14 days.
 *
 * @example
 * import { MaintenanceWindow } from 'cdk-status-and-streams';
 *
 * MaintenanceWindow.of('db-upgrade', {
 *   message: 'Database upgrade: checkout may be slow',
 *   start: '2026-03-10T22:00:00Z',
 *   end: '2026-03-10T23:30:00Z',
 *   checks: ['orders-api'],
 * });
 */
export class MaintenanceWindow {
  /**
   * A maintenance window.
   * @param id unique among the page's windows; 1 to 64 letters, digits, `.`, `_` or `-`
   */
  public static of(id: string, options: MaintenanceWindowOptions): MaintenanceWindow {
    const where = `MaintenanceWindow.of('${id}')`;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      invalidProp(where, 'id', `must be 1 to 64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit; got ${describe(id)}`);
    }
    requireNonEmptyString(where, 'message', options.message, 1000);
    if (Token.isUnresolved(options.message)) invalidProp(where, 'message', 'must be known at synth time; got an unresolved token');
    const start = parseTime(where, 'start', options.start);
    const end = parseTime(where, 'end', options.end);
    if (end <= start) {
      invalidProp(where, 'end', `must be after start (${describe(options.start)}); got ${describe(options.end)}`);
    }
    const checks = options.checks ?? [];
    checks.forEach((check, i) => {
      if (typeof check !== 'string' || check.length === 0) invalidProp(where, `checks[${i}]`, `must be the name of a check; got ${describe(check)}`);
    });
    return new MaintenanceWindow(id, {
      id,
      message: options.message,
      checks: [...new Set(checks)],
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
    });
  }

  /** The window's id. */
  public readonly id: string;

  private readonly config: MaintenanceWindowConfig;

  private constructor(id: string, config: MaintenanceWindowConfig) {
    this.id = id;
    this.config = config;
  }

  /**
   * The window as the handlers read it.
   * @internal
   */
  public _toConfig(): MaintenanceWindowConfig {
    return this.config;
  }
}

function parseTime(where: string, prop: string, value: string): number {
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value) || !Number.isFinite(Date.parse(value)) || !realDate(value)) {
    invalidProp(where, prop, `must be an ISO 8601 time with a UTC offset, e.g. '2026-03-10T22:00:00Z'; got ${describe(value)}`);
  }
  return Date.parse(value);
}

/** Date.parse rolls 2026-02-30 over to March 2: refuse days the month does not have. */
function realDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}
