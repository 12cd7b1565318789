import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { skipCheckov } from './scanner-skips';
import { invalidProp } from './validation';

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
  const table = new dynamodb.Table(scope, id, {
    partitionKey: { name: keys.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: keys.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: keys.ttlAttribute,
    removalPolicy,
  });
  skipCheckov(table, 'CKV_AWS_119', 'The table is encrypted at rest with the AWS managed DynamoDB key; it holds check results or engine bookkeeping, not customer data, and a customer managed key would add per-request KMS cost and a key to manage. Bring your own table for a CMK.');
  return table;
}

interface KeyElement { readonly attributeName: string; readonly keyType: string }
interface AttributeDefinition { readonly attributeName: string; readonly attributeType: string }

/**
 * Checks that a table the user brings has the string keys the handlers read and write. Its key
 * schema is known at synth when the table is defined in this app (a Table or TableV2, whose
 * CloudFormation resource is its default child); an imported table (fromTableName,
 * fromTableArn) cannot be checked, so the prop's documentation names the keys.
 */
export function requireTableKeys(where: string, prop: string, table: dynamodb.ITable, keys: TableKeys): void {
  const resource = table.node.defaultChild;
  if (!(resource instanceof dynamodb.CfnTable || resource instanceof dynamodb.CfnGlobalTable)) return;
  const stack = Stack.of(resource);
  const schema = stack.resolve(resource.keySchema) as KeyElement[];
  const definitions = stack.resolve(resource.attributeDefinitions) as AttributeDefinition[] | undefined;
  const key = (keyType: string) => {
    const name = schema.find((k) => k.keyType === keyType)?.attributeName;
    return name === undefined ? undefined : { name, type: definitions?.find((d) => d.attributeName === name)?.attributeType };
  };
  const partition = key('HASH');
  const sort = key('RANGE');
  const matches = (k: typeof partition, name: string) => k?.name === name && k.type === dynamodb.AttributeType.STRING;
  if (!matches(partition, keys.partitionKey) || !matches(sort, keys.sortKey)) {
    const got = (k: typeof partition, what: string) => (k ? `${what} '${k.name}' (${k.type ?? 'unknown type'})` : `no ${what}`);
    invalidProp(where, prop, `must have a string partition key '${keys.partitionKey}' and a string sort key '${keys.sortKey}' (the keys the handlers read and write); got ${got(partition, 'partition key')} and ${got(sort, 'sort key')}. Create the table with those keys, or omit ${prop} and let the construct create one`);
  }
}
