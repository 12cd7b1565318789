/**
 * The topic provisioner: a CloudFormation custom resource (Lambda-backed, answered by a PUT to
 * the ResponseURL) that creates the pipeline's Kafka topics where `AWS::MSK::Topic` cannot be
 * used (self-managed Kafka, MSK provisioned before topic support).
 *
 * ResourceProperties: { Topics: TopicSpec[], RetainOnDelete: 'true' | 'false' }. CloudFormation
 * passes every value as a string, so counts are read as numbers here.
 *
 * - Create / Update: a missing topic is created with its configs; an existing one keeps its
 *   data: its partition count is raised when more are asked for, its listed configs are set
 *   (IncrementalAlterConfigs SET; configs removed from the spec are left as they are, since
 *   resetting e.g. retention.ms to the broker default could delete data). Fewer partitions than
 *   a topic has is REFUSED (Kafka cannot lower them): the request FAILS before anything changes.
 *   The replication factor of an existing topic is not changed (logged when it differs).
 * - Update that drops a topic from the list: the topic is kept (logged), never deleted.
 * - Delete: nothing happens unless RetainOnDelete is 'false'; then the listed topics are
 *   deleted. A rollback Delete after a failed Create never deletes anything.
 * - The physical id is stable across updates, so CloudFormation never sends a Delete for the
 *   "old" resource after an update.
 * - Every Kafka call has a deadline, and the handler always answers CloudFormation (FAILED on
 *   any error, and before the Lambda itself times out).
 */
import { CfnCustomResourceEvent, cfnResponse, CfnResponse, sendCfnResponse } from './cfn-response';
import { describeKafkaError, TopicAdmin } from './kafka-topic-admin';
import { TopicSpec } from './pipeline-config';
import { Log } from '../../shared/runtime/logger';
import { withTimeout } from '../../shared/runtime/timers';

export interface TopicProvisionerDeps {
  /** Opens the admin client (called at most once per event, and not for no-op Deletes). */
  readonly openAdmin: () => Promise<TopicAdmin>;
  /** Sends the answer (default: HTTPS PUT to event.ResponseURL). */
  readonly respond?: (url: string, response: CfnResponse) => Promise<void>;
  /** Milliseconds this invocation has left (Lambda context); default 5 minutes. */
  readonly remainingTimeMs?: () => number;
  readonly log: Log;
}

/** Answer this long before the Lambda would be killed. */
const RESPONSE_RESERVE_MS = 10_000;
const PHYSICAL_ID_PREFIX = 'kafka-topics';
const FAILED_CREATE_MARKER = 'failed-create';
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Reads and checks ResourceProperties.Topics; throws an error naming the topic and the field. */
export function readTopicSpecs(properties: Record<string, unknown> | undefined): TopicSpec[] {
  const raw = properties?.Topics;
  if (!Array.isArray(raw)) throw new Error('ResourceProperties.Topics must be a list of topics');
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const t = (item ?? {}) as Record<string, unknown>;
    const name = t.name;
    if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
      throw new Error(`Topics[${i}].name must be 1-249 letters, digits, '.', '_' or '-'; got ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) throw new Error(`topic ${name} is listed twice`);
    seen.add(name);
    const partitions = toInteger(t.partitions, `topic ${name}: partitions`);
    if (partitions < 1) throw new Error(`topic ${name}: partitions must be at least 1; got ${partitions}`);
    const replicationFactor = t.replicationFactor === undefined ? -1 : toInteger(t.replicationFactor, `topic ${name}: replicationFactor`);
    if (replicationFactor < 1 && replicationFactor !== -1) {
      throw new Error(`topic ${name}: replicationFactor must be at least 1 (or -1 for the broker default); got ${replicationFactor}`);
    }
    const config: Record<string, string> = {};
    if (t.config !== undefined && (typeof t.config !== 'object' || t.config === null || Array.isArray(t.config))) {
      throw new Error(`topic ${name}: config must be a map of Kafka topic configs`);
    }
    for (const [key, value] of Object.entries((t.config ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new Error(`topic ${name}: config ${key} must be a string`);
      }
      config[key] = String(value);
    }
    return { name, partitions, replicationFactor, config };
  });
}

function toInteger(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`${what} must be an integer; got ${JSON.stringify(value)}`);
  return n;
}

/** 'false' (or false) deletes on Delete; anything else, including nothing, keeps the topics. */
export function readRetainOnDelete(properties: Record<string, unknown> | undefined): boolean {
  const value = properties?.RetainOnDelete;
  return !(value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false'));
}

/** Handles one custom resource event and always answers CloudFormation. Never rejects. */
export async function handleTopicProvisionerEvent(event: CfnCustomResourceEvent, deps: TopicProvisionerDeps): Promise<CfnResponse> {
  const { log } = deps;
  const respond = deps.respond ?? ((url, response) => sendCfnResponse(url, response));
  const physicalId = event.RequestType === 'Create' || !event.PhysicalResourceId
    ? `${PHYSICAL_ID_PREFIX}:${stackName(event.StackId)}:${event.LogicalResourceId}`
    : event.PhysicalResourceId;

  let response: CfnResponse;
  try {
    const budgetMs = Math.max(1_000, (deps.remainingTimeMs?.() ?? 300_000) - RESPONSE_RESERVE_MS);
    const data = await withTimeout(apply(event, deps, log), budgetMs, `${event.RequestType} of the Kafka topics`);
    response = cfnResponse(event, 'SUCCESS', 'OK', physicalId, data);
  } catch (error) {
    const reason = describeKafkaError(error);
    log.error('topic provisioning failed', { requestType: event.RequestType, error: reason });
    // A failed Create gets an id that the rollback Delete recognises and leaves alone.
    const id = event.RequestType === 'Create' ? `${PHYSICAL_ID_PREFIX}:${FAILED_CREATE_MARKER}:${event.RequestId}` : physicalId;
    response = cfnResponse(event, 'FAILED', reason, id);
  }
  try {
    await respond(event.ResponseURL, response);
  } catch (error) {
    // Nothing else can be done: CloudFormation times the resource out.
    log.error('could not answer CloudFormation', { error: (error as Error).message });
  }
  return response;
}

async function apply(event: CfnCustomResourceEvent, deps: TopicProvisionerDeps, log: Log): Promise<Record<string, string>> {
  if (event.RequestType === 'Delete') {
    if (event.PhysicalResourceId?.startsWith(`${PHYSICAL_ID_PREFIX}:${FAILED_CREATE_MARKER}:`)) {
      log.info('rollback of a failed create: nothing to delete');
      return {};
    }
    // Bad properties on Delete must not block the stack: keep whatever exists.
    let topics: TopicSpec[];
    try {
      topics = readTopicSpecs(event.ResourceProperties);
    } catch (error) {
      log.warn('unreadable properties on delete: topics kept', { error: (error as Error).message });
      return {};
    }
    if (readRetainOnDelete(event.ResourceProperties)) {
      log.info('topics retained on delete', { topics: topics.map((t) => t.name) });
      return {};
    }
    return withAdmin(deps, async (admin) => {
      await admin.delete(topics.map((t) => t.name));
      log.info('topics deleted', { topics: topics.map((t) => t.name) });
      return { DeletedTopics: topics.map((t) => t.name).join(',') };
    });
  }

  const topics = readTopicSpecs(event.ResourceProperties);
  if (event.RequestType === 'Update') {
    let oldNames: string[] = [];
    try {
      oldNames = readTopicSpecs(event.OldResourceProperties).map((t) => t.name);
    } catch {
      // nothing to compare with
    }
    const dropped = oldNames.filter((n) => !topics.some((t) => t.name === n));
    if (dropped.length) log.info('topics removed from the resource are kept (never deleted implicitly)', { topics: dropped });
  }

  return withAdmin(deps, async (admin) => {
    const existing = await admin.describe(topics.map((t) => t.name));
    // Check every topic before changing any, so a refused request changes nothing.
    for (const topic of topics) {
      const current = existing.get(topic.name);
      if (current && current.partitions > topic.partitions) {
        throw new Error(`topic ${topic.name} has ${current.partitions} partitions; lowering it to ${topic.partitions} is refused `
          + '(Kafka cannot remove partitions, and a new topic would lose the data and the per-key order)');
      }
    }
    const created: string[] = [];
    const raised: string[] = [];
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length) {
      await admin.create(missing);
      created.push(...missing.map((t) => t.name));
    }
    for (const topic of topics) {
      const current = existing.get(topic.name);
      if (!current) continue;
      if (current.partitions < topic.partitions) {
        await admin.raisePartitions(topic.name, topic.partitions);
        raised.push(topic.name);
      }
      if (topic.replicationFactor !== -1 && current.replicationFactor !== topic.replicationFactor) {
        log.warn('replication factor differs and is not changed by the provisioner', {
          topic: topic.name, current: current.replicationFactor, requested: topic.replicationFactor,
        });
      }
      await admin.setConfigs(topic.name, topic.config);
    }
    log.info('topics provisioned', { created, raised, topics: topics.map((t) => t.name) });
    return { TopicNames: topics.map((t) => t.name).join(','), Created: created.join(','), Raised: raised.join(',') };
  });
}

async function withAdmin<T>(deps: TopicProvisionerDeps, work: (admin: TopicAdmin) => Promise<T>): Promise<T> {
  const admin = await deps.openAdmin();
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function stackName(stackId: string): string {
  // arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>
  return stackId.split('/')[1] ?? stackId;
}
