/**
 * The one place AWS SDK clients are configured. Every call has a connection timeout and a
 * request timeout (a hung endpoint never holds a handler until its own timeout) and the SDK's
 * bounded retries with backoff. Clients are created by the handlers on first use.
 *
 * Apart from aws-clients.ts (the DocumentClient) so that a handler without DynamoDB does not
 * bundle the DynamoDB client (about 260 KB unminified).
 */
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
