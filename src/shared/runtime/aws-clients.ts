/**
 * The one place AWS SDK clients are configured. Every call has a connection timeout and a
 * request timeout (a hung endpoint never holds a handler until its own timeout) and the SDK's
 * bounded retries with backoff. Clients are created by the handlers on first use.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface AwsClientOptions {
  /** Longest wait for a response. @default 10 s */
  readonly requestTimeoutMs?: number;
  /** Attempts per call including the first; 1 when the caller retries itself. @default 3 */
  readonly maxAttempts?: number;
}

export const CONNECTION_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 10_000;
export const MAX_ATTEMPTS = 3;

/** Constructor options for any v3 client: `new ECSClient(awsClientConfig())`. */
export function awsClientConfig(options: AwsClientOptions = {}) {
  return {
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      // Without it the SDK only logs a warning when the request timeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    }),
    maxAttempts: options.maxAttempts ?? MAX_ATTEMPTS,
  };
}

/**
 * A DocumentClient (items as plain objects) over a DynamoDB client: `undefined` attributes are
 * left out of writes rather than refused.
 */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** A DocumentClient with the library's client settings (connection and request timeouts, retries). */
export function createDocumentClient(options: AwsClientOptions = {}): DynamoDBDocumentClient {
  return documentClient(new DynamoDBClient(awsClientConfig(options)));
}

/** True for a failed condition of a conditional write (the SDK error or a plain object from a fake). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
