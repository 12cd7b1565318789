import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface TableKeys {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly ttlAttribute: string;
}

/**
 * The library's one recipe for a table: string partition and sort keys, pay per request,
 * encrypted, point-in-time recovery, TTL, and the caller's removal policy.
 */
export function secureTable(scope: Construct, id: string, keys: TableKeys, removalPolicy: RemovalPolicy): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: keys.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: keys.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: keys.ttlAttribute,
    removalPolicy,
  });
}
