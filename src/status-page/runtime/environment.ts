/**
 * Environment variable names the construct sets and the handlers read.
 * Secrets never travel here: only the ARN of the secret does.
 */
export const ENV_TABLE_NAME = 'STATUS_TABLE_NAME';
/**
 * The StatusPageConfig, read by loadHandlerConfig: the construct ships it as a file in a Lambda
 * layer and sets `STATUS_CONFIG_PATH` (src/private/handler-config.ts says why a layer).
 */
export const ENV_CONFIG = 'STATUS_CONFIG';
export const ENV_CONFIG_PATH = `${ENV_CONFIG}_PATH`;
/** Path of the mustache template the construct ships in the same layer. */
export const ENV_TEMPLATE_PATH = 'STATUS_TEMPLATE_PATH';
/** Optional: SNS topic that receives StatusChangeEvents. */
export const ENV_TOPIC_ARN = 'STATUS_TOPIC_ARN';
/** Optional: ARN of the Secrets Manager secret the proxy header must carry. */
export const ENV_AUTH_SECRET_ARN = 'STATUS_AUTH_SECRET_ARN';
/** Optional: name of the header that carries the secret (not itself a secret). */
export const ENV_AUTH_HEADER_NAME = 'STATUS_AUTH_HEADER_NAME';
/** The value of the metric dimension that tells one StatusPage's checker from another's. */
export const ENV_METRIC_DIMENSION = 'STATUS_METRIC_DIMENSION';

/** Where the layer lands in the Lambda file system (/opt is where layers are extracted). */
export const DEFAULT_CONFIG_PATH = '/opt/status-page/config.json';
export const DEFAULT_TEMPLATE_PATH = '/opt/status-page/template.mustache';

/** CloudWatch metrics the checker emits through the embedded metric format (no API call). */
export const METRIC_NAMESPACE = 'CdkStatusAndStreams/StatusPage';
export const METRIC_DIMENSION_NAME = 'StatusPage';
/** 1 per run whose results were stored; the construct alarms when it stops arriving. */
export const METRIC_RUNS_RECORDED = 'RunsRecorded';
export const METRIC_CHECKS_DOWN = 'ChecksDown';
