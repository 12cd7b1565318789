import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { commitOffsets, consumeAndCommit, createTopic, endOffsets, newAdmin, produceKeyed, uniqueName } from './lag-scaler-kit';
import { LagReading, readLag } from '../../../src/stream-engine-pipeline/runtime/lag-reader';
import { LagScalingConfig } from '../../../src/stream-engine-pipeline/runtime/pipeline-config';
import { decideScaling } from '../../../src/stream-engine-pipeline/runtime/scaling-decision';
import { ensureKafka } from '../../helpers/kafka-broker';

// The lag reader against the real local Kafka broker: computed lag per partition compared with
// the offsets the broker reports, for committed, partly committed and never committed groups.

const PARTITIONS = 6;
const MESSAGES = 300;

let bootstrap: string;
let admin: Admin;
let topic: string;
let ends: Map<number, number>;

beforeAll(async () => {
  bootstrap = await ensureKafka();
  admin = newAdmin(bootstrap);
  topic = uniqueName('lag-objects');
  await createTopic(admin, topic, PARTITIONS);
  await produceKeyed(bootstrap, topic, MESSAGES, 24);
  ends = await endOffsets(admin, topic, PARTITIONS);
}, 240_000);

afterAll(async () => {
  await admin?.close();
});

function reading(result: unknown): LagReading {
  expect(result).toMatchObject({ ok: true });
  return result as LagReading;
}

describe('lag reader (real broker)', () => {
  test('the keyed burst is spread over several partitions', () => {
    expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    expect([...ends.values()].filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  test('a group that consumed and committed part of the topic: lag per partition = end - committed', async () => {
    const group = uniqueName('consumer');
    const read = await consumeAndCommit(bootstrap, group, topic, 120);
    const lag = reading((await readLag(admin, [{ key: 'engine', topic, group, offsetReset: 'earliest' }])).get('engine'));

    expect(lag.partitionCount).toBe(PARTITIONS);
    let total = 0;
    for (const p of lag.partitions) {
      const consumed = read.get(p.partition) ?? 0;
      expect(p.endOffset).toBe(ends.get(p.partition));
      if (consumed > 0) {
        // the consumer committed on this partition: committed offset = messages it read there
        expect(p).toMatchObject({ uncommitted: false, committedOffset: consumed, lag: ends.get(p.partition)! - consumed });
      } else {
        // never committed on this partition: everything retained counts
        expect(p).toMatchObject({ uncommitted: true, earliestOffset: 0, lag: ends.get(p.partition) });
      }
      total += p.lag;
    }
    expect(lag.totalLag).toBe(total);
    expect(lag.totalLag).toBe(MESSAGES - 120);
  }, 60_000);

  test('exact committed offsets (set through the admin API) give exact lag', async () => {
    const group = uniqueName('exact');
    const committed = new Map([...ends].map(([p, end]) => [p, Math.floor(end / 2)]));
    await commitOffsets(admin, group, topic, committed);
    const lag = reading((await readLag(admin, [{ key: 'e', topic, group, offsetReset: 'earliest' }])).get('e'));
    expect(lag.uncommittedPartitions).toBe(0);
    for (const p of lag.partitions) {
      expect(p.committedOffset).toBe(committed.get(p.partition));
      expect(p.lag).toBe(ends.get(p.partition)! - committed.get(p.partition)!);
    }
  });

  test('a group with no commits reports every partition uncommitted, lag = the whole retained backlog', async () => {
    const lag = reading((await readLag(admin, [{ key: 'new', topic, group: uniqueName('never'), offsetReset: 'earliest' }])).get('new'));
    expect(lag.uncommittedPartitions).toBe(PARTITIONS);
    expect(lag.partitions.every((p) => p.uncommitted && p.committedOffset === undefined)).toBe(true);
    expect(lag.totalLag).toBe(MESSAGES);
  });

  describe('KEDA #7936: records deleted by retention never count as lag', () => {
    // deleteRecords moves the log start as retention does: offsets 0..19 are gone
    let small: string;
    beforeAll(async () => {
      small = uniqueName('lag-retained');
      await createTopic(admin, small, 1);
      await produceKeyed(bootstrap, small, 50, 1);
      await admin.deleteRecords({ topics: [{ name: small, partitions: [{ partition: 0, offset: 20n }] }] });
    });

    test('a group that never committed counts the retained records (earliest) or none (latest)', async () => {
      const group = uniqueName('g');
      const results = await readLag(admin, [
        { key: 'earliest', topic: small, group, offsetReset: 'earliest' },
        { key: 'latest', topic: small, group, offsetReset: 'latest' },
      ]);
      expect(reading(results.get('earliest')).partitions[0]).toEqual({
        partition: 0, leader: expect.any(Number), endOffset: 50, uncommitted: true, earliestOffset: 20, readFrom: 20, lag: 30,
      });
      expect(reading(results.get('latest')).partitions[0]).toEqual({
        partition: 0, leader: expect.any(Number), endOffset: 50, uncommitted: true, earliestOffset: 20, readFrom: 50, lag: 0,
      });
    });

    test('a committed offset below the log start: the consumer resets, so earliest counts from the log start, latest nothing', async () => {
      const group = uniqueName('g');
      await commitOffsets(admin, group, small, new Map([[0, 5]])); // the records from 5 to 19 are deleted
      const results = await readLag(admin, [
        { key: 'earliest', topic: small, group, offsetReset: 'earliest' },
        { key: 'latest', topic: small, group, offsetReset: 'latest' },
      ]);
      expect(reading(results.get('earliest')).partitions[0]).toMatchObject({ committedOffset: 5, uncommitted: false, earliestOffset: 20, readFrom: 20, lag: 30 });
      expect(reading(results.get('latest')).partitions[0]).toMatchObject({ committedOffset: 5, uncommitted: false, earliestOffset: 20, readFrom: 50, lag: 0 });
      expect(reading(results.get('earliest')).totalLag).toBe(30);
    });

    test('a committed offset within the retained records counts from there, whatever the policy', async () => {
      const group = uniqueName('g');
      await commitOffsets(admin, group, small, new Map([[0, 40]]));
      for (const offsetReset of ['earliest', 'latest'] as const) {
        const lag = reading((await readLag(admin, [{ key: 'e', topic: small, group, offsetReset }])).get('e'));
        expect(lag.partitions[0]).toMatchObject({ committedOffset: 40, readFrom: 40, lag: 10 });
      }
    });
  });

  test('several groups (and topics) in one call', async () => {
    const other = uniqueName('lag-other');
    await createTopic(admin, other, 2);
    await produceKeyed(bootstrap, other, 40, 4);
    const groups = Array.from({ length: 5 }, (_, i) => uniqueName(`multi-${i}`));
    for (let i = 0; i < groups.length; i++) {
      // group i committed i tenths of every partition
      await commitOffsets(admin, groups[i], topic, new Map([...ends].map(([p, end]) => [p, Math.floor((end * i) / 10)])));
    }
    const results = await readLag(admin, [
      ...groups.map((group, i) => ({ key: `e${i}`, topic, group, offsetReset: 'earliest' as const })),
      { key: 'other', topic: other, group: groups[0], offsetReset: 'earliest' },
    ]);
    expect(results.size).toBe(6);
    for (let i = 0; i < groups.length; i++) {
      const expected = [...ends.values()].reduce((sum, end) => sum + end - Math.floor((end * i) / 10), 0);
      expect(reading(results.get(`e${i}`)).totalLag).toBe(expected);
    }
    // group 0 has commits at offset 0 on `topic` but none on `other`
    expect(reading(results.get('other'))).toMatchObject({ totalLag: 40, uncommittedPartitions: 2, partitionCount: 2 });
  });

  test('a missing topic fails only the engine that reads it', async () => {
    const group = uniqueName('g');
    const results = await readLag(admin, [
      { key: 'gone', topic: uniqueName('never-created'), group, offsetReset: 'earliest' },
      { key: 'fine', topic, group, offsetReset: 'earliest' },
    ]);
    expect(results.get('gone')).toMatchObject({ ok: false, topicMissing: true });
    expect((results.get('gone') as { error: string }).error).toMatch(/does not exist/);
    expect(reading(results.get('fine')).totalLag).toBe(MESSAGES);
  });

  test('partitions added to a topic are read at the next call', async () => {
    const growing = uniqueName('lag-growing');
    await createTopic(admin, growing, 2);
    const group = uniqueName('g');
    expect(reading((await readLag(admin, [{ key: 'g', topic: growing, group, offsetReset: 'earliest' }])).get('g')).partitionCount).toBe(2);
    await admin.createPartitions({ topics: [{ name: growing, count: 4 }] });
    // the broker's metadata catches up with the controller shortly after CreatePartitions: the
    // reader forces a metadata refresh at every call, so a later call sees the new partitions
    let lag = reading((await readLag(admin, [{ key: 'g', topic: growing, group, offsetReset: 'earliest' }])).get('g'));
    for (let i = 0; i < 50 && lag.partitionCount < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      lag = reading((await readLag(admin, [{ key: 'g', topic: growing, group, offsetReset: 'earliest' }])).get('g'));
    }
    expect(lag.partitionCount).toBe(4);
    await produceKeyed(bootstrap, growing, 40, 8);
    lag = reading((await readLag(admin, [{ key: 'g', topic: growing, group, offsetReset: 'earliest' }])).get('g'));
    expect(lag.partitions.filter((p) => p.partition >= 2).some((p) => p.endOffset > 0)).toBe(true);
    expect(lag.totalLag).toBe(40);
  });

  test('an unreachable broker rejects the whole read', async () => {
    const dead = newAdmin('127.0.0.1:1');
    try {
      await expect(readLag(dead, [{ key: 'e', topic, group: 'g', offsetReset: 'earliest' }])).rejects.toThrow();
    } finally {
      await dead.close();
    }
  });

  test('the scaling decision on real lag', async () => {
    const group = uniqueName('decide');
    const committed = new Map([...ends].map(([p, end]) => [p, end - Math.min(end, 10)]));
    await commitOffsets(admin, group, topic, committed);
    const lag = reading((await readLag(admin, [{ key: 'e', topic, group, offsetReset: 'earliest' }])).get('e'));
    const scaling: LagScalingConfig = {
      lagPerTask: 20,
      activationLag: 5,
      minTasks: 0,
      maxTasks: 10,
      scaleInCooldownSeconds: 60,
      allowMoreTasksThanPartitions: false,
      limitToPartitionsWithLag: false,
      persistentLagAfterSeconds: 600,
      excludePersistentLag: true,
    };
    const decision = decideScaling({
      current: 0, lag: { totalLag: lag.totalLag, partitions: lag.partitionCount }, config: scaling, state: {}, now: Date.now(),
    });
    expect(decision.desired).toBe(Math.min(PARTITIONS, Math.ceil(lag.totalLag / 20)));
    expect(decision.action).toBe('scale-out');
    // the whole backlog of a never-committed group asks for the partition cap
    const fresh = reading((await readLag(admin, [{ key: 'f', topic, group: uniqueName('fresh'), offsetReset: 'earliest' }])).get('f'));
    const freshLag = { totalLag: fresh.totalLag, partitions: fresh.partitionCount };
    expect(decideScaling({ current: 0, lag: freshLag, config: scaling, state: {}, now: 0 }).desired).toBe(PARTITIONS);
  });
});
