/**
 * Reads and writes of the status table through the DocumentClient, counting the capacity they
 * consume: the ConsumedCapacity DynamoDB returns (dynalite returns it too), or an estimate from
 * the item sizes when a response lacks it (then `estimated` is set). The estimate of a read
 * counts the items found, not the keys that did not exist (which DynamoDB bills too).
 */
import { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_PARTITION_KEY, TABLE_SORT_KEY, TableKey, keyId } from './table-schema';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { DocumentSender, Item, WriteRequest, batchGetAll, batchWriteAll } from '../../shared/runtime/dynamo-batch';

/** Items read in a batch, by keyId. */
export type ItemsByKey = ReadonlyMap<string, Item>;

export class MeteredTable {
  public writeUnits = 0;
  public readUnits = 0;
  /** True once any figure above is an estimate. */
  public estimated = false;
  public itemsWritten = 0;
  /** Largest item written, in bytes (DynamoDB's limit is 400 KB). */
  public largestItemBytes = 0;

  constructor(private readonly doc: DocumentSender, public readonly tableName: string) {}

  /** BatchGetItem of any number of keys (unprocessed keys retried). */
  public async batchGet(keys: readonly TableKey[], consistent: boolean): Promise<ItemsByKey> {
    const items = await batchGetAll(this.doc, this.tableName, keys, {
      consistentRead: consistent,
      onCapacity: (capacity, got) => this.countRead(capacity, got.reduce((sum, item) => sum + readUnitsOf(item, consistent), 0)),
    });
    return new Map(items.map((item) => [keyId(item as TableKey), item]));
  }

  /** Strongly consistent GetItem. */
  public async get(key: TableKey): Promise<Item | undefined> {
    const res = await this.doc.send(new GetCommand({
      TableName: this.tableName, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL',
    }));
    this.countRead(res.ConsumedCapacity, res.Item ? readUnitsOf(res.Item, true) : 1);
    return res.Item;
  }

  /**
   * One Query page, eventually consistent: the items of partition `pk` whose sort key is at least
   * `fromSortKey`, highest sort key first, at most `limit` of them.
   */
  public async queryFrom(pk: string, fromSortKey: string, limit: number): Promise<Item[]> {
    const res = await this.doc.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk >= :from',
      ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY, '#sk': TABLE_SORT_KEY },
      ExpressionAttributeValues: { ':pk': pk, ':from': fromSortKey },
      ScanIndexForward: false,
      Limit: limit,
      ReturnConsumedCapacity: 'TOTAL',
    }));
    const items = res.Items ?? [];
    // A Query is billed on the total size of the items it read, not per item.
    const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
    this.countRead(res.ConsumedCapacity, Math.max(1, Math.ceil(bytes / 4096)) / 2);
    return items;
  }

  /**
   * Conditional put: `expectedVersion` undefined = the item must not exist yet, otherwise its
   * `version` must still be `expectedVersion`. Returns false on a failed condition.
   * `previousBytes` is the size of the item it replaces (a write is billed on the larger one).
   */
  public async put(item: TableKey & { readonly version: number }, expectedVersion: number | undefined, previousBytes: number): Promise<boolean> {
    const bytes = itemBytes(item);
    const estimate = writeUnitsOf(Math.max(bytes, previousBytes));
    try {
      const res = await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_PARTITION_KEY } }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        ReturnConsumedCapacity: 'TOTAL',
      }));
      this.countWrite(res.ConsumedCapacity, estimate);
      this.itemsWritten++;
      this.largestItemBytes = Math.max(this.largestItemBytes, bytes);
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // DynamoDB bills a failed conditional write too; the error carries no capacity.
      this.countWrite(undefined, estimate);
      return false;
    }
  }

  /** BatchWriteItem of any number of puts and deletes (unprocessed items retried). */
  public async batchWrite(requests: readonly WriteRequest[]): Promise<void> {
    await batchWriteAll(this.doc, this.tableName, requests, {
      onCapacity: (capacity, items) => {
        this.countWrite(capacity, items.reduce((sum, item) => sum + writeUnitsOf(itemBytes(item)), 0));
        this.itemsWritten += items.length;
      },
    });
  }

  private countRead(capacity: ConsumedCapacity[] | ConsumedCapacity | undefined, estimate: number): void {
    this.readUnits += this.unitsOr(capacity, estimate);
  }

  private countWrite(capacity: ConsumedCapacity[] | ConsumedCapacity | undefined, estimate: number): void {
    this.writeUnits += this.unitsOr(capacity, estimate);
  }

  private unitsOr(capacity: ConsumedCapacity[] | ConsumedCapacity | undefined, estimate: number): number {
    const list = capacity === undefined ? [] : Array.isArray(capacity) ? capacity : [capacity];
    if (list.length === 0) {
      this.estimated = true;
      return estimate;
    }
    return list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  }
}

/** A read costs one unit per 4 KB (half of it when eventually consistent). */
function readUnitsOf(item: Item, consistent: boolean): number {
  return Math.max(1, Math.ceil(itemBytes(item) / 4096)) / (consistent ? 1 : 2);
}

/** A write costs one unit per 1 KB. */
function writeUnitsOf(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** DynamoDB's item size: attribute names + values (UTF-8 strings, binary length, numbers ~ digits/2+1). */
export function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, 'utf8');
    if (typeof value === 'string') size += Buffer.byteLength(value, 'utf8');
    else if (value instanceof Uint8Array) size += value.length;
    else if (typeof value === 'number') size += Math.ceil(String(value).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    else if (typeof value === 'boolean' || value === null) size += 1;
    else size += Buffer.byteLength(JSON.stringify(value), 'utf8');
  }
  return size;
}
