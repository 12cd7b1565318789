/**
 * The two events the Coordinator Lambda receives:
 * - a Lambda event source mapping batch from MSK (`aws:kafka`) or self-managed Kafka
 *   (`SelfManagedKafka`): records grouped by "<topic>-<partition>", key and value in base64;
 * - an EventBridge "ECS Task State Change" event (the rule matches lastStatus STOPPED and the
 *   pipeline's `startedBy`).
 */

export interface KafkaEventRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp?: number;
  readonly timestampType?: string;
  /** base64; absent for a record without a key */
  readonly key?: string | null;
  /** base64; absent for a tombstone */
  readonly value?: string | null;
  readonly headers?: Array<Record<string, number[]>>;
}

export interface KafkaBatchEvent {
  readonly eventSource: 'aws:kafka' | 'SelfManagedKafka';
  readonly eventSourceArn?: string;
  readonly bootstrapServers?: string;
  readonly records: Record<string, KafkaEventRecord[]>;
}

export interface EcsTaskStateChangeEvent {
  readonly 'source': 'aws.ecs';
  readonly 'detail-type': 'ECS Task State Change';
  readonly 'detail': {
    readonly clusterArn?: string;
    readonly taskArn: string;
    readonly lastStatus: string;
    readonly desiredStatus?: string;
    readonly startedBy?: string;
    readonly stoppedReason?: string;
    readonly stopCode?: string;
    readonly overrides?: {
      readonly containerOverrides?: Array<{
        readonly name?: string;
        readonly environment?: Array<{ readonly name?: string; readonly value?: string }>;
      }>;
    };
    readonly containers?: Array<{ readonly name?: string; readonly exitCode?: number; readonly reason?: string }>;
  };
}

/** The input of the pipeline's every-minute rule: the Coordinator reconciles the registry with ECS. */
export const RECONCILE_EVENT = { 'stream-engine-pipeline': 'reconcile' } as const;

export function isReconcileEvent(event: unknown): boolean {
  return (event as Record<string, unknown> | undefined)?.['stream-engine-pipeline'] === 'reconcile';
}

export function isKafkaBatchEvent(event: unknown): event is KafkaBatchEvent {
  const e = event as Partial<KafkaBatchEvent> | undefined;
  return (e?.eventSource === 'aws:kafka' || e?.eventSource === 'SelfManagedKafka') && typeof e.records === 'object' && e.records !== null;
}

export function isEcsTaskStateChange(event: unknown): event is EcsTaskStateChangeEvent {
  const e = event as Partial<EcsTaskStateChangeEvent> | undefined;
  return e?.source === 'aws.ecs' && e['detail-type'] === 'ECS Task State Change' && typeof e.detail?.taskArn === 'string';
}

/** A Kafka record with its key and value decoded from base64. */
export interface DecodedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Epoch ms (the record's CreateTime or LogAppendTime), when the event carries it. */
  readonly timestamp?: number;
  readonly key?: string;
  readonly value?: Buffer;
}

/** The batch's records, partition by partition, each partition in offset order. */
export function decodeRecords(event: KafkaBatchEvent): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (const records of Object.values(event.records)) {
    for (const r of [...(records ?? [])].sort((a, b) => Number(a.offset) - Number(b.offset))) {
      out.push({
        topic: r.topic,
        partition: Number(r.partition),
        offset: Number(r.offset),
        timestamp: r.timestamp === undefined ? undefined : Number(r.timestamp),
        key: r.key ? Buffer.from(r.key, 'base64').toString('utf8') : undefined,
        value: r.value ? Buffer.from(r.value, 'base64') : undefined,
      });
    }
  }
  return out;
}

/** An environment variable from the task's container overrides (what RunTask set). */
export function overrideValue(event: EcsTaskStateChangeEvent, name: string): string | undefined {
  for (const container of event.detail.overrides?.containerOverrides ?? []) {
    const found = container.environment?.find((e) => e.name === name);
    if (found?.value !== undefined) return found.value;
  }
  return undefined;
}
