/**
 * One checker run: probe every check (at most `concurrency` at once), store the results, publish
 * the status changes worth an alert, and print one CloudWatch metrics document (EMF).
 *
 * Every dependency (DocumentClient, publisher, clock, probe, log, metrics sink) is injected, so
 * tests run it against dynalite and local servers. A failed store write throws (after the
 * metrics document with RunsRecorded=0), so the Lambda's Errors metric sees it; a failed publish
 * is only logged.
 */
// The AWS SDK is bundled into the handler asset by esbuild: a devDependency on purpose.
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  METRIC_CHECKS_DOWN, METRIC_DIMENSION_NAME, METRIC_NAMESPACE, METRIC_RUNS_RECORDED,
} from './environment';
import { CheckConfig, ProbeResult, StatusChangeEvent, StatusPageConfig } from './model';
import { probeHttp } from './probe-http';
import { probeTcp } from './probe-tcp';
import { RecordRunResult, recordRun } from './record-run';
import { runBounded } from '../../shared/runtime/bounded-pool';
import { DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';
import { MetricsSink, publishMetrics } from '../../shared/runtime/metrics';

/** Sends status changes somewhere (SNS in Lambda). */
export interface ChangePublisher {
  /** Resolves with the number of events that failed to publish; may also reject. */
  publish(events: StatusChangeEvent[]): Promise<number>;
}

export interface RunDependencies {
  readonly doc: DocumentSender;
  readonly tableName: string;
  readonly config: StatusPageConfig;
  /** Omitted: changes are stored but not published. */
  readonly publisher?: ChangePublisher;
  /** Defaults to the system clock. */
  readonly clock?: () => Date;
  /** Defaults to probeHttp / probeTcp. */
  readonly probe?: (check: CheckConfig) => Promise<ProbeResult>;
  readonly log: Log;
  /** Receives the metrics document as one JSON line; defaults to stdout through Powertools. */
  readonly metricsSink?: MetricsSink;
  /** Value of the metric dimension; defaults to the page title. */
  readonly metricDimension?: string;
}

export interface RunSummary {
  readonly checks: number;
  readonly up: number;
  readonly degraded: number;
  /** Checks whose smoothed status is down. */
  readonly checksDown: number;
  readonly published: number;
  readonly publishFailures: number;
  readonly durationMs: number;
  readonly store: RecordRunResult;
  /** Raw probe results, in config order. */
  readonly results: ProbeResult[];
}

export function defaultProbe(check: CheckConfig): Promise<ProbeResult> {
  return check.kind === 'http' ? probeHttp(check) : probeTcp(check);
}

export async function runChecks(deps: RunDependencies): Promise<RunSummary> {
  const clock = deps.clock ?? (() => new Date());
  const { log } = deps;
  const probe = deps.probe ?? defaultProbe;
  const { config } = deps;
  const started = performance.now();

  const settled = await runBounded(config.checks.map((check) => () => probe(check)), config.concurrency);
  const results: ProbeResult[] = settled.map((s) => (s.ok ? s.value : {
    outcome: 'down',
    latencyMs: 0,
    message: 'checker error while probing',
  }));
  settled.forEach((s, i) => {
    if (!s.ok) log.error('probe threw', { check: config.checks[i].name, error: errorName(s.error) });
  });

  const emit = (runsRecorded: number, checksDown: number) => publishMetrics({
    namespace: METRIC_NAMESPACE,
    dimensions: { [METRIC_DIMENSION_NAME]: deps.metricDimension ?? config.title },
    metrics: [
      { name: METRIC_RUNS_RECORDED, value: runsRecorded },
      { name: METRIC_CHECKS_DOWN, value: checksDown },
    ],
    timestamp: clock(),
    // Not a metric (each custom metric costs money; Lambda's own Duration is free): for the logs.
    properties: { runDurationMs: Math.round(performance.now() - started) },
  }, deps.metricsSink);

  let store: RecordRunResult;
  try {
    store = await recordRun(deps.doc, deps.tableName, config, results, clock(), { log });
  } catch (error) {
    log.error('could not store the results of this run', { error: errorName(error) });
    emit(0, results.filter((r) => r.outcome === 'down').length);
    throw error;
  }

  let published = 0;
  let publishFailures = 0;
  if (deps.publisher && store.changes.length > 0) {
    try {
      publishFailures = await deps.publisher.publish(store.changes);
    } catch (error) {
      publishFailures = store.changes.length;
      log.error('could not publish status changes', { error: errorName(error) });
    }
    published = store.changes.length - publishFailures;
  }

  const durationMs = Math.round(performance.now() - started);
  emit(1, store.checksDown);
  return {
    checks: config.checks.length,
    up: results.filter((r) => r.outcome === 'up').length,
    degraded: results.filter((r) => r.outcome === 'degraded').length,
    checksDown: store.checksDown,
    published,
    publishFailures,
    durationMs,
    store,
    results,
  };
}

/** Publishes to an SNS topic with PublishBatch (at most 10 entries per call). */
export function snsPublisher(sns: SNSClient, topicArn: string, log: Log): ChangePublisher {
  return {
    async publish(events: StatusChangeEvent[]): Promise<number> {
      let failed = 0;
      for (let i = 0; i < events.length; i += 10) {
        const batch = events.slice(i, i + 10);
        try {
          const res = await sns.send(new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: batch.map((e, j) => ({
              Id: String(i + j),
              Subject: subjectOf(e),
              Message: JSON.stringify(e),
              MessageAttributes: {
                check: { DataType: 'String', StringValue: e.check },
                status: { DataType: 'String', StringValue: e.to },
              },
            })),
          }));
          const batchFailed = res.Failed?.length ?? 0;
          if (batchFailed > 0) {
            log.error('SNS rejected status change events', { failed: res.Failed?.map((f) => f.Code) });
          }
          failed += batchFailed;
        } catch (error) {
          failed += batch.length;
          log.error('SNS PublishBatch failed', { error: errorName(error) });
        }
      }
      return failed;
    },
  };
}

/** SNS subjects: ASCII, at most 100 characters. */
function subjectOf(e: StatusChangeEvent): string {
  const text = `${e.displayName} is ${e.to.toUpperCase()} (was ${e.from})`;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
