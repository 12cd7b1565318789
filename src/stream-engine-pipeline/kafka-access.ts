import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { openEventSourceNetwork } from './event-source-network';
import { KafkaBusBinding, KafkaBusContext, KafkaClientAuth } from './kafka-bus';

/** What one Kafka client of the pipeline may do. Group names may end with `*`. */
export interface KafkaAccess {
  readonly readTopics?: string[];
  readonly writeTopics?: string[];
  readonly groups?: string[];
  /** Read offsets only (ListOffsets, OffsetFetch): describe these topics and groups, never fetch or join. */
  readonly describeTopics?: string[];
  readonly describeGroups?: string[];
  /** Create, grow, configure and delete these topics (the topic provisioner). */
  readonly adminTopics?: string[];
}

/**
 * Grants exactly the Kafka access a client needs: with MSK IAM access control, `kafka-cluster:*`
 * actions on the named topic and group ARNs only; with SCRAM, reading the credentials secret.
 */
export function grantKafkaAccess(grantee: iam.IGrantable, binding: KafkaBusBinding, access: KafkaAccess): void {
  if (binding.auth === KafkaClientAuth.SCRAM) {
    binding.scramSecret?.grantRead(grantee);
    return;
  }
  if (binding.auth !== KafkaClientAuth.IAM || !binding.clusterArn) return;
  const clusterArn = binding.clusterArn;
  const topicArns = (names: string[] = []) => names.map((n) => mskResourceArn(clusterArn, 'topic', n));
  const statements: iam.PolicyStatement[] = [new iam.PolicyStatement({
    // The library's producers (the Coordinator, the example engines) are idempotent, which MSK
    // authorizes as WriteDataIdempotently on the cluster.
    actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', ...(access.writeTopics?.length ? ['kafka-cluster:WriteDataIdempotently'] : [])],
    resources: [clusterArn],
  })];
  if (access.readTopics?.length) {
    statements.push(new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: topicArns(access.readTopics),
    }));
  }
  if (access.writeTopics?.length) {
    statements.push(new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
      resources: topicArns(access.writeTopics),
    }));
  }
  if (access.groups?.length) {
    statements.push(new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
      resources: access.groups.map((g) => mskResourceArn(clusterArn, 'group', g)),
    }));
  }
  if (access.describeTopics?.length) {
    statements.push(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic'], resources: topicArns(access.describeTopics) }));
  }
  if (access.describeGroups?.length) {
    statements.push(new iam.PolicyStatement({
      actions: ['kafka-cluster:DescribeGroup'],
      resources: access.describeGroups.map((g) => mskResourceArn(clusterArn, 'group', g)),
    }));
  }
  if (access.adminTopics?.length) {
    statements.push(new iam.PolicyStatement({
      actions: [
        'kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic', 'kafka-cluster:DeleteTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:AlterTopicDynamicConfiguration',
      ],
      resources: topicArns(access.adminTopics),
    }));
  }
  for (const statement of statements) {
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}

/**
 * The ARN of an MSK topic or group, derived from the cluster ARN
 * (`arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>` ->
 * `arn:<partition>:kafka:<region>:<account>:<kind>/<name>/<uuid>/<resource>`).
 */
export function mskResourceArn(clusterArn: string, kind: 'topic' | 'group', name: string): string {
  const parts = Fn.split('/', clusterArn, 3);
  return Fn.join('', [
    Fn.select(0, Fn.split(':cluster', Fn.select(0, parts))), `:${kind}/`, Fn.select(1, parts), '/', Fn.select(2, parts), '/', name,
  ]);
}

/**
 * Feeds `fn` from the control topic with a Kafka event source mapping. Built directly rather
 * than with aws-lambda-event-sources, whose MSK source attaches the AWS managed policy
 * AWSLambdaMSKExecutionRole: the grants here are scoped to the cluster, topic and group.
 *
 * No retry limit, on-failure destination or partial batch response: Lambda offers those for
 * Kafka only in provisioned mode, whose event pollers are billed by the hour. The Coordinator
 * never fails a batch for a bad message (it copies it to the dead-letter topic and goes on); a
 * batch fails only when DynamoDB or Kafka cannot be reached, and then the mapping's retry until
 * it succeeds is what keeps every control message.
 */
export function addControlTopicEventSource(
  fn: lambda.Function, binding: KafkaBusBinding, context: KafkaBusContext, topic: string, consumerGroupId: string,
): lambda.EventSourceMapping {
  const access: lambda.SourceAccessConfiguration[] = [];
  if (binding.scramSecret) {
    access.push({ type: lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH, uri: binding.scramSecret.secretArn });
  }
  access.push(...openEventSourceNetwork(binding, context));
  const mapping = new lambda.EventSourceMapping(fn, 'ControlTopicSource', {
    target: fn,
    ...(binding.clusterArn
      ? { eventSourceArn: binding.clusterArn }
      : { kafkaBootstrapServers: binding.bootstrapBrokers.split(',').map((b) => b.trim()) }),
    kafkaTopic: topic,
    kafkaConsumerGroupId: consumerGroupId,
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    ...(access.length ? { sourceAccessConfigurations: access } : {}),
  });
  if (binding.clusterArn) {
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
      resources: [binding.clusterArn],
    }));
    if (binding.auth === KafkaClientAuth.IAM) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeClusterDynamicConfiguration'],
        resources: [binding.clusterArn],
      }));
    }
  }
  grantKafkaAccess(fn, binding, { readTopics: [topic], groups: [consumerGroupId] });
  return mapping;
}
