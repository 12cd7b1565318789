import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DocumentSender, Item } from '../../../../src/shared/runtime/dynamo-batch';
import { LatencyHistogram, addLatency, latencyBucket } from '../../../../src/status-page/runtime/latency-histogram';
import {
  CurrentPayload, StoredCheck, decodeCurrent, decodeRollup, encodeCurrent, encodeRollup,
} from '../../../../src/status-page/runtime/payload-codec';
import { DAYS_KEPT, HOURS_KEPT, Series } from '../../../../src/status-page/runtime/rollups';

/**
 * Replaces the history in every shard item of a table with what a check probed every minute for
 * months would have, through the store's own payload codec, so item sizes are measured on
 * realistic, poorly compressible data. Recording a day's worth of minute-by-minute runs for 90
 * days would take 129,600 runs.
 * - HOURS and DAYS: ~60 runs per hour and ~1,440 per day, with some degraded and down runs;
 *   HOURS also gets each hour's p50 and p95 around the check's own typical latency.
 * - CURRENT: the open hour and day half gone (30 and 720 runs), 30 latencies in the open hour
 *   (the check's typical latency -25% to +25%, one in ten twice as slow) and the status since a
 *   time in the last 90 days. The next real run rewrites CURRENT from this state.
 * Returns the number of HOURS and DAYS items rewritten.
 */
export async function fillRealisticHistory(doc: DocumentSender, table: string, random: () => number): Promise<number> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const res = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...(res.Items ?? []));
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  // Every check's typical latency, the same in all its items.
  const typical = new Map<string, number>();
  const typicalOf = (name: string) => {
    if (!typical.has(name)) typical.set(name, Math.round(30 + random() * 300));
    return typical.get(name)!;
  };
  let rewritten = 0;
  for (const item of items) {
    const kind = item.sk;
    if (!(item.p instanceof Uint8Array)) continue;
    let p: Uint8Array;
    if (kind === 'current') {
      p = realisticCurrent(decodeCurrent(item.p), typicalOf, random);
    } else if (kind === 'hours' || kind === 'days') {
      const perBucket = kind === 'hours' ? 60 : 1440;
      const payload = decodeRollup(item.p, kind === 'hours' ? HOURS_KEPT : DAYS_KEPT);
      const checks: Record<string, Series> = {};
      for (const [name, series] of Object.entries(payload.checks)) {
        const length = series.up.length;
        const degraded = Array.from({ length }, () => (random() < 0.2 ? Math.floor(random() * perBucket * 0.05) : 0));
        const down = Array.from({ length }, () => (random() < 0.1 ? Math.floor(random() * perBucket * 0.02) : 0));
        const up = degraded.map((g, i) => perBucket - g - down[i]);
        checks[name] = { newest: series.newest, up, degraded, down };
        if (kind === 'hours') {
          const hourly = Array.from({ length }, () => typicalOf(name) * (0.9 + random() / 5));
          checks[name].p50 = hourly.map((ms) => latencyBucket(ms));
          checks[name].p95 = hourly.map((ms) => latencyBucket(ms * (1.5 + random())));
        }
      }
      p = encodeRollup({ checks });
      rewritten++;
    } else {
      continue;
    }
    await doc.send(new PutCommand({ TableName: table, Item: { ...item, p } }));
  }
  return rewritten;
}

function realisticCurrent(payload: CurrentPayload, typicalOf: (name: string) => number, random: () => number): Uint8Array {
  const checks: Record<string, StoredCheck> = {};
  const nowS = Math.floor(payload.updatedAtMs / 1000);
  for (const [name, check] of Object.entries(payload.checks)) {
    let hourLatency: LatencyHistogram = [];
    for (let i = 0; i < 30; i++) hourLatency = addLatency(hourLatency, typicalOf(name) * (random() < 0.1 ? 2 : 0.75 + random() / 2));
    const troubled = random() < 0.1;
    checks[name] = {
      state: { ...check.state, since: new Date((nowS - Math.floor(random() * 90 * 86_400)) * 1000).toISOString() },
      openHour: { index: check.openHour.index, counts: troubled ? [28, 1, 1] : [30, 0, 0] },
      openDay: {
        index: check.openDay.index,
        counts: troubled ? [720 - Math.floor(random() * 40), Math.floor(random() * 30), Math.floor(random() * 10)] : [720, 0, 0],
      },
      hourLatency,
    };
  }
  return encodeCurrent({ ...payload, checks });
}
