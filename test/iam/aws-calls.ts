/**
 * Turns what aws-call-recorder.js wrote (signed HTTP requests, Kafka client operations) into IAM
 * requests: `service:Action`, the resource ARN it acts on, and the condition keys AWS sets.
 *
 * Kafka operations map to the MSK IAM actions as AWS documents them ("IAM access control",
 * https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html, "Semantics of
 * IAM authorization policy actions and resources"): connecting needs kafka-cluster:Connect on the
 * cluster; ListOffsets needs DescribeTopic; Produce needs WriteData (and an idempotent
 * producer WriteDataIdempotently on the cluster); CreateTopics CreateTopic; CreatePartitions
 * AlterTopic; DeleteTopics DeleteTopic; IncrementalAlterConfigs on a topic
 * AlterTopicDynamicConfiguration; OffsetFetch DescribeGroup on the group and DescribeTopic on its
 * topics; a consumer group's JoinGroup, SyncGroup, Heartbeat and LeaveGroup AlterGroup, its
 * FindCoordinator DescribeGroup, Fetch ReadData, OffsetCommit AlterGroup and ReadData. A Metadata
 * request is never denied: the broker leaves out the topics the principal may not describe. An
 * operation not mapped here throws, so a handler that starts using one must be taught here first.
 */
import { ACCOUNT, REGION } from './deployed-values';

export interface IamCall {
  /** e.g. `dynamodb:PutItem`, `kafka-cluster:WriteData`. */
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
  /** What was recorded, for failure messages. */
  readonly origin: string;
}

export interface RecordedHttp {
  readonly kind: 'http';
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RecordedKafka {
  readonly kind: 'kafka';
  readonly channel: string;
  readonly operation: string;
  readonly options: any;
  /** The consumer's group (consumer operations). */
  readonly groupId: string | null;
}

/** Topic id -> name, from a metadata answer. */
export interface RecordedTopicIds {
  readonly kind: 'kafka-topic-ids';
  readonly ids: Record<string, string>;
}

export type RecordedCall = RecordedHttp | RecordedKafka | RecordedTopicIds;

export function parseCallLog(text: string): RecordedCall[] {
  return text.split('\n').filter((line) => line.trim().length > 0).map((line) => JSON.parse(line));
}

/**
 * The IAM requests behind a process's recorded calls, in order; `clusterArn` is the MSK cluster
 * Kafka calls go to. A Fetch names topics by id: the metadata answers before it name them.
 */
export function iamCallsOfLog(calls: RecordedCall[], clusterArn?: string): IamCall[] {
  const namesById = new Map<string, string>();
  return calls.flatMap((call) => {
    if (call.kind === 'kafka-topic-ids') {
      for (const [id, name] of Object.entries(call.ids)) namesById.set(id, name);
      return [];
    }
    return call.kind === 'http' ? httpCalls(call) : kafkaCalls(call, clusterArn, namesById);
  });
}

const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
const nameOf = (arnOrName: string) => arnOrName.split('/').pop()!;

function httpCalls(call: RecordedHttp): IamCall[] {
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(call.headers.authorization)?.[1];
  const target = call.headers['x-amz-target'];
  const form = new URLSearchParams(call.body);
  const operation = target ? target.split('.').pop()! : form.get('Action');
  if (!service || !operation) throw new Error(`unrecognised AWS request ${call.method} ${call.host}${call.path}`);
  const body = target ? JSON.parse(call.body || '{}') : {};
  const origin = `${service}:${operation}`;
  const one = (resource: string, context: Record<string, string> = {}): IamCall[] => [{ action: `${service}:${operation}`, resource, context, origin }];
  const cluster = (value: string | undefined) => arn('ecs', `cluster/${nameOf(value ?? 'default')}`);
  switch (`${service}:${operation}`) {
    case 'dynamodb:GetItem':
    case 'dynamodb:PutItem':
    case 'dynamodb:UpdateItem':
    case 'dynamodb:DeleteItem':
    case 'dynamodb:Query':
      return one(arn('dynamodb', `table/${body.TableName}${body.IndexName ? `/index/${body.IndexName}` : ''}`));
    case 'dynamodb:BatchGetItem':
    case 'dynamodb:BatchWriteItem':
      return Object.keys(body.RequestItems).flatMap((table) => one(arn('dynamodb', `table/${table}`)));
    case 'ecs:RunTask':
      // tags given on RunTask also need ecs:TagResource on the new task (ECS "Grant permission to tag resources on creation")
      return [
        ...one(body.taskDefinition, { 'ecs:cluster': cluster(body.cluster) }),
        ...((body.tags ?? []).length > 0
          ? [{ action: 'ecs:TagResource', resource: arn('ecs', `task/${nameOf(body.cluster)}/new`), context: { 'ecs:CreateAction': 'RunTask' }, origin }]
          : []),
      ];
    case 'ecs:ListTasks':
      return one('*', { 'ecs:cluster': cluster(body.cluster) });
    case 'ecs:DescribeTasks':
    case 'ecs:StopTask':
      // the task as AWS names it in the cluster the handler passed (the ECS mock's ARNs are its own)
      return [body.tasks ?? [body.task]].flat().flatMap((task: string) =>
        one(arn('ecs', `task/${nameOf(body.cluster)}/${nameOf(task)}`), { 'ecs:cluster': cluster(body.cluster) }));
    case 'ecs:DescribeServices':
    case 'ecs:UpdateService':
      return [body.services ?? [body.service]].flat().flatMap((s: string) =>
        one(s.startsWith('arn:') ? s : arn('ecs', `service/${nameOf(body.cluster)}/${s}`), { 'ecs:cluster': cluster(body.cluster) }));
    case 'secretsmanager:GetSecretValue':
      return one(body.SecretId);
    case 'sns:Publish':
      return one(form.get('TopicArn')!);
    case 'sns:PublishBatch':
      // PublishBatch has no IAM action of its own: SNS authorizes it as sns:Publish (SNS API reference, PublishBatch)
      return [{ action: 'sns:Publish', resource: form.get('TopicArn')!, context: {}, origin }];
    default:
      throw new Error(`no IAM mapping for ${origin}: add it to test/iam/aws-calls.ts`);
  }
}

function kafkaCalls(call: RecordedKafka, clusterArn: string | undefined, topicIds: Map<string, string>): IamCall[] {
  if (!clusterArn) throw new Error(`Kafka ${call.operation} recorded, but the bus has no MSK cluster ARN`);
  // arn:aws:kafka:region:account:cluster/name/uuid -> arn:aws:kafka:region:account:topic/name/uuid/<topic>
  const [prefix, clusterPath] = clusterArn.split(':cluster/');
  const topic = (name: string) => `${prefix}:topic/${clusterPath}/${name}`;
  const group = (name: string) => `${prefix}:group/${clusterPath}/${name}`;
  const origin = `kafka ${call.operation}`;
  const on = (action: string, resource: string): IamCall => ({ action: `kafka-cluster:${action}`, resource, context: {}, origin });
  const options = call.options ?? {};
  const topicNames = (list: any[] | undefined): string[] => (list ?? []).map((t) => (typeof t === 'string' ? t : t.name ?? t.topic));
  switch (`${call.channel}:${call.operation}`) {
    case 'connections:connects:connect':
      return [on('Connect', clusterArn)];
    case 'base:metadata:metadata':
    case 'admin:topics:listTopics':
      // Metadata: the library's diagnostics do not say which topics were asked for, and the broker
      // leaves out the topics the principal may not describe; DescribeTopic is checked on the
      // requests that name their topics (ListOffsets, OffsetFetch, Produce, Fetch, ...)
      return [];
    case 'admin:topics:createTopics':
      return topicNames(options.topics).map((t) => on('CreateTopic', topic(t)));
    case 'admin:topics:createPartitions':
      return topicNames(options.topics).map((t) => on('AlterTopic', topic(t)));
    case 'admin:topics:deleteTopics':
      return topicNames(options.topics).map((t) => on('DeleteTopic', topic(t)));
    case 'admin:configs:incrementalAlterConfigs':
      return (options.resources ?? []).map((r: any) => on('AlterTopicDynamicConfiguration', topic(r.resourceName)));
    case 'admin:offsets:listOffsets':
      return topicNames(options.topics).map((t) => on('DescribeTopic', topic(t)));
    case 'admin:consumerGroupOffsets:listConsumerGroupOffsets':
      return (options.groups ?? []).flatMap((g: any) => [
        on('DescribeGroup', group(typeof g === 'string' ? g : g.groupId)),
        ...topicNames(typeof g === 'string' ? [] : g.topics).map((t) => on('DescribeTopic', topic(t))),
      ]);
    // a consumer in a group: FindCoordinator describes the group; joining, syncing, heartbeats and
    // leaving alter it; Fetch reads; OffsetCommit alters the group and reads the topic
    case 'consumer:consumes:consume':
      return []; // its requests are recorded as the group, fetch, commit and offsets operations below
    case 'consumer:group:findGroupCoordinator':
      return [on('DescribeGroup', group(call.groupId!))];
    case 'consumer:group:joinGroup':
    case 'consumer:group:syncGroup':
    case 'consumer:group:leaveGroup':
    case 'consumer:heartbeat:heartbeat':
    case 'consumer:heartbeat:consumerGroupHeartbeat':
      return [on('AlterGroup', group(call.groupId!))];
    case 'consumer:fetches:fetch':
      return (options.topics ?? []).map((t: any) => {
        const name = topicIds.get(t.topicId);
        if (!name) throw new Error(`Fetch of topic id ${t.topicId}, which no recorded metadata answer named`);
        return on('ReadData', topic(name));
      });
    case 'admin:consumerGroupOffsets:alterConsumerGroupOffsets':
      // OffsetCommit outside a group session: the group is altered, the topic read
      return [on('AlterGroup', group(options.groupId)), ...topicNames(options.topics).map((t) => on('ReadData', topic(t)))];
    case 'consumer:commits:commit':
      return [on('AlterGroup', group(call.groupId!)), ...[...new Set<string>((options.offsets ?? []).map((o: any) => o.topic))].map((t) => on('ReadData', topic(t)))];
    case 'consumer:offsets:listCommittedOffsets':
      return [on('DescribeGroup', group(call.groupId!)), ...topicNames(options.topics).map((t) => on('DescribeTopic', topic(t)))];
    case 'consumer:offsets:listOffsets':
      return topicNames(options.topics).map((t) => on('DescribeTopic', topic(t)));
    case 'producer:initIdempotent:initIdempotentProducer':
      return [on('WriteDataIdempotently', clusterArn)];
    case 'producer:sends:send':
      return [...new Set<string>((options.messages ?? []).map((m: any) => m.topic))].map((t) => on('WriteData', topic(t)));
    default:
      throw new Error(`no MSK IAM mapping for Kafka ${call.channel} ${call.operation}: add it to test/iam/aws-calls.ts`);
  }
}
