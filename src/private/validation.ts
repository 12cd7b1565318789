import { Duration, Token } from 'aws-cdk-lib';

/**
 * Validation helpers shared by the constructs. Every error names the prop, the value that was
 * given and what would be accepted, so a user can fix the input without reading our source.
 * Values that are unresolved tokens are skipped: they are only known at deploy time.
 */

/** Throws `<where>: <prop> <problem>` — the single format of every props error. */
export function invalidProp(where: string, prop: string, problem: string): never {
  throw new Error(`${where}: ${prop} ${problem}`);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  }
  return String(value);
}

export function requireInteger(where: string, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalidProp(where, prop, `must be a whole number from ${min} to ${max}; got ${describe(value)}`);
  }
}

export function requireDuration(where: string, prop: string, value: Duration | undefined, minMs: number, maxMs: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const ms = value.toMilliseconds();
  if (ms < minMs || ms > maxMs) {
    invalidProp(where, prop, `must be from ${formatMs(minMs)} to ${formatMs(maxMs)}; got ${value.toHumanString()}`);
  }
}

export function requireNonEmptyString(where: string, prop: string, value: string | undefined, maxLength: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.trim().length === 0 || value.length > maxLength) {
    invalidProp(where, prop, `must be a non-empty string of at most ${maxLength} characters; got ${describe(value)}`);
  }
}

export function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute(s)`;
  if (ms % 1000 === 0) return `${ms / 1000} second(s)`;
  return `${ms} ms`;
}
