/**
 * batchGetAll / batchWriteAll against dynalite, with a wrapper that answers like a throttled
 * DynamoDB: part of each chunk comes back as UnprocessedKeys / UnprocessedItems (dynalite never
 * does that by itself). Nothing may be missing from a read or left out of a write.
 */
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../src/shared/runtime/aws-clients';
import { batchGetAll, batchWriteAll, DocumentSender, Item as StoredItem } from '../../../src/shared/runtime/dynamo-batch';
import { createKeyTable, LocalDynamo, startDynalite } from '../../helpers/dynalite';

let dynamo: LocalDynamo;
let doc: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  doc = documentClient(dynamo.client);
  table = await createKeyTable(dynamo.client, 'batch', 'pk', 'sk');
});
afterAll(() => dynamo.stop());

/** Passes calls to dynalite, but defers every `deferEvery`-th key or write of the first `throttledCalls` batch calls. */
function throttled(deferEvery: number, throttledCalls: number) {
  const calls: { kind: string; size: number; deferred: number }[] = [];
  const sender: DocumentSender = {
    send: (async (command: any) => {
      const throttle = calls.length < throttledCalls;
      if (command instanceof BatchGetCommand) {
        const keys: StoredItem[] = command.input.RequestItems![table].Keys!;
        const deferred = throttle ? keys.filter((_, i) => i % deferEvery === 0) : [];
        const asked = keys.filter((k) => !deferred.includes(k));
        calls.push({ kind: 'get', size: keys.length, deferred: deferred.length });
        const request = { ...command.input.RequestItems![table], Keys: asked };
        const res: any = asked.length
          ? await doc.send(new BatchGetCommand({ ...command.input, RequestItems: { [table]: request } }))
          : { Responses: { [table]: [] } };
        return { ...res, UnprocessedKeys: deferred.length ? { [table]: { Keys: deferred } } : {} };
      }
      if (command instanceof BatchWriteCommand) {
        const writes: any[] = command.input.RequestItems![table];
        const deferred = throttle ? writes.filter((_, i) => i % deferEvery === 0) : [];
        const done = writes.filter((w) => !deferred.includes(w));
        calls.push({ kind: 'write', size: writes.length, deferred: deferred.length });
        const res: any = done.length ? await doc.send(new BatchWriteCommand({ ...command.input, RequestItems: { [table]: done } })) : {};
        return { ...res, UnprocessedItems: deferred.length ? { [table]: deferred } : {} };
      }
      return doc.send(command);
    }) as DocumentSender['send'],
  };
  return { sender, calls };
}

const item = (i: number, prefix: string) => ({ pk: `${prefix}#${i}`, sk: 'item', n: i, tags: ['a', String(i)] });

test('writes 60 items in chunks of 25 and retries the items DynamoDB left unprocessed', async () => {
  const { sender, calls } = throttled(4, 3);
  const items = Array.from({ length: 60 }, (_, i) => item(i, 'w'));
  const capacityCalls: number[] = [];
  await batchWriteAll(sender, table, items.map((i) => ({ PutRequest: { Item: i } })), {
    onCapacity: (_capacity, written) => capacityCalls.push(written.length),
  });
  expect(calls.filter((c) => c.kind === 'write').every((c) => c.size <= 25)).toBe(true);
  expect(calls.slice(0, 3).every((c) => c.deferred > 0)).toBe(true);
  // every item is in the table, as written
  for (const expected of items) {
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: expected.pk, sk: 'item' } }));
    expect(Item).toEqual(expected);
  }
  expect(capacityCalls.reduce((a, b) => a + b, 0)).toBe(60);
});

test('reads 250 keys in chunks of 100, including the keys DynamoDB left unprocessed, and reports consumed capacity', async () => {
  const items = Array.from({ length: 250 }, (_, i) => item(i, 'r'));
  await batchWriteAll(doc, table, items.map((i) => ({ PutRequest: { Item: i } })));
  const { sender, calls } = throttled(3, 4);
  const capacity: number[] = [];
  const keys = [...items.map((i) => ({ pk: i.pk, sk: i.sk })), { pk: 'missing', sk: 'item' }];
  const found = await batchGetAll(sender, table, keys, {
    consistentRead: true,
    onCapacity: (cc) => capacity.push((cc ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0)),
  });
  expect(calls.every((c) => c.size <= 100)).toBe(true);
  expect(calls.filter((c) => c.deferred > 0).length).toBe(4);
  expect(found.map((i) => i.pk).sort()).toEqual(items.map((i) => i.pk).sort());
  expect(found.find((i) => i.pk === 'r#7')).toEqual(item(7, 'r'));
  expect(capacity.length).toBe(calls.length);
  expect(capacity.every((units) => units > 0)).toBe(true);
});

test('gives up with an error naming the table when keys stay unprocessed', async () => {
  const { sender } = throttled(1, Number.MAX_SAFE_INTEGER);
  await expect(batchGetAll(sender, table, [{ pk: 'r#1', sk: 'item' }], { maxAttempts: 3 }))
    .rejects.toThrow(`BatchGetItem on ${table} left 1 keys unprocessed after 3 attempts`);
  await expect(batchWriteAll(sender, table, [{ PutRequest: { Item: item(1, 'x') } }], { maxAttempts: 3 }))
    .rejects.toThrow(`BatchWriteItem on ${table} left 1 writes unprocessed after 3 attempts`);
});
