/**
 * DynamoDB through the DocumentClient, with the library's client settings (aws-client-config.ts,
 * re-exported here for the handlers that use both).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsClientOptions, awsClientConfig } from './aws-client-config';

export * from './aws-client-config';

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
