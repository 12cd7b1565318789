/**
 * Lag scaler benchmark against the local Kafka broker (scripts/kafka/broker.sh; started when
 * none runs), dynalite for the registry table and a fake ECS client (ECS has no local
 * implementation; mocked at its API boundary).
 *
 * Reaction time on the real schedule: bench/lag-scaler-schedule.bench.ts.
 *
 * Poll cost: one poll over 50 object engines, each its own consumer group on its own topic
 * of 100 partitions (5,000 partitions). Topics and groups are created once and kept
 * (bench-lag-* names) for later runs. Median wall time of several polls, and the Kafka
 * requests per poll, counted by API from the client's diagnostics channel.
 *
 * Environment: BENCH_POLLS (default 7).
 * Prints figures only; asserts nothing.
 */
import * as diagnostics from 'node:diagnostics_channel';
import type { Admin } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { documentClient } from '../src/shared/runtime/aws-clients';
import { LagAdminClient, LagScaler, LagScalerDeps } from '../src/stream-engine-pipeline/runtime/lag-scaler';
import { ObjectEngineConfig, PipelineConfig } from '../src/stream-engine-pipeline/runtime/pipeline-config';
import { startDynalite } from '../test/helpers/dynalite';
import { ensureKafka } from '../test/helpers/kafka-broker';
import { SILENT_LOG } from '../test/helpers/recording-log';
import {
  commitOffsets, createRegistryTable, createTopic, FakeEcs, newAdmin, newFetcher,
} from '../test/stream-engine-pipeline/runtime/lag-scaler-kit';

const POLLS = Number(process.env.BENCH_POLLS ?? '7');
const GROUPS = 50;
const DEAD_LETTER_TOPIC = 'bench-lag-dead-letter';
const PARTITIONS = 100;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function pipeline(engines: ObjectEngineConfig[], pollIntervalSeconds: number): PipelineConfig {
  return {
    pipelineName: 'bench',
    kafkaAuth: 'plaintext',
    topics: { control: 'c', rawStreams: 'r', objects: engines[0].inputTopic, results: 'results', deadLetter: DEAD_LETTER_TOPIC },
    streamEngines: [],
    objectEngines: engines,
    maxConcurrentStreams: 1,
    pollIntervalSeconds,
  };
}

async function main(): Promise<void> {
  const bootstrap = await ensureKafka();
  const admin = newAdmin(bootstrap, 'lag-scaler-bench');
  const dynamo = await startDynalite();
  const table = await createRegistryTable(dynamo.client);
  const deps = (engines: ObjectEngineConfig[], ecs: FakeEcs, intervalSeconds: number): LagScalerDeps => ({
    config: pipeline(engines, intervalSeconds),
    refs: {
      cluster: 'bench',
      subnets: [],
      securityGroups: [],
      taskDefinitions: {},
      services: Object.fromEntries(engines.map((e) => [e.name, `svc-${e.name}`])),
    },
    createKafkaAdmin: async () => newAdmin(bootstrap, 'bench-lag-scaler') as unknown as LagAdminClient,
    createRecordFetcher: async () => newFetcher(bootstrap, 'bench-lag-scaler-probe'),
    ecs,
    doc: documentClient(dynamo.client),
    registryTable: table,
    log: SILENT_LOG,
    emitMetrics: () => undefined,
  });

  try {
    console.log(`broker ${bootstrap}`);
    if (!(await admin.listTopics()).includes(DEAD_LETTER_TOPIC)) {
      await createTopic(admin, DEAD_LETTER_TOPIC, 3);
    }
    await pollCost(admin, deps);
  } finally {
    await admin.close();
    await dynamo.stop();
  }
}

async function pollCost(admin: Admin,
  deps: (engines: ObjectEngineConfig[], ecs: FakeEcs, intervalSeconds: number) => LagScalerDeps): Promise<void> {
  const topics = Array.from({ length: GROUPS }, (_, i) => `bench-lag-t${String(i).padStart(2, '0')}`);
  const existing = new Set(await admin.listTopics());
  const started = Date.now();
  let created = 0;
  for (const topic of topics) {
    if (!existing.has(topic)) {
      await createTopic(admin, topic, PARTITIONS);
      created++;
    }
  }
  const engines: ObjectEngineConfig[] = topics.map((topic, i) => ({
    name: `engine${i}`,
    inputTopic: topic,
    outputTopic: 'results',
    consumerGroup: `bench-lag-g${String(i).padStart(2, '0')}`,
    offsetReset: 'earliest',
    scaling: {
      lagPerTask: 100,
      activationLag: 10,
      minTasks: 0,
      maxTasks: 10,
      scaleInCooldownSeconds: 60,
      allowMoreTasksThanPartitions: false,
      limitToPartitionsWithLag: true,
      persistentLagAfterSeconds: 600,
      excludePersistentLag: true,
    },
  }));
  // every group has committed offsets on every partition (a running engine's normal state)
  for (const engine of engines) {
    await commitOffsets(admin, engine.consumerGroup, engine.inputTopic, new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, 0])));
  }
  console.log(`setup: ${GROUPS} topics x ${PARTITIONS} partitions (${created} created now), ${GROUPS} groups committed, `
    + `${((Date.now() - started) / 1000).toFixed(1)} s`);

  // count Kafka requests by API key from the client's diagnostics channel
  const requests = new Map<string, number>();
  let counting = false;
  const onStart = (message: unknown) => {
    if (counting) {
      const m = message as { apiKey?: number; request?: { apiKey?: number } };
      const key = String(m.apiKey ?? m.request?.apiKey ?? '?');
      requests.set(key, (requests.get(key) ?? 0) + 1);
    }
  };
  diagnostics.subscribe('tracing:plt:kafka:connections:api:start', onStart);

  for (const [label, groupsCommitted] of [['committed groups', true], ['never-committed groups', false]] as const) {
    const list = groupsCommitted ? engines : engines.map((e) => ({ ...e, consumerGroup: `${e.consumerGroup}-fresh` }));
    const ecs = new FakeEcs(new Map(list.map((e) => [`svc-${e.name}`, { desiredCount: 0 }])));
    const scaler = new LagScaler(deps(list, ecs, 10));
    await scaler.poll(); // warm-up: connection, registry read
    const times: number[] = [];
    requests.clear();
    for (let i = 0; i < POLLS; i++) {
      counting = true;
      const t0 = Date.now();
      const poll = await scaler.poll();
      times.push(Date.now() - t0);
      counting = false;
      if (poll.lagReadFailures) {
        console.log(`    poll ${i}: lag read failures: ${poll.engines.find((e) => e.lag === undefined)?.reason}`);
      }
    }
    await scaler.close();
    const perPoll = [...requests].map(([key, n]) => `${API_NAMES[key] ?? `api ${key}`}=${(n / POLLS).toFixed(1)}`).join(', ');
    const total = [...requests.values()].reduce((a, b) => a + b, 0) / POLLS;
    console.log(`one poll, ${GROUPS} engines x ${PARTITIONS} partitions, ${label}: median ${median(times)} ms `
      + `(min ${Math.min(...times)}, max ${Math.max(...times)}, ${POLLS} polls); Kafka requests per poll ${total.toFixed(1)}: ${perPoll}; `
      + `DescribeServices calls per poll ${ecs.calls.filter((c) => c.command === 'DescribeServices').length / (POLLS + 1)}`);
  }
  diagnostics.unsubscribe('tracing:plt:kafka:connections:api:start', onStart);
}

// a poll also reads the dead-letter topic's size (Metadata + 2 ListOffsets, concurrent with the lag)
const API_NAMES: Record<string, string> = { 2: 'ListOffsets', 3: 'Metadata', 9: 'OffsetFetch', 10: 'FindCoordinator', 18: 'ApiVersions' };

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
