import { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_PARTITION_KEY, TABLE_SORT_KEY } from '../../src/status-page/runtime/table-schema';

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite');

/** A real DynamoDB API (dynalite, in memory) on a random loopback port. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** Creates a table with the status page key schema and returns its name. */
  createStatusTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tableCounter = 0;

export interface DynaliteOptions {
  /** Called with the operation (the X-Amz-Target header, e.g. `DynamoDB_20120810.GetItem`) of every request. */
  readonly onRequest?: (target: string) => void;
}

export async function startDynalite(options: DynaliteOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const onRequest = options.onRequest;
  if (onRequest) server.on('request', (req: { headers: Record<string, string | undefined> }) => onRequest(req.headers['x-amz-target'] ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    async createStatusTable(name?: string) {
      return createKeyTable(client, name ?? `status-${process.pid}-${++tableCounter}`, TABLE_PARTITION_KEY, TABLE_SORT_KEY);
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates a pay-per-request table with a string partition key and a string sort key. */
export async function createKeyTable(client: DynamoDBClient, tableName: string, partitionKey: string, sortKey: string): Promise<string> {
  await client.send(new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
  }));
  return tableName;
}
