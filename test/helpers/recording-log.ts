import { Log, LogFields } from '../../src/shared/runtime/logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** The fields of the call merged into one object (empty when none were given). */
  readonly fields: LogFields;
}

/** A `Log` that keeps every entry, for tests that check what a handler logged. */
export class RecordingLog implements Log {
  readonly entries: LogEntry[] = [];

  debug(message: string, ...fields: LogFields[]): void {
    this.record('debug', message, fields);
  }

  info(message: string, ...fields: LogFields[]): void {
    this.record('info', message, fields);
  }

  warn(message: string, ...fields: LogFields[]): void {
    this.record('warn', message, fields);
  }

  error(message: string, ...fields: LogFields[]): void {
    this.record('error', message, fields);
  }

  /** The entries with this message. */
  withMessage(message: string): LogEntry[] {
    return this.entries.filter((e) => e.message === message);
  }

  private record(level: LogLevel, message: string, fields: LogFields[]): void {
    this.entries.push({ level, message, fields: Object.assign({}, ...fields) });
  }
}

/** A `Log` that drops everything (benchmarks, tests that do not look at logs). */
export const SILENT_LOG: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The JSON log entries (Powertools' shape) among a bundled handler's output lines. */
export function jsonLogEntries(output: string): Array<Record<string, unknown>> {
  return output.split('\n')
    .filter((line) => line.startsWith('{') && !line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
