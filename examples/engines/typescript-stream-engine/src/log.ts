/**
 * One JSON object per line on stdout (what CloudWatch Logs and `docker logs` collect), with the
 * engine's name on every line. Secrets are never logged.
 */
export type LogFields = Record<string, unknown>;

export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function createLog(engine: string): Log {
  const write = (level: string) => (message: string, fields: LogFields = {}) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, engine, message, ...fields },
      (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * An error's message, with the errors it aggregates and its cause: the Kafka client reports a
 * broker's answer (e.g. "SASL authentication failed") as a nested error. `stack` adds stack traces.
 */
export function describeError(error: unknown, stack = false): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const nested = [...((error as Partial<AggregateError>).errors ?? []), ...(error.cause ? [error.cause] : [])];
  const own = stack ? (error.stack ?? error.message) : error.message;
  return [own, ...nested.map((inner) => `caused by: ${describeError(inner, stack)}`)].join(stack ? '\n' : '; ');
}
