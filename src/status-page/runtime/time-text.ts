/** Times and durations as the page writes them: UTC, unambiguous, in words where relative. */

/** A duration as words: '45 seconds', '1 minute', '12 minutes', '3 hours', '2 days'. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/** Time since an event: 'just now' under 10 seconds, else '<age> ago'. */
export function formatAgo(ms: number): string {
  if (ms < 10_000) return 'just now';
  return `${formatAge(ms)} ago`;
}

/** A signed offset from now: 'in 20 days' or '3 days ago'. */
export function formatRelative(msFromNow: number): string {
  return msFromNow >= 0 ? `in ${formatAge(msFromNow)}` : `${formatAge(-msFromNow)} ago`;
}

/** 'every minute', 'every 5 minutes', 'every hour', 'every 30 seconds'. */
export function formatInterval(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'every hour' : `every ${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'every minute' : `every ${seconds / 60} minutes`;
  return `every ${plural(seconds, 'second')}`;
}

/** 'YYYY-MM-DD HH:MM UTC' */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 'HH:MM UTC' */
export function formatUtcTime(date: Date): string {
  return `${date.toISOString().slice(11, 16)} UTC`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A UTC day as a heading: 'Thu 26 Nov 2026'. */
export function formatDay(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** An ISO time as a Date; undefined when missing or not a time. */
export function parseTime(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
