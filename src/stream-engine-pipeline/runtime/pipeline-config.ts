/**
 * What the StreamEnginePipeline construct tells its Lambdas, in two environment variables
 * (Lambda allows 4 KB for all of a function's variables; the construct checks it at synth):
 * - PipelineConfig (PIPELINE_CONFIG): everything known at synth time (names, topics, scaling
 *   rules) as base64 of gzip of its JSON, read once per cold start. Engines are added after the
 *   Lambdas exist, so it is rendered at synth, too late for a layer (src/private/handler-config.ts).
 * - EngineRefs (PIPELINE_ENGINE_REFS): the values only known at deploy time (ARNs, generated
 *   names) as plain JSON, since CloudFormation fills them in.
 * The Coordinator gets the stream engines only, the lag scaler the object engines only.
 */

/** How clients authenticate to Kafka. `plaintext` is for local tests only. */
export type KafkaAuthMode = 'iam' | 'scram' | 'tls' | 'plaintext';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Kafka topic configs, e.g. { "retention.ms": "604800000" }. */
  readonly config: Record<string, string>;
}

/** The pipeline's topics by role. */
export interface PipelineTopics {
  readonly control: string;
  readonly rawStreams: string;
  readonly objects: string;
  readonly results: string;
  readonly deadLetter: string;
}

export interface StreamEngineConfig {
  readonly name: string;
  /** The container that receives the STREAM_ID override. */
  readonly containerName: string;
  readonly inputTopics: string[];
  /** The partition count of each input topic (same order): the Coordinator finds the stream's partition in each. */
  readonly inputPartitions: number[];
  readonly outputTopic: string;
  /** Consumer group prefix; a stream engine task uses `<prefix>.<streamId>`. */
  readonly consumerGroupPrefix: string;
}

export interface LagScalingConfig {
  /** One task per this much lag. */
  readonly lagPerTask: number;
  /** Total lag at or above which a group at zero tasks gets its first task. */
  readonly activationLag: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Scale-in happens only when the lower count has been wanted this long. */
  readonly scaleInCooldownSeconds: number;
  /** Allow more tasks than the topic has partitions (extra tasks would idle). */
  readonly allowMoreTasksThanPartitions: boolean;
  /** No more tasks than partitions that have lag (a task without a lagged partition idles). */
  readonly limitToPartitionsWithLag: boolean;
  /** A partition counts as stuck when its consumer position has not moved for this long while it had lag and tasks ran. */
  readonly persistentLagAfterSeconds: number;
  /** Stuck partitions stop driving scale-out (they keep at most one task); otherwise they count like any lag. */
  readonly excludePersistentLag: boolean;
  /** One task per this much time lag (age of the oldest unconsumed record); absent: message lag only. */
  readonly timeLagPerTaskSeconds?: number;
}

/** Where a consumer starts on a partition its group never committed (or whose commit retention deleted). */
export type OffsetResetPolicy = 'earliest' | 'latest';

export interface ObjectEngineConfig {
  readonly name: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly consumerGroup: string;
  /** The engine's ENGINE_OFFSET_RESET: what the scaler counts for uncommitted partitions. */
  readonly offsetReset: OffsetResetPolicy;
  readonly scaling: LagScalingConfig;
}

export interface PipelineConfig {
  readonly pipelineName: string;
  readonly kafkaAuth: KafkaAuthMode;
  readonly topics: PipelineTopics;
  readonly streamEngines: StreamEngineConfig[];
  readonly objectEngines: ObjectEngineConfig[];
  /** The Coordinator launches no more than this many streams at once. */
  readonly maxConcurrentStreams: number;
  /** How the Coordinator schedules streams beyond launching them (present in the Coordinator's config). */
  readonly scheduling?: StreamSchedulingConfig;
  /** The lag scaler polls this often within one invocation. */
  readonly pollIntervalSeconds: number;
}

/** The Coordinator's rules for waiting, running and ending streams (the StreamEnginePipeline props of the same names). */
export interface StreamSchedulingConfig {
  /** A stream that waited this long for a slot without being launched expires. */
  readonly maxStreamWaitSeconds: number;
  /** A task still running this long after its stream's end-of-stream is stopped (and the engine counts as finished). */
  readonly streamEndGraceSeconds: number;
  /** A task running this long is stopped and its stream fails. */
  readonly maxStreamDurationSeconds: number;
  /** A running task without a heartbeat for this long is stopped and launched again. */
  readonly heartbeatTimeoutSeconds: number;
  /** Launches of one engine for one stream (the first and its relaunches) before the stream fails. */
  readonly maxLaunchAttempts: number;
}

/** Deploy-time references, by engine name. */
export interface EngineRefs {
  /** ECS cluster ARN or name. */
  readonly cluster: string;
  /** Subnet ids for RunTask (awsvpc). */
  readonly subnets: string[];
  readonly securityGroups: string[];
  /** Stream engine name -> task definition ARN. */
  readonly taskDefinitions: Record<string, string>;
  /** Stream engine name -> capacity provider strategy, or omitted for launch type FARGATE. */
  readonly capacityProviders?: Record<string, Array<{ capacityProvider: string; weight: number; base?: number }>>;
  /** Object engine name -> ECS service name. */
  readonly services: Record<string, string>;
}
