import { Log, LogFields } from '../../../../src/shared/runtime/logger';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Log that keeps every entry (message and merged fields) for the test to read. */
export function recordingLog(): { log: Log; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (message: string, ...fields: LogFields[]) => {
    entries.push({ level, message, fields: Object.assign({}, ...fields) });
  };
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

/** A Log that drops everything (for tests that do not look at logs). */
const nothing = () => undefined;
export const silentLog: Log = { debug: nothing, info: nothing, warn: nothing, error: nothing };
