import { config, HOSTILE } from './fixtures';
import { DocumentSender } from '../../../src/shared/runtime/dynamo-batch';
import { CheckConfig, ProbeResult, StatusPageConfig } from '../../../src/status-page/runtime/model';
import { recordRun } from '../../../src/status-page/runtime/record-run';
import { SILENT_LOG } from '../../helpers/recording-log';

/** Checks used by the tests that go through the real store (dynalite). */
export const SEEDED_CHECKS: CheckConfig[] = [
  { kind: 'http', name: 'api', displayName: 'Public API', group: 'Core', url: 'https://api.example.com/health', method: 'GET', expectedStatusCodes: [200], timeoutMs: 2000 },
  { kind: 'http', name: 'web', displayName: 'Website', group: 'Core', url: 'https://www.example.com/', method: 'GET', expectedStatusCodes: [200], timeoutMs: 2000 },
  { kind: 'tcp', name: 'db', displayName: 'Database', group: 'Data', host: 'db.internal', port: 5432, timeoutMs: 2000 },
  { kind: 'tcp', name: 'hostile', displayName: HOSTILE.script, group: HOSTILE.img, host: 'x.internal', port: 1, timeoutMs: 2000 },
];

export const SEEDED_RESULTS: ProbeResult[] = [
  { outcome: 'up', latencyMs: 87 },
  { outcome: 'degraded', latencyMs: 2400, message: 'Slow response: 2400 ms' },
  { outcome: 'down', latencyMs: 2000, message: 'connect ETIMEDOUT' },
  { outcome: 'down', latencyMs: 5, message: HOSTILE.closeScript },
];

/** failure/success thresholds of 1, so one run decides each status. */
export function seededConfig(overrides: Partial<StatusPageConfig> = {}): StatusPageConfig {
  return config({ checks: SEEDED_CHECKS, failureThreshold: 1, successThreshold: 1, ...overrides });
}

/** Stores `runs` runs, one interval apart, the last one at `last`. */
export async function seed(doc: DocumentSender, table: string, cfg: StatusPageConfig, last: Date, runs = 3, results = SEEDED_RESULTS): Promise<void> {
  for (let i = runs - 1; i >= 0; i--) {
    const at = new Date(last.getTime() - i * cfg.intervalSeconds * 1000);
    await recordRun(doc, table, cfg, results.slice(0, cfg.checks.length), at, { log: SILENT_LOG });
  }
}
