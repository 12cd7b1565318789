/**
 * Environment variable names the StreamEnginePipeline construct sets and its Lambdas and engine
 * tasks read. Secrets never travel here, only the ARN of a secret does.
 */

// --- Kafka connection (Lambdas and engine tasks) ---
/** Comma-separated host:port list. */
export const ENV_KAFKA_BROKERS = 'KAFKA_BOOTSTRAP_BROKERS';
/** One of KafkaAuthMode. */
export const ENV_KAFKA_AUTH = 'KAFKA_AUTH_MODE';
/** SASL/SCRAM only: ARN of the Secrets Manager secret holding {"username","password"}. */
export const ENV_KAFKA_SCRAM_SECRET_ARN = 'KAFKA_SCRAM_SECRET_ARN';

// --- engine tasks (the engine contract) ---
export const ENV_ENGINE_NAME = 'ENGINE_NAME';
/** Comma-separated topics the engine reads. */
export const ENV_INPUT_TOPICS = 'ENGINE_INPUT_TOPICS';
export const ENV_OUTPUT_TOPIC = 'ENGINE_OUTPUT_TOPIC';
export const ENV_DEAD_LETTER_TOPIC = 'ENGINE_DEAD_LETTER_TOPIC';
export const ENV_CONSUMER_GROUP = 'ENGINE_CONSUMER_GROUP';
/** Stream engines only: the stream this task works on (a container override of RunTask). */
export const ENV_STREAM_ID = 'STREAM_ID';
/** Stream engines only: where heartbeats go (the control topic, read by the Coordinator). */
export const ENV_CONTROL_TOPIC = 'ENGINE_CONTROL_TOPIC';
/** Send a heartbeat at least this often (seconds): stream engines to the control topic, object engines to their output topic. */
export const ENV_HEARTBEAT_INTERVAL = 'ENGINE_HEARTBEAT_INTERVAL_SECONDS';
/** Stream engines only: which launch of this engine for this stream the task is (1, 2, ...). */
export const ENV_LAUNCH_ATTEMPT = 'ENGINE_LAUNCH_ATTEMPT';
/** Stream engines only: `topic:partition,...`, the partition of each input topic that holds the stream's key. */
export const ENV_STREAM_PARTITIONS = 'ENGINE_STREAM_PARTITIONS';
/** Stream engines only: epoch ms; without a committed offset, read from the first record at or after it. */
export const ENV_START_TIMESTAMP = 'ENGINE_START_TIMESTAMP_MS';
/** Local runs only: the task id heartbeats carry (on ECS, engines read it from the task metadata endpoint). */
export const ENV_TASK_ID = 'ENGINE_TASK_ID';
/** Object engines only: `earliest` or `latest`, where a partition without a usable committed offset starts (the lag scaler counts the same). */
export const ENV_OFFSET_RESET = 'ENGINE_OFFSET_RESET';

// --- pipeline Lambdas ---
/**
 * The static PipelineConfig as base64 of gzip of its JSON: engines are added after the Lambdas
 * exist, so the construct renders it at synth time, and compressed it fits the 4 KB that
 * Lambda allows for environment variables with dozens of engines.
 */
export const ENV_PIPELINE_CONFIG = 'PIPELINE_CONFIG';
/** Alternatively (local runs, tests): `PIPELINE_CONFIG_PATH` names the PipelineConfig as a JSON file. */
/** JSON EngineRefs: the deploy-time names of the pipeline's ECS resources. */
export const ENV_ENGINE_REFS = 'PIPELINE_ENGINE_REFS';
/** DynamoDB table of stream records and scaler state. */
export const ENV_REGISTRY_TABLE = 'PIPELINE_REGISTRY_TABLE';

/** CloudWatch metrics, sent through the embedded metric format (no API call). */
export const METRIC_NAMESPACE = 'CdkStatusAndStreams/StreamEnginePipeline';
export const METRIC_DIMENSION_PIPELINE = 'Pipeline';
export const METRIC_DIMENSION_ENGINE = 'Engine';
/** Lag scaler, per object engine: total lag of the engine's group. */
export const METRIC_CONSUMER_LAG = 'ConsumerLag';
/** Lag scaler, per object engine: the desired count it set. */
export const METRIC_DESIRED_TASKS = 'DesiredTasks';
/** Lag scaler, per object engine: partitions whose position has not moved for persistentLagAfter while they had lag and tasks ran. */
export const METRIC_STUCK_PARTITIONS = 'StuckPartitions';
/** Lag scaler, per object engine with timeLagPerTask: age in seconds of the oldest record still to consume. */
export const METRIC_TIME_LAG_SECONDS = 'TimeLagSeconds';
/** Lag scaler: 1 per poll in which some engine's lag could not be read (Kafka down, topic gone); its count was kept. */
export const METRIC_LAG_READ_FAILURES = 'LagReadFailures';
/** Lag scaler: messages on the dead-letter topic (end offsets minus earliest offsets). */
export const METRIC_DEAD_LETTERS = 'DeadLetterMessages';
/** Coordinator: streams with a running stream engine task. */
export const METRIC_ACTIVE_STREAMS = 'ActiveStreams';
/** Coordinator (until the waiting queue replaces it): stream inits refused at maxConcurrentStreams. */
export const METRIC_STREAMS_REJECTED = 'StreamsRejected';
/** Coordinator: streams waiting for a slot (never launched yet). */
export const METRIC_STREAMS_WAITING = 'StreamsWaiting';
/** Coordinator: how long the oldest waiting stream has waited, in seconds (0 when none waits). */
export const METRIC_OLDEST_WAIT_SECONDS = 'OldestStreamWaitSeconds';
/** Coordinator: streams that waited longer than maxStreamWait and were given up. */
export const METRIC_STREAMS_EXPIRED = 'StreamsExpired';
/** Coordinator: streams given up after maxLaunchAttempts, maxStreamDuration or a launch that cannot succeed. */
export const METRIC_STREAMS_FAILED = 'StreamsFailed';
/** Coordinator: engine tasks launched again after an interruption or a missed heartbeat. */
export const METRIC_ENGINE_RELAUNCHES = 'EngineRelaunches';
/** Coordinator: control messages that were not valid JSON messages of the contract (skipped). */
export const METRIC_MALFORMED_CONTROL_MESSAGES = 'MalformedControlMessages';
/** Coordinator: RunTask calls that failed after every retry. */
export const METRIC_LAUNCH_FAILURES = 'LaunchFailures';
