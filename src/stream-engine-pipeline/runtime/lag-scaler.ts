/**
 * The lag scaler (the article's "Engine Orchestrator"): sets each object engine's ECS service
 * desired count from its consumer group's lag. scaler-run.ts polls it for the length of a run.
 *
 * One poll, bounded in time (everything it waits for ends by its deadline):
 * 1. read the lag of every object engine's group (one Kafka admin connection, reused by every
 *    poll of a run; dropped and reopened after a failure), and probe the records at the read
 *    positions where that tells more (record-probe.ts: transaction markers, time lag);
 * 2. read the services' desired and running counts (DescribeServices, 10 services per call);
 * 3. load the engines' remembered state from the registry table (first poll of a run;
 *    afterwards the in-memory copy is used and every change is written back);
 * 4. decide (engine-lag.ts, scaling-decision.ts) and call UpdateService only when the count
 *    changes;
 * 5. print EMF metrics (also DeadLetterMessages: how many messages the dead-letter topic holds).
 *
 * Failure handling: an engine whose lag, service or update fails is reported and left as it is;
 * the others go on. When Kafka cannot be read at all every count is kept. Nothing here throws
 * out of `poll`: the alarm comes from the LagReadFailures metric.
 */
import { setMaxListeners } from 'node:events';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type * as PlatformaticKafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { engineLag, EngineLag, partitionsToProbe, ProbedPosition, stillHolds } from './engine-lag';
import {
  METRIC_CONSUMER_LAG, METRIC_DEAD_LETTERS, METRIC_DESIRED_TASKS, METRIC_DIMENSION_ENGINE, METRIC_DIMENSION_PIPELINE,
  METRIC_LAG_READ_FAILURES, METRIC_NAMESPACE, METRIC_STUCK_PARTITIONS, METRIC_TIME_LAG_SECONDS,
} from './environment';
import { describeError, LagAdmin, LagQuery, LagReading, LagResult, readLag, readTopicMessageCount } from './lag-reader';
import { lastingWatches, PartitionWatch, PartitionWatches } from './persistent-lag';
import { EngineRefs, ObjectEngineConfig, PipelineConfig } from './pipeline-config';
import { probeKey, probeRecords, ProbeResult, RecordFetcher } from './record-probe';
import { scalerStateKey, ScalerStateItem } from './registry-schema';
import { decideScaling, ScalerState, ScalingAction } from './scaling-decision';
import { isConditionalCheckFailed } from '../../shared/runtime/aws-clients';
import { batchGetAll, DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';
import { MetricsSink, MetricValue, publishMetrics } from '../../shared/runtime/metrics';
import { withTimeout } from '../../shared/runtime/timers';

/** A Kafka admin client the scaler can connect ahead and close (a @platformatic/kafka Admin fits). */
export type LagAdminClient = LagAdmin & Pick<PlatformaticKafka.Admin, 'connectToBrokers'> & { close(): Promise<void> };
/** A Kafka client that reads records and can be closed (a @platformatic/kafka Consumer fits; it joins no group). */
export type RecordFetcherClient = RecordFetcher & { close(): Promise<void> };

/** A poll called without a deadline ends within this. */
export const DEFAULT_POLL_TIMEOUT_MS = 20_000;
/** Closing a Kafka client never takes longer (a broker that does not answer cannot hold the run). */
export const CLOSE_TIMEOUT_MS = 2_000;

export interface LagScalerDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  /** Opens a Kafka admin client; called on the first poll and after a Kafka failure. */
  readonly createKafkaAdmin: () => Promise<LagAdminClient>;
  /** Opens a Kafka client that fetches records (the probe); called like createKafkaAdmin. */
  readonly createRecordFetcher: () => Promise<RecordFetcherClient>;
  /** DescribeServices and UpdateService are used. */
  readonly ecs: Pick<ECSClient, 'send'>;
  /** BatchGetItem and PutItem on the registry table, through the DocumentClient. */
  readonly doc: DocumentSender;
  readonly registryTable: string;
  /**
   * The lease epoch of this run (scaler-lease.ts): state writes are conditional on it, so a run
   * that was taken over never overwrites what the newer run wrote. Unset: unconditional writes.
   */
  readonly runEpoch?: number;
  /** Epoch ms. */
  readonly now?: () => number;
  readonly log: Log;
  /** Receives each EMF document as a JSON line (default: stdout, where CloudWatch reads it). */
  readonly emitMetrics?: MetricsSink;
  /** Upper bound for reading all lag in one poll (default 10 s; never past the poll's deadline). */
  readonly lagReadTimeoutMs?: number;
}

export interface EngineOutcome {
  readonly engine: string;
  readonly service?: string;
  /** Records still to consume (transaction markers and aborted records left out; stuck partitions in). */
  readonly lag?: number;
  readonly partitions?: number;
  readonly uncommittedPartitions?: number;
  /** Partitions whose position has not moved for persistentLagAfter while they had lag and tasks ran. */
  readonly stuckPartitions?: number[];
  /** Age in seconds of the oldest record still to consume (with timeLagPerTask only). */
  readonly timeLagSeconds?: number;
  /** The count before this poll (undefined when ECS could not say). */
  readonly current?: number;
  /** Tasks running (from DescribeServices). */
  readonly running?: number;
  /** The count after this poll. */
  readonly desired?: number;
  readonly action: ScalingAction | 'error';
  readonly reason: string;
  readonly updated: boolean;
}

export interface PollResult {
  readonly at: number;
  /** False when Kafka could not be read at all. */
  readonly kafkaReadable: boolean;
  /** 1 when the lag of at least one engine could not be read (metric LagReadFailures). */
  readonly lagReadFailures: number;
  /** Messages on the dead-letter topic; undefined when it could not be read. */
  readonly deadLetters?: number;
  readonly engines: EngineOutcome[];
}

/** What the scaler remembers of one engine: its scaling state and its partitions' watches. */
interface EngineMemory {
  readonly scaling: ScalerState;
  readonly watches: PartitionWatches;
  /** What was last written (to skip writing an unchanged item). */
  readonly written?: string;
}

interface ServiceCount {
  readonly service?: string;
  readonly desired?: number;
  readonly running?: number;
  readonly error?: string;
}

interface KafkaReading {
  readonly lag: Map<string, LagResult>;
  readonly probes: Map<string, ProbeResult>;
  readonly deadLetters?: number;
}

/** One scaler with its Kafka connections and remembered state; `poll()` as often as wanted. */
export class LagScaler {
  private admin?: Promise<LagAdminClient>;
  private fetcher?: Promise<RecordFetcherClient>;
  private memories?: Map<string, EngineMemory>;
  /** What the probes told of each engine's partitions, by engine name and partition (reused while they hold). */
  private readonly probed = new Map<string, Map<number, ProbedPosition>>();
  /** Where each engine's partitions were read from at the previous poll (a partition that moved is being consumed). */
  private readonly readFrom = new Map<string, Map<number, number>>();
  private overtakenBy = false;
  private readonly now: () => number;
  private readonly log: Log;

  constructor(private readonly deps: LagScalerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log;
  }

  /** True once a state write found that a newer run wrote first: this run should stop. */
  get overtaken(): boolean {
    return this.overtakenBy;
  }

  /**
   * Opens the Kafka connection ahead of the first poll (a new run does so before it takes the
   * lease, so the handover costs no poll). Never throws: a failure shows at the poll.
   */
  async connect(timeoutMs: number): Promise<void> {
    try {
      const admin = await this.adminClient();
      await withTimeout(admin.connectToBrokers(), timeoutMs, 'connecting to Kafka');
    } catch (error) {
      this.log.warn('Kafka connection not ready before the first poll', { pipeline: this.deps.config.pipelineName, error: describeError(error) });
      await this.dropKafka();
    }
  }

  /** One poll over every object engine, finished by `deadline` (epoch ms). Never throws. */
  async poll(deadline = this.now() + DEFAULT_POLL_TIMEOUT_MS): Promise<PollResult> {
    const at = this.now();
    const engines = this.deps.config.objectEngines;
    const pipeline = this.deps.config.pipelineName;
    // AWS calls are aborted at the deadline; what cannot be aborted is no longer waited for
    const abort = new AbortController();
    // every AWS call of the poll listens on it: DescribeServices per 10 engines, then UpdateService and PutItem per engine
    setMaxListeners(3 * engines.length + 10, abort.signal);
    const timer = setTimeout(() => abort.abort(new Error('the poll\'s deadline passed')), Math.max(0, deadline - at));
    const remaining = () => Math.max(0, deadline - this.now());
    try {
      // 1. lag
      let kafka: KafkaReading | undefined;
      let kafkaError: string | undefined;
      try {
        kafka = await withTimeout(this.readKafka(engines), Math.min(this.deps.lagReadTimeoutMs ?? 10_000, remaining()), 'reading consumer lag');
      } catch (error) {
        kafkaError = describeError(error);
        this.log.error('Kafka could not be read, keeping every task count', { pipeline, error: kafkaError });
        await this.dropKafka();
      }

      // 2. current counts; 3. remembered state
      const [counts, memories] = await Promise.all([this.describeServices(engines, abort.signal), this.loadMemories(engines, remaining())]);

      // 4. decide and apply, engine by engine (one failure never stops the others)
      const outcomes = await Promise.all(engines.map(async (engine) => {
        try {
          return await this.scaleEngine(engine, kafka, kafkaError, counts.get(engine.name), memories, at, abort.signal);
        } catch (error) {
          const reason = `unexpected error: ${describeError(error)}`;
          this.log.error('scaling failed', { pipeline, engine: engine.name, reason });
          return { engine: engine.name, action: 'error', reason, updated: false } satisfies EngineOutcome;
        }
      }));

      const lagReadFailures = kafkaError || outcomes.some((o) => o.lag === undefined) ? 1 : 0;
      this.printMetrics(outcomes, lagReadFailures, kafka?.deadLetters);
      return { at, kafkaReadable: kafkaError === undefined, lagReadFailures, deadLetters: kafka?.deadLetters, engines: outcomes };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the Kafka connections. */
  async close(): Promise<void> {
    await this.dropKafka();
  }

  private async scaleEngine(engine: ObjectEngineConfig, kafka: KafkaReading | undefined, kafkaError: string | undefined,
    count: ServiceCount | undefined, memories: Map<string, EngineMemory>, at: number, abortSignal: AbortSignal): Promise<EngineOutcome> {
    const pipeline = this.deps.config.pipelineName;
    const reading = kafka?.lag.get(engine.name);
    if (reading && !reading.ok) {
      this.log.error('consumer lag unknown', { pipeline, engine: engine.name, group: engine.consumerGroup, topic: engine.inputTopic, error: reading.error });
    }
    const remembered = memories.get(engine.name) ?? { scaling: {}, watches: {} };
    // (without a running count its watches are not kept: this poll then changes nothing)
    const seen = reading?.ok ? engineLag(reading, kafka!.probes, remembered.watches, (count?.running ?? 0) > 0, engine.scaling, at) : undefined;
    const lagInfo = reading?.ok && seen ? lagFields(reading, seen) : {};
    if (seen) {
      this.reportNewlyStuck(engine, reading as LagReading, remembered.watches, seen);
    }
    if (!count || count.desired === undefined) {
      const reason = `service desired count unknown (${count?.error ?? 'no service'}): nothing changed`;
      this.log.error('scaling failed', { pipeline, engine: engine.name, reason });
      return { engine: engine.name, service: count?.service, ...lagInfo, action: 'error', reason, updated: false };
    }
    const service = count.service!;
    const decision = decideScaling({
      current: count.desired,
      lag: seen
        ? seen.input
        : { error: reading && !reading.ok ? reading.error : `Kafka unreadable: ${kafkaError ?? 'no reading'}` },
      config: engine.scaling,
      state: remembered.scaling,
      now: at,
    });

    let updated = false;
    let desired = count.desired;
    let reason = decision.reason;
    let action: EngineOutcome['action'] = decision.action;
    if (decision.desired !== count.desired) {
      try {
        await this.deps.ecs.send(new UpdateServiceCommand({
          cluster: this.deps.refs.cluster,
          service,
          desiredCount: decision.desired,
        }), { abortSignal });
        updated = true;
        desired = decision.desired;
      } catch (error) {
        reason = `${decision.reason}; UpdateService failed: ${describeError(error)}`;
        action = 'error';
      }
    }
    // the scaling state advances only when the decision took effect; the watches are what was seen
    const memory: EngineMemory = {
      scaling: updated || decision.desired === count.desired ? decision.newState : remembered.scaling,
      watches: seen?.watches ?? remembered.watches,
      written: remembered.written,
    };
    const outcome: EngineOutcome = {
      engine: engine.name, service, ...lagInfo, current: count.desired, running: count.running, desired, action, reason, updated,
    };
    const fields = { pipeline, engine: engine.name, action, current: count.desired, desired, lag: outcome.lag, reason };
    if (action === 'error') {
      this.log.error('scaling failed', fields);
    } else {
      this.log.info('scaling decision', fields);
    }
    await this.saveMemory(engine.name, memory, outcome, memories, at, abortSignal);
    return outcome;
  }

  /** A warning the first time a partition counts as stuck (the StuckPartitions alarm follows). */
  private reportNewlyStuck(engine: ObjectEngineConfig, reading: LagReading, before: PartitionWatches, seen: EngineLag): void {
    const newly = seen.stuck.filter((p) => !before[String(p)]?.stuck);
    if (newly.length === 0) return;
    this.log.warn('partitions stuck: their position has not moved while they had lag and tasks ran', {
      pipeline: this.deps.config.pipelineName,
      engine: engine.name,
      topic: engine.inputTopic,
      group: engine.consumerGroup,
      partitions: newly.map((p) => ({ partition: p, position: seen.watches[String(p)].position, endOffset: reading.partitions[p].endOffset })),
      persistentLagAfterSeconds: engine.scaling.persistentLagAfterSeconds,
      excluded: engine.scaling.excludePersistentLag,
    });
  }

  /** The lag of every engine, the probes at their read positions and the dead-letter topic's size. */
  private async readKafka(engines: readonly ObjectEngineConfig[]): Promise<KafkaReading> {
    const queries: LagQuery[] = engines.map((e) => ({ key: e.name, topic: e.inputTopic, group: e.consumerGroup, offsetReset: e.offsetReset }));
    const admin = await this.adminClient();
    const deadLetterTopic = this.deps.config.topics?.deadLetter;
    const [lag, deadLetters] = await Promise.all([
      readLag(admin, queries),
      deadLetterTopic
        ? readTopicMessageCount(admin, deadLetterTopic).catch((error: unknown) => {
          this.log.error('dead-letter topic could not be read', {
            pipeline: this.deps.config.pipelineName, topic: deadLetterTopic, error: describeError(error),
          });
          return undefined;
        })
        : Promise.resolve(undefined),
    ]);
    return { lag, probes: await this.probe(engines, lag), deadLetters };
  }

  /**
   * Probes what partitionsToProbe selects; answers the probes of every lagging partition, fresh
   * or still holding from an earlier poll.
   */
  private async probe(engines: readonly ObjectEngineConfig[], lag: Map<string, LagResult>): Promise<Map<string, ProbeResult>> {
    const readings = engines.flatMap((engine) => {
      const reading = lag.get(engine.name);
      return reading?.ok ? [{ engine, reading }] : [];
    });
    const requests = readings.flatMap(({ engine, reading }) => {
      const wanted = partitionsToProbe(reading, this.probed.get(engine.name), this.readFrom.get(engine.name), engine.scaling);
      this.readFrom.set(engine.name, new Map(reading.partitions.map((p) => [p.partition, p.readFrom])));
      return wanted;
    });
    let fresh = new Map<string, ProbeResult>();
    if (requests.length > 0) {
      try {
        const answer = await probeRecords(await this.fetcherClient(), requests);
        if (answer.errors.length > 0) {
          this.log.warn('records could not be probed: their offset lag counts as it is', { pipeline: this.deps.config.pipelineName, errors: answer.errors });
        }
        fresh = answer.results;
      } catch (error) {
        this.log.warn('records could not be probed: their offset lag counts as it is', { pipeline: this.deps.config.pipelineName, errors: [describeError(error)] });
      }
    }
    const results = new Map<string, ProbeResult>();
    for (const { engine, reading } of readings) {
      const before = this.probed.get(engine.name);
      const now = new Map<number, ProbedPosition>();
      for (const p of reading.partitions.filter((q) => q.lag > 0)) {
        const key = probeKey(reading.topic, p.partition, p.readFrom);
        const answer = fresh.get(key);
        const known = answer ? { from: p.readFrom, end: p.endOffset, result: answer } : before?.get(p.partition);
        if (stillHolds(known, p)) {
          now.set(p.partition, known);
          results.set(key, known.result);
        }
      }
      this.probed.set(engine.name, now);
    }
    return results;
  }

  private adminClient(): Promise<LagAdminClient> {
    if (!this.admin) {
      this.admin = this.deps.createKafkaAdmin();
      this.admin.catch(() => undefined); // observed by the caller; avoid an unhandled rejection
    }
    return this.admin;
  }

  private fetcherClient(): Promise<RecordFetcherClient> {
    if (!this.fetcher) {
      this.fetcher = this.deps.createRecordFetcher();
      this.fetcher.catch(() => undefined);
    }
    return this.fetcher;
  }

  private async dropKafka(): Promise<void> {
    const clients: Array<Promise<{ close(): Promise<void> }> | undefined> = [this.admin, this.fetcher];
    this.admin = undefined;
    this.fetcher = undefined;
    // what the probes told stays: it describes the partitions, not the connection
    await Promise.all(clients.map(async (pending) => {
      if (!pending) return;
      try {
        await withTimeout((async () => (await pending).close())(), CLOSE_TIMEOUT_MS, 'closing a Kafka client');
      } catch {
        // it was broken already
      }
    }));
  }

  /** Service name, desired and running count per engine name; DescribeServices takes 10 services a call. */
  private async describeServices(engines: readonly ObjectEngineConfig[], abortSignal: AbortSignal): Promise<Map<string, ServiceCount>> {
    const result = new Map<string, ServiceCount>();
    const wanted: Array<{ engine: string; service: string }> = [];
    for (const engine of engines) {
      const service = this.deps.refs.services[engine.name];
      if (service) {
        wanted.push({ engine: engine.name, service });
      } else {
        result.set(engine.name, { error: `no ECS service for engine ${engine.name} in the engine refs` });
      }
    }
    const batches: Array<typeof wanted> = [];
    for (let i = 0; i < wanted.length; i += 10) {
      batches.push(wanted.slice(i, i + 10));
    }
    const describe = async (batch: typeof wanted): Promise<void> => {
      const answer = await this.deps.ecs.send(new DescribeServicesCommand({
        cluster: this.deps.refs.cluster,
        services: batch.map((b) => b.service),
      }), { abortSignal });
      for (const { engine, service } of batch) {
        const found = (answer.services ?? []).find((s) => sameService(service, s.serviceName, s.serviceArn));
        const failure = (answer.failures ?? []).find((f) => f.arn !== undefined && sameService(service, lastPart(f.arn), f.arn));
        if (found && found.status !== 'INACTIVE' && found.desiredCount !== undefined) {
          result.set(engine, { service, desired: found.desiredCount, running: found.runningCount ?? 0 });
        } else {
          result.set(engine, {
            service,
            error: found?.status === 'INACTIVE'
              ? `service ${service} is INACTIVE`
              : `service ${service} not found${failure?.reason ? ` (${failure.reason})` : ''}`,
          });
        }
      }
    };
    await Promise.all(batches.map(async (batch) => {
      try {
        await describe(batch);
      } catch (batchError) {
        if (batch.length === 1 || abortSignal.aborted) {
          for (const one of batch) {
            result.set(one.engine, { service: one.service, error: `DescribeServices failed: ${describeError(batchError)}` });
          }
          return;
        }
        // one bad service must not hide the others: ask for each on its own
        await Promise.all(batch.map(async (one) => {
          try {
            await describe([one]);
          } catch (error) {
            result.set(one.engine, { service: one.service, error: `DescribeServices failed: ${describeError(error)}` });
          }
        }));
      }
    }));
    return result;
  }

  private async loadMemories(engines: readonly ObjectEngineConfig[], timeoutMs: number): Promise<Map<string, EngineMemory>> {
    if (this.memories) {
      return this.memories;
    }
    const memories = new Map<string, EngineMemory>();
    const engineBySortKey = new Map(engines.map((e) => [scalerStateKey(e.name).sk, e.name]));
    try {
      // batchGetAll fetches the keys DynamoDB defers (UnprocessedKeys): a deferred engine must
      // not start without its memory
      const items = await withTimeout(
        batchGetAll(this.deps.doc, this.deps.registryTable, engines.map((e) => scalerStateKey(e.name)), { consistentRead: true }),
        timeoutMs, 'reading the scaler state');
      for (const item of items as ScalerStateItem[]) {
        const name = engineBySortKey.get(item.sk);
        if (name) {
          const memory = { scaling: scalingMemory(item), watches: storedWatches(item.partitions) };
          memories.set(name, { ...memory, written: stored(memory, Infinity) });
        }
      }
    } catch (error) {
      // without memory the scale-in wait and the stuck-partition watch start again: safe (both only delay)
      this.log.error('scaler state could not be read, starting without it', {
        pipeline: this.deps.config.pipelineName, table: this.deps.registryTable, error: describeError(error),
      });
    }
    this.memories = memories;
    return memories;
  }

  private async saveMemory(engine: string, memory: EngineMemory, outcome: EngineOutcome,
    memories: Map<string, EngineMemory>, at: number, abortSignal: AbortSignal): Promise<void> {
    memories.set(engine, memory);
    const serialized = stored(memory, at);
    if (memory.written === serialized && !outcome.updated) {
      return; // nothing new to remember
    }
    const epoch = this.deps.runEpoch;
    const item: ScalerStateItem = {
      ...scalerStateKey(engine),
      ...scalingMemory(memory.scaling),
      partitions: lastingWatches(memory.watches, at),
      runEpoch: epoch,
      updatedAt: at,
      reason: outcome.reason.slice(0, 1000),
      desiredCount: outcome.desired,
      lag: outcome.lag,
    };
    try {
      // undefined attributes are left out (the DocumentClient's removeUndefinedValues)
      await this.deps.doc.send(new PutCommand({
        TableName: this.deps.registryTable,
        Item: item,
        ...(epoch !== undefined ? {
          ConditionExpression: 'attribute_not_exists(runEpoch) OR runEpoch <= :epoch',
          ExpressionAttributeValues: { ':epoch': epoch },
        } : {}),
      }), { abortSignal });
      memories.set(engine, { ...memory, written: serialized });
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        this.overtakenBy = true;
        this.log.info('a newer run has taken over: its state stands', { pipeline: this.deps.config.pipelineName, engine });
        return;
      }
      // kept in memory for this run; written again at the next poll
      this.log.error('scaler state not saved', { pipeline: this.deps.config.pipelineName, engine, error: describeError(error) });
    }
  }

  /**
   * EMF: one document per engine (a document carries one value per dimension, so engines
   * cannot share one) and one for the pipeline with LagReadFailures and DeadLetterMessages.
   */
  private printMetrics(outcomes: readonly EngineOutcome[], lagReadFailures: number, deadLetters: number | undefined): void {
    const pipeline = this.deps.config.pipelineName;
    for (const o of outcomes) {
      const metrics: MetricValue[] = [];
      if (o.lag !== undefined) {
        metrics.push({ name: METRIC_CONSUMER_LAG, value: o.lag });
      }
      if (o.desired !== undefined) {
        metrics.push({ name: METRIC_DESIRED_TASKS, value: o.desired });
      }
      if (o.stuckPartitions !== undefined) {
        metrics.push({ name: METRIC_STUCK_PARTITIONS, value: o.stuckPartitions.length });
      }
      if (o.timeLagSeconds !== undefined) {
        metrics.push({ name: METRIC_TIME_LAG_SECONDS, value: o.timeLagSeconds, unit: 'Seconds' });
      }
      publishMetrics({
        namespace: METRIC_NAMESPACE,
        dimensions: { [METRIC_DIMENSION_PIPELINE]: pipeline, [METRIC_DIMENSION_ENGINE]: o.engine },
        metrics,
        properties: { action: o.action },
      }, this.deps.emitMetrics);
    }
    publishMetrics({
      namespace: METRIC_NAMESPACE,
      dimensions: { [METRIC_DIMENSION_PIPELINE]: pipeline },
      metrics: [
        { name: METRIC_LAG_READ_FAILURES, value: lagReadFailures },
        ...(deadLetters !== undefined ? [{ name: METRIC_DEAD_LETTERS, value: deadLetters }] : []),
      ],
    }, this.deps.emitMetrics);
  }
}

/** The outcome's lag fields for an engine whose lag was read. */
function lagFields(reading: LagReading, seen: EngineLag): Partial<EngineOutcome> {
  return {
    lag: seen.consumerLag,
    partitions: reading.partitionCount,
    uncommittedPartitions: reading.uncommittedPartitions,
    stuckPartitions: seen.stuck,
    ...(seen.input.timeLagSeconds !== undefined ? { timeLagSeconds: Math.round(seen.input.timeLagSeconds * 10) / 10 } : {}),
  };
}

const STATE_FIELDS = ['lowerSince', 'lowerTarget', 'lastScaleOutAt', 'lastScaleInAt'] as const;

/** The scaling memory in `source` (a decision's new state or a stored item): its fields that are numbers. */
function scalingMemory(source: ScalerState): ScalerState {
  const state: Record<string, number> = {};
  for (const field of STATE_FIELDS) {
    const value = source[field];
    if (typeof value === 'number' && Number.isFinite(value)) {
      state[field] = value;
    }
  }
  return state;
}

/** The watches of a stored item (entries of another shape are dropped). */
function storedWatches(source: unknown): PartitionWatches {
  const watches: Record<string, PartitionWatch> = {};
  for (const [partition, w] of Object.entries((source ?? {}) as Record<string, Partial<PartitionWatch>>)) {
    if (typeof w?.position === 'number' && typeof w.since === 'number') {
      watches[partition] = { position: w.position, since: w.since, ...(w.stuck ? { stuck: true } : {}) };
    }
  }
  return watches;
}

/** What of a memory is stored at `at`, serialized in a fixed order (to tell whether it changed). */
function stored(memory: EngineMemory, at: number): string {
  const watches = Object.entries(lastingWatches(memory.watches, at)).sort(([a], [b]) => Number(a) - Number(b));
  return JSON.stringify([scalingMemory(memory.scaling), watches]);
}

function sameService(ref: string, name: string | undefined, arn: string | undefined): boolean {
  return ref === name || ref === arn || (name !== undefined && lastPart(ref) === name);
}

function lastPart(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}
