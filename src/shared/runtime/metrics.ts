/**
 * CloudWatch metrics through Powertools Metrics: each call prints one document in the embedded
 * metric format on stdout, which CloudWatch turns into metrics with no API call. Each construct
 * has one namespace, and the dimensions are exactly those given (Powertools' default `service`
 * dimension is dropped, so the constructs' alarms name every dimension of a metric).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { MetricUnit };
/** One of the CloudWatch units in MetricUnit (Count, Milliseconds, ...). */
export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface MetricValue {
  readonly name: string;
  readonly value: number;
  /** @default MetricUnit.Count */
  readonly unit?: MetricUnitName;
}

export interface MetricsDocument {
  /** The construct's namespace, for example `CdkStatusAndStreams/StatusPage`. */
  readonly namespace: string;
  /** Every metric of the document carries exactly these dimensions. */
  readonly dimensions: Record<string, string>;
  readonly metrics: readonly MetricValue[];
  /** When the values were measured. @default now */
  readonly timestamp?: Date | number;
  /** Fields for the log reader that are not metrics (each custom metric costs money). */
  readonly properties?: Record<string, string | number>;
}

/**
 * Where EMF documents go: stdout through Powertools (the default), or a function that takes
 * each document as one JSON line (tests read them).
 */
export type MetricsSink = (line: string) => void;

/** Prints one EMF document with every metric of `doc`. */
export function publishMetrics(doc: MetricsDocument, sink?: MetricsSink): void {
  if (doc.metrics.length === 0) return;
  const metrics = new Metrics({ namespace: doc.namespace });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions(doc.dimensions);
  if (doc.timestamp !== undefined) metrics.setTimestamp(doc.timestamp);
  for (const m of doc.metrics) metrics.addMetric(m.name, m.unit ?? MetricUnit.Count, m.value);
  // Powertools types metadata as strings but prints each value as given: numbers stay numbers,
  // so a log query can aggregate them.
  for (const [key, value] of Object.entries(doc.properties ?? {})) metrics.addMetadata(key, value as string);
  if (sink) {
    sink(JSON.stringify(metrics.serializeMetrics()));
    metrics.clearMetrics();
  } else {
    metrics.publishStoredMetrics();
  }
}
