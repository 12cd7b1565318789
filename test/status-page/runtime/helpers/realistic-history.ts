import { AttributeValue, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { pack, unpack } from '../../../../src/status-page/runtime/store';

/**
 * Replaces the counters in every HOURS and DAYS item of a table with realistic ones (a check
 * probed every minute: ~60 runs per hour and ~1,440 per day, with some degraded and down runs),
 * keeping the documented payload format `{ c: { <check>: [newest, up[], degraded[], down[]] } }`.
 * Recording a day's worth of minute-by-minute runs for 90 days would take 129,600 runs; this
 * gives the item-size measurements realistic, poorly compressible data instead.
 */
export async function fillRealisticCounters(ddb: DynamoDBClient, table: string, random: () => number): Promise<number> {
  const items = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const res = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  let rewritten = 0;
  for (const item of items) {
    const kind = item.sk?.S;
    if ((kind !== 'hours' && kind !== 'days') || !item.p?.B) continue;
    const perBucket = kind === 'hours' ? 60 : 1440;
    const payload = unpack<{ c: Record<string, [number, number[], number[], number[]]> }>(item.p.B);
    for (const [name, series] of Object.entries(payload.c)) {
      const length = series[1].length;
      const degraded = Array.from({ length }, () => (random() < 0.2 ? Math.floor(random() * perBucket * 0.05) : 0));
      const down = Array.from({ length }, () => (random() < 0.1 ? Math.floor(random() * perBucket * 0.02) : 0));
      const up = degraded.map((g, i) => perBucket - g - down[i]);
      payload.c[name] = [series[0], up, degraded, down];
    }
    await ddb.send(new PutItemCommand({ TableName: table, Item: { ...item, p: { B: pack(payload) } } }));
    rewritten++;
  }
  return rewritten;
}
