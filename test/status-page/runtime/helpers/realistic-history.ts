import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DocumentSender, Item } from '../../../../src/shared/runtime/dynamo-batch';
import { decodeRollup, encodeRollup } from '../../../../src/status-page/runtime/payload-codec';
import { DAYS_KEPT, HOURS_KEPT, Series } from '../../../../src/status-page/runtime/rollups';

/**
 * Replaces the counters in every HOURS and DAYS item of a table with realistic ones (a check
 * probed every minute: ~60 runs per hour and ~1,440 per day, with some degraded and down runs),
 * through the store's own payload codec. Recording a day's worth of minute-by-minute runs for
 * 90 days would take 129,600 runs; this gives the item-size measurements realistic, poorly
 * compressible data instead.
 */
export async function fillRealisticCounters(doc: DocumentSender, table: string, random: () => number): Promise<number> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  let rewritten = 0;
  for (const item of items) {
    const kind = item.sk;
    if ((kind !== 'hours' && kind !== 'days') || !(item.p instanceof Uint8Array)) continue;
    const perBucket = kind === 'hours' ? 60 : 1440;
    const payload = decodeRollup(item.p, kind === 'hours' ? HOURS_KEPT : DAYS_KEPT);
    const checks: Record<string, Series> = {};
    for (const [name, series] of Object.entries(payload.checks)) {
      const length = series.up.length;
      const degraded = Array.from({ length }, () => (random() < 0.2 ? Math.floor(random() * perBucket * 0.05) : 0));
      const down = Array.from({ length }, () => (random() < 0.1 ? Math.floor(random() * perBucket * 0.02) : 0));
      const up = degraded.map((g, i) => perBucket - g - down[i]);
      checks[name] = { newest: series.newest, up, degraded, down };
    }
    await doc.send(new PutCommand({ TableName: table, Item: { ...item, p: encodeRollup({ checks }) } }));
    rewritten++;
  }
  return rewritten;
}
