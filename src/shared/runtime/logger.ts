/**
 * One log shape for every handler: Powertools Logger's structured JSON (`level`, `message`,
 * `timestamp`, `service`, then the fields of the call), one line per entry on stdout, which
 * Lambda sends to the function's log group. The level comes from POWERTOOLS_LOG_LEVEL
 * (default INFO). Never pass a secret in a field.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** What runtime code logs through: Powertools' Logger, or a recording stand-in in tests. */
export interface Log {
  debug(message: string, ...fields: LogFields[]): void;
  info(message: string, ...fields: LogFields[]): void;
  warn(message: string, ...fields: LogFields[]): void;
  error(message: string, ...fields: LogFields[]): void;
}

/** Extra fields of one entry (JSON-serializable; errors are reduced to their name and message by Powertools). */
export type LogFields = Record<string, unknown>;

/** The logger of one handler; `service` names the handler (for example `status-page-checker`). */
export function createLogger(service: string): Logger {
  return new Logger({ serviceName: service });
}
