/**
 * The lag scaler (the article's "Engine Orchestrator"): sets each object engine's ECS service
 * desired count from its consumer group's lag.
 *
 * One poll:
 * 1. read the lag of every object engine's group (one Kafka admin connection, reused by every
 *    poll of an invocation; dropped and reopened after a failure);
 * 2. read the services' desired counts (DescribeServices, 10 services per call);
 * 3. load the engines' remembered state from the registry table (first poll of an invocation;
 *    afterwards the in-memory copy is used and every change is written back);
 * 4. decide (scaling-decision.ts) and call UpdateService only when the count changes;
 * 5. print EMF metrics (also DeadLetterMessages: how many messages the dead-letter topic holds).
 *
 * Failure handling: an engine whose lag, service or update fails is reported and left as it is;
 * the others go on. When Kafka cannot be read at all every count is kept. Nothing here throws
 * out of `runScaler`: the alarm comes from the LagReadFailures metric.
 */
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  METRIC_CONSUMER_LAG, METRIC_DEAD_LETTERS, METRIC_DESIRED_TASKS, METRIC_DIMENSION_ENGINE, METRIC_DIMENSION_PIPELINE,
  METRIC_LAG_READ_FAILURES, METRIC_NAMESPACE,
} from './environment';
import { describeError, LagAdmin, LagQuery, LagResult, readLag, readTopicMessageCount } from './lag-reader';
import { EngineRefs, ObjectEngineConfig, PipelineConfig } from './pipeline-config';
import { scalerStateKey, ScalerStateItem } from './registry-schema';
import { decideScaling, ScalerState, ScalingAction } from './scaling-decision';
import { batchGetAll, DocumentSender } from '../../shared/runtime/dynamo-batch';
import { Log } from '../../shared/runtime/logger';
import { MetricsSink, MetricValue, publishMetrics } from '../../shared/runtime/metrics';
import { sleep, withTimeout } from '../../shared/runtime/timers';

/** A Kafka admin client the scaler can close (a @platformatic/kafka Admin fits). */
export type LagAdminClient = LagAdmin & { close(): Promise<void> };

export interface LagScalerDeps {
  readonly config: PipelineConfig;
  readonly refs: EngineRefs;
  /** Opens a Kafka admin client; called on the first poll and after a Kafka failure. */
  readonly createKafkaAdmin: () => Promise<LagAdminClient>;
  /** DescribeServices and UpdateService are used. */
  readonly ecs: Pick<ECSClient, 'send'>;
  /** BatchGetItem and PutItem on the registry table, through the DocumentClient. */
  readonly doc: DocumentSender;
  readonly registryTable: string;
  /** Epoch ms. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log: Log;
  /** Receives each EMF document as a JSON line (default: stdout, where CloudWatch reads it). */
  readonly emitMetrics?: MetricsSink;
  /** Upper bound for reading all lag in one poll (default 15 s). */
  readonly lagReadTimeoutMs?: number;
}

export interface EngineOutcome {
  readonly engine: string;
  readonly service?: string;
  readonly lag?: number;
  readonly partitions?: number;
  readonly uncommittedPartitions?: number;
  /** The count before this poll (undefined when ECS could not say). */
  readonly current?: number;
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

export interface RunOptions {
  readonly polls: number;
  readonly intervalMs: number;
}

/** Polls `polls` times, `intervalMs` apart (start to start). Never throws. */
export async function runScaler(deps: LagScalerDeps, options: RunOptions): Promise<PollResult[]> {
  const scaler = new LagScaler(deps);
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const results: PollResult[] = [];
  try {
    for (let i = 0; i < Math.max(1, options.polls); i++) {
      const started = now();
      results.push(await scaler.poll());
      if (i < options.polls - 1) {
        await wait(Math.max(0, options.intervalMs - (now() - started)));
      }
    }
  } finally {
    await scaler.close();
  }
  return results;
}

interface StoredState {
  readonly state: ScalerState;
  /** What was last written (to skip writing an unchanged item). */
  readonly written?: string;
}

/** One scaler with its Kafka connection and remembered state; `poll()` as often as wanted. */
export class LagScaler {
  private admin?: Promise<LagAdminClient>;
  private states?: Map<string, StoredState>;
  private readonly now: () => number;
  private readonly log: Log;

  constructor(private readonly deps: LagScalerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log;
  }

  /** One poll over every object engine. Never throws. */
  async poll(): Promise<PollResult> {
    const at = this.now();
    const engines = this.deps.config.objectEngines;
    const pipeline = this.deps.config.pipelineName;

    // 1. lag
    let lag: Map<string, LagResult> | undefined;
    let deadLetters: number | undefined;
    let kafkaError: string | undefined;
    try {
      [lag, deadLetters] = await this.readKafka(engines);
    } catch (error) {
      kafkaError = describeError(error);
      this.log.error('Kafka could not be read, keeping every task count', { pipeline, error: kafkaError });
      await this.dropAdmin();
    }

    // 2. current counts; 3. remembered state
    const [counts, states] = await Promise.all([this.describeServices(engines), this.loadStates(engines)]);

    // 4. decide and apply, engine by engine (one failure never stops the others)
    const outcomes = await Promise.all(engines.map(async (engine) => {
      try {
        return await this.scaleEngine(engine, lag?.get(engine.name), kafkaError, counts.get(engine.name), states, at);
      } catch (error) {
        const reason = `unexpected error: ${describeError(error)}`;
        this.log.error('scaling failed', { pipeline, engine: engine.name, reason });
        return { engine: engine.name, action: 'error', reason, updated: false } satisfies EngineOutcome;
      }
    }));

    const lagReadFailures = kafkaError || outcomes.some((o) => o.lag === undefined) ? 1 : 0;
    this.printMetrics(outcomes, lagReadFailures, deadLetters);
    return { at, kafkaReadable: kafkaError === undefined, lagReadFailures, deadLetters, engines: outcomes };
  }

  /** Closes the Kafka connection. */
  async close(): Promise<void> {
    await this.dropAdmin();
  }

  private async scaleEngine(engine: ObjectEngineConfig, lag: LagResult | undefined, kafkaError: string | undefined,
    count: { service?: string; desired?: number; error?: string } | undefined, states: Map<string, StoredState>,
    at: number): Promise<EngineOutcome> {
    const pipeline = this.deps.config.pipelineName;
    const lagInfo = lag?.ok
      ? { lag: lag.totalLag, partitions: lag.partitionCount, uncommittedPartitions: lag.uncommittedPartitions }
      : {};
    if (lag && !lag.ok) {
      this.log.error('consumer lag unknown', { pipeline, engine: engine.name, group: engine.consumerGroup, topic: engine.inputTopic, error: lag.error });
    }
    if (!count || count.desired === undefined) {
      const reason = `service desired count unknown (${count?.error ?? 'no service'}): nothing changed`;
      this.log.error('scaling failed', { pipeline, engine: engine.name, reason });
      return { engine: engine.name, service: count?.service, ...lagInfo, action: 'error', reason, updated: false };
    }
    const service = count.service!;
    const stored = states.get(engine.name) ?? { state: {} };
    const decision = decideScaling({
      current: count.desired,
      lag: lag?.ok
        ? { totalLag: lag.totalLag, partitions: lag.partitionCount }
        : { error: lag ? lag.error : `Kafka unreadable: ${kafkaError ?? 'no reading'}` },
      config: engine.scaling,
      state: stored.state,
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
        }));
        updated = true;
        desired = decision.desired;
      } catch (error) {
        reason = `${decision.reason}; UpdateService failed: ${describeError(error)}`;
        action = 'error';
      }
    }
    // the remembered state advances only when the decision took effect
    const newState = updated || decision.desired === count.desired ? decision.newState : stored.state;
    const outcome: EngineOutcome = { engine: engine.name, service, ...lagInfo, current: count.desired, desired, action, reason, updated };
    const fields = { pipeline, engine: engine.name, action, current: count.desired, desired, lag: outcome.lag, reason };
    if (action === 'error') {
      this.log.error('scaling failed', fields);
    } else {
      this.log.info('scaling decision', fields);
    }
    await this.saveState(engine.name, newState, outcome, states, at);
    return outcome;
  }

  /** The lag of every engine and the dead-letter topic's size (undefined when unreadable). */
  private async readKafka(engines: readonly ObjectEngineConfig[]): Promise<[Map<string, LagResult>, number | undefined]> {
    const queries: LagQuery[] = engines.map((e) => ({ key: e.name, topic: e.inputTopic, group: e.consumerGroup }));
    if (!this.admin) {
      this.admin = this.deps.createKafkaAdmin();
      this.admin.catch(() => undefined); // observed below; avoid an unhandled rejection
    }
    const admin = await this.admin;
    const deadLetterTopic = this.deps.config.topics?.deadLetter;
    return withTimeout(Promise.all([
      readLag(admin, queries),
      deadLetterTopic
        ? readTopicMessageCount(admin, deadLetterTopic).catch((error: unknown) => {
          this.log.error('dead-letter topic could not be read', {
            pipeline: this.deps.config.pipelineName, topic: deadLetterTopic, error: describeError(error),
          });
          return undefined;
        })
        : Promise.resolve(undefined),
    ]), this.deps.lagReadTimeoutMs ?? 15_000, 'reading consumer lag');
  }

  private async dropAdmin(): Promise<void> {
    const pending = this.admin;
    this.admin = undefined;
    if (pending) {
      try {
        await withTimeout((await pending).close(), 5_000, 'closing the Kafka admin client');
      } catch {
        // it was broken already
      }
    }
  }

  /** Service name and desired count per engine name; DescribeServices takes 10 services a call. */
  private async describeServices(engines: readonly ObjectEngineConfig[]):
  Promise<Map<string, { service?: string; desired?: number; error?: string }>> {
    const result = new Map<string, { service?: string; desired?: number; error?: string }>();
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
      }));
      for (const { engine, service } of batch) {
        const found = (answer.services ?? []).find((s) => sameService(service, s.serviceName, s.serviceArn));
        const failure = (answer.failures ?? []).find((f) => f.arn !== undefined && sameService(service, lastPart(f.arn), f.arn));
        if (found && found.status !== 'INACTIVE' && found.desiredCount !== undefined) {
          result.set(engine, { service, desired: found.desiredCount });
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
        if (batch.length === 1) {
          result.set(batch[0].engine, { service: batch[0].service, error: `DescribeServices failed: ${describeError(batchError)}` });
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

  private async loadStates(engines: readonly ObjectEngineConfig[]): Promise<Map<string, StoredState>> {
    if (this.states) {
      return this.states;
    }
    const states = new Map<string, StoredState>();
    const engineBySortKey = new Map(engines.map((e) => [scalerStateKey(e.name).sk, e.name]));
    try {
      // batchGetAll fetches the keys DynamoDB defers (UnprocessedKeys): a deferred engine must
      // not start without its memory
      const items = await batchGetAll(this.deps.doc, this.deps.registryTable, engines.map((e) => scalerStateKey(e.name)), { consistentRead: true });
      for (const item of items as ScalerStateItem[]) {
        const name = engineBySortKey.get(item.sk);
        if (name) {
          const state = scalingMemory(item);
          states.set(name, { state, written: JSON.stringify(state) });
        }
      }
    } catch (error) {
      // without memory the scale-in wait starts again: safe (it only delays scaling in)
      this.log.error('scaler state could not be read, starting without it', {
        pipeline: this.deps.config.pipelineName, table: this.deps.registryTable, error: describeError(error),
      });
    }
    this.states = states;
    return states;
  }

  private async saveState(engine: string, state: ScalerState, outcome: EngineOutcome,
    states: Map<string, StoredState>, at: number): Promise<void> {
    const previous = states.get(engine);
    const serialized = JSON.stringify(state);
    states.set(engine, { state, written: previous?.written });
    if (previous?.written === serialized && !outcome.updated) {
      return; // nothing new to remember
    }
    const item: ScalerStateItem = {
      ...scalerStateKey(engine),
      ...scalingMemory(state),
      updatedAt: at,
      reason: outcome.reason.slice(0, 1000),
      desiredCount: outcome.desired,
      lag: outcome.lag,
    };
    try {
      // undefined attributes are left out (the DocumentClient's removeUndefinedValues)
      await this.deps.doc.send(new PutCommand({ TableName: this.deps.registryTable, Item: item }));
      states.set(engine, { state, written: serialized });
    } catch (error) {
      // kept in memory for this invocation; written again at the next poll
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

function sameService(ref: string, name: string | undefined, arn: string | undefined): boolean {
  return ref === name || ref === arn || (name !== undefined && lastPart(ref) === name);
}

function lastPart(arnOrName: string): string {
  return arnOrName.slice(arnOrName.lastIndexOf('/') + 1);
}
