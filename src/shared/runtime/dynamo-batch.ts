/**
 * BatchGetItem and BatchWriteItem over any number of items: split into DynamoDB's chunks (100
 * keys, 25 writes) and every UnprocessedKeys / UnprocessedItems entry retried with backoff, so
 * nothing is silently missing from a read or left out of a write.
 */
import { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sleep } from './timers';

export type Item = Record<string, any>;

/** Anything with the DocumentClient's `send`. */
export type DocumentSender = Pick<DynamoDBDocumentClient, 'send'>;

export interface BatchOptions {
  /** Strongly consistent reads (BatchGetItem only). @default false */
  readonly consistentRead?: boolean;
  /** Called with each response's ConsumedCapacity (undefined when the response had none) and the items it covered. */
  readonly onCapacity?: (capacity: ConsumedCapacity[] | undefined, items: Item[]) => void;
  /** Attempts per chunk before giving up on unprocessed entries. @default 10 */
  readonly maxAttempts?: number;
}

const GET_CHUNK = 100;
const WRITE_CHUNK = 25;

function backoffMs(attempt: number): number {
  return Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Reads every key (chunks in parallel); returns the items found, in no particular order. */
export async function batchGetAll(doc: DocumentSender, table: string, keys: readonly Item[], options: BatchOptions = {}): Promise<Item[]> {
  const maxAttempts = options.maxAttempts ?? 10;
  const found: Item[][] = await Promise.all(chunks(keys, GET_CHUNK).map(async (chunk) => {
    const items: Item[] = [];
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) {
        throw new Error(`BatchGetItem on ${table} left ${pending.length} keys unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
      const res = await doc.send(new BatchGetCommand({
        RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistentRead } },
        ReturnConsumedCapacity: options.onCapacity ? 'TOTAL' : undefined,
      }));
      const got = res.Responses?.[table] ?? [];
      options.onCapacity?.(res.ConsumedCapacity, got);
      items.push(...got);
      pending = res.UnprocessedKeys?.[table]?.Keys ?? [];
    }
    return items;
  }));
  return found.flat();
}

export type WriteRequest = { readonly PutRequest: { readonly Item: Item } } | { readonly DeleteRequest: { readonly Key: Item } };

/** Writes every request, 25 at a time, in order of the chunks. */
export async function batchWriteAll(
  doc: DocumentSender, table: string, requests: readonly WriteRequest[], options: BatchOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 10;
  for (const chunk of chunks(requests, WRITE_CHUNK)) {
    let pending: WriteRequest[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) {
        throw new Error(`BatchWriteItem on ${table} left ${pending.length} writes unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await sleep(backoffMs(attempt));
      const res = await doc.send(new BatchWriteCommand({
        RequestItems: { [table]: pending as any },
        ReturnConsumedCapacity: options.onCapacity ? 'TOTAL' : undefined,
      }));
      const unprocessed = (res.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      // which requests went through is not reported: for capacity estimates, the first ones
      const done = pending.slice(0, pending.length - unprocessed.length);
      options.onCapacity?.(res.ConsumedCapacity, done.map((r) => ('PutRequest' in r ? r.PutRequest.Item : r.DeleteRequest.Key)));
      pending = unprocessed;
    }
  }
}
