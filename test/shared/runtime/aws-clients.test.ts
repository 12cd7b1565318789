/**
 * The client settings every handler uses, against local endpoints that misbehave: a server that
 * accepts and never answers must not hold a call longer than the request timeout, and failed
 * attempts are retried a bounded number of times.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, isConditionalCheckFailed } from '../../../src/shared/runtime/aws-clients';

let server: Server;
let endpoint: string;
let requests = 0;
let mode: 'hang' | 'error' = 'hang';

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'InternalServerError', message: 'boom' }));
    }
    // 'hang': never answer
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => { requests = 0; });

const client = (options: Parameters<typeof awsClientConfig>[0]) => new DynamoDBClient({
  ...awsClientConfig(options), endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

test('a hung endpoint fails the call at the request timeout instead of holding it', async () => {
  mode = 'hang';
  const ddb = client({ requestTimeoutMs: 300, maxAttempts: 1 });
  const started = Date.now();
  await expect(ddb.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
  // far below jest's timeout and the SDK's default (no timeout at all)
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(requests).toBe(1);
  ddb.destroy();
});

test('server errors are retried maxAttempts times in all, then surface', async () => {
  mode = 'error';
  const ddb = client({ maxAttempts: 3 });
  await expect(ddb.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'InternalServerError' });
  expect(requests).toBe(3);
  ddb.destroy();
});

test('isConditionalCheckFailed recognises the SDK error by name only', () => {
  expect(isConditionalCheckFailed({ name: 'ConditionalCheckFailedException' })).toBe(true);
  expect(isConditionalCheckFailed(new Error('ConditionalCheckFailedException'))).toBe(false);
  expect(isConditionalCheckFailed(undefined)).toBe(false);
});
