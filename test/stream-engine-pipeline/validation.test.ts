import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EngineCapacity, KafkaBus, KafkaClientAuth, StreamEnginePipeline, StreamEnginePipelineProps } from '../../src';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');

function pipeline(props: Partial<StreamEnginePipelineProps> = {}) {
  const stack = new Stack(new App(), 'S');
  return new StreamEnginePipeline(stack, 'Pipeline', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), ...props });
}

function withPipeline(act: (p: StreamEnginePipeline) => unknown) {
  return () => act(pipeline());
}

// Each case: the bad input, then a pattern the message must contain: the prop and what is accepted.
const cases: Array<[string, () => unknown, RegExp]> = [
  ['pipeline name with a space', () => pipeline({ pipelineName: 'my pipeline' }), /StreamEnginePipeline 'Pipeline': pipelineName must be 1 to 100 letters, digits/],
  ['maxConcurrentStreams 0', () => pipeline({ maxConcurrentStreams: 0 }), /maxConcurrentStreams must be a whole number from 1 to 10000; got 0/],
  ['poll interval of 0', () => pipeline({ lagPollInterval: Duration.seconds(0) }), /lagPollInterval must be from 1 second\(s\) to 1 minute\(s\)/],
  ['maxStreamWait under a minute', () => pipeline({ maxStreamWait: Duration.seconds(30) }), /StreamEnginePipeline 'Pipeline': maxStreamWait must be from 1 minute\(s\) to 3650 day\(s\); got 30 seconds/],
  ['maxStreamWait beyond the default raw streams retention (7 days)', () => pipeline({ maxStreamWait: Duration.days(8) }),
    /maxStreamWait must not be longer than the retention of the raw streams topic 'Pipeline.raw-streams' \(7 day\(s\)\), or a waiting stream's first messages could be deleted before its engine starts; got 8 days. Shorten maxStreamWait or lengthen rawStreamsTopic.retention/],
  ['maxStreamWait beyond a short raw streams retention', () => pipeline({ maxStreamWait: Duration.hours(2), rawStreamsTopic: { retention: Duration.hours(1) } }),
    /maxStreamWait must not be longer than the retention of the raw streams topic 'Pipeline.raw-streams' \(60 minute\(s\)\).*; got 2 hours/],
  ['maxStreamWait beyond a raw streams retention.ms config', () => pipeline({ maxStreamWait: Duration.minutes(20), rawStreamsTopic: { config: { 'retention.ms': '600000' } } }),
    /maxStreamWait must not be longer than the retention of the raw streams topic 'Pipeline.raw-streams' \(10 minute\(s\)\)/],
  ['the default maxStreamWait (15 minutes) beyond a 10-minute raw streams retention', () => pipeline({ rawStreamsTopic: { retention: Duration.minutes(10) } }),
    /maxStreamWait must not be longer than the retention of the raw streams topic 'Pipeline.raw-streams' \(10 minute\(s\)\).*; got 15 minutes/],
  ['streamEndGrace under 30 seconds', () => pipeline({ streamEndGrace: Duration.seconds(10) }), /streamEndGrace must be from 30 second\(s\) to 1 day\(s\); got 10 seconds/],
  ['maxStreamDuration over 30 days', () => pipeline({ maxStreamDuration: Duration.days(31) }), /maxStreamDuration must be from 1 minute\(s\) to 30 day\(s\); got 31 days/],
  ['heartbeatTimeout under 30 seconds', () => pipeline({ heartbeatTimeout: Duration.seconds(20) }), /heartbeatTimeout must be from 30 second\(s\) to 60 minute\(s\); got 20 seconds/],
  ['maxLaunchAttempts 0', () => pipeline({ maxLaunchAttempts: 0 }), /maxLaunchAttempts must be a whole number from 1 to 10; got 0/],
  ['maxLaunchAttempts 11', () => pipeline({ maxLaunchAttempts: 11 }), /maxLaunchAttempts must be a whole number from 1 to 10; got 11/],
  ['maxLaunchAttempts 2.5', () => pipeline({ maxLaunchAttempts: 2.5 }), /maxLaunchAttempts must be a whole number from 1 to 10; got 2.5/],
  ['topic name with a slash', withPipeline((p) => p.addTopic('bad/name')), /topic 'bad\/name': name must be 1 to 249 letters, digits, '.', '_' or '-'/],
  ['topic with 0 partitions', () => pipeline({ objectsTopic: { partitions: 0 } }), /topic 'Pipeline.objects': partitions must be a whole number from 1 to 10000; got 0/],
  ['topic config key in capitals', withPipeline((p) => p.addTopic('extra', { config: { 'Retention.MS': '1' } })), /config\["Retention.MS"\] must be a Kafka topic config name/],
  ['retention twice', withPipeline((p) => p.addTopic('extra', { retention: Duration.days(1), config: { 'retention.ms': '1' } })), /config\["retention.ms"\] conflicts with retention/],
  ['the same topic twice', withPipeline((p) => { p.addTopic('extra'); p.addTopic('extra'); }), /addTopic\(\) was called twice for topic 'extra'/],
  ['engine name in capitals', withPipeline((p) => p.addObjectEngine('Faces', { image })), /addObjectEngine\('Faces'\): name must be 1 to 32 lowercase letters/],
  ['duplicate engine names', withPipeline((p) => { p.addStreamEngine('asr', { image }); p.addObjectEngine('asr', { image }); }), /engine name must be unique across stream and object engines; 'asr' is used twice/],
  ['cpu that Fargate lacks', withPipeline((p) => p.addObjectEngine('faces', { image, cpu: 1000 })), /cpu must be a Fargate CPU size \(256, 512, 1024, 2048, 4096, 8192, 16384\); got 1000/],
  ['memory that does not fit the cpu', withPipeline((p) => p.addStreamEngine('asr', { image, cpu: 256, memoryLimitMiB: 4096 })), /memoryLimitMiB must be one of Fargate's sizes for cpu 256: 512 to 2048/],
  ['lagPerTask 0', withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { lagPerTask: 0 } })), /scaling.lagPerTask must be a whole number from 1 to 10000000; got 0/],
  ['minTasks above maxTasks', withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { minTasks: 5, maxTasks: 2 } })), /scaling.minTasks must not be above scaling.maxTasks \(2\); got 5/],
  ['more tasks than partitions', withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { maxTasks: 20 } })), /scaling.maxTasks \(20\) must not be above the 12 partitions of 'Pipeline.objects'/],
  ['persistentLagAfter under a minute', withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { persistentLagAfter: Duration.seconds(30) } })),
    /scaling.persistentLagAfter must be from 1 minute\(s\) to 1 day\(s\); got 30 seconds/],
  ['timeLagPerTask under a second', withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { timeLagPerTask: Duration.millis(500) } })),
    /scaling.timeLagPerTask must be from 1 second\(s\) to 1 day\(s\); got 500 millis/],
  ['limitToPartitionsWithLag with allowMoreTasksThanPartitions',
    withPipeline((p) => p.addObjectEngine('faces', { image, scaling: { limitToPartitionsWithLag: true, allowMoreTasksThanPartitions: true } })),
    /scaling.limitToPartitionsWithLag cannot be true with scaling.allowMoreTasksThanPartitions/],
  ['a topic of another pipeline', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const a = new StreamEnginePipeline(stack, 'A', { vpc });
    const b = new StreamEnginePipeline(stack, 'B', { vpc });
    b.addObjectEngine('faces', { image, inputTopic: a.objectsTopic });
  }, /addObjectEngine\('faces'\): inputTopic must be a topic of this pipeline/],
  ['no input topics', withPipeline((p) => p.addStreamEngine('asr', { image, inputTopics: [] })), /inputTopics must name at least one topic/],
  ['a reserved environment variable', withPipeline((p) => p.addStreamEngine('asr', { image, environment: { STREAM_ID: 'x' } })), /environment\["STREAM_ID"\] is set by the pipeline/],
  ['a GPU engine on an imported cluster', () => {
    const stack = new Stack(new App(), 'S');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const p = new StreamEnginePipeline(stack, 'Pipeline', { vpc, cluster: ecs.Cluster.fromClusterAttributes(stack, 'Existing', { clusterName: 'existing', vpc }) });
    p.addObjectEngine('vision', { image, cpu: 4096, memoryLimitMiB: 15000, capacity: EngineCapacity.gpu({ instanceType: new ec2.InstanceType('g5.xlarge') }) });
  }, /addObjectEngine\('vision'\): capacity EngineCapacity.gpu\(\) adds a capacity provider to the pipeline's cluster, and the pipeline's cluster prop is an imported cluster \(ICluster\), which cannot take one; pass an ecs.Cluster defined in this app as cluster, or omit cluster/],
  ['GPU capacity on a CPU instance', () => EngineCapacity.gpu({ instanceType: new ec2.InstanceType('m5.large') }), /EngineCapacity.gpu\(\): instanceType must be a GPU instance type/],
  ['GPU min above max', () => EngineCapacity.gpu({ instanceType: new ec2.InstanceType('g5.xlarge'), minInstances: 3, maxInstances: 1 }), /minInstances must not be above maxInstances \(1\); got 3/],
  ['provisioned Kafka version', () => KafkaBus.provisioned({ kafkaVersion: 'latest' }), /KafkaBus.provisioned\(\): kafkaVersion must be an MSK Kafka version such as '3.6.0'/],
  ['provisioned broker type', () => KafkaBus.provisioned({ brokerInstanceType: 'm5.large' }), /brokerInstanceType must be an MSK broker type such as 'kafka.m7g.large'/],
  ['brokers not a multiple of subnets', () => pipeline({ bus: KafkaBus.provisioned({ brokerCount: 3 }) }), /brokerCount must be a multiple of the 2 subnets used; got 3/],
  ['broker list without ports', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1.kafka,b-2.kafka', auth: KafkaClientAuth.TLS }), /bootstrapBrokers must be a comma-separated list of host:port/],
  ['SCRAM without a secret', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1:9096', auth: KafkaClientAuth.SCRAM }), /scramSecret is required with KafkaClientAuth.SCRAM/],
  ['a secret without SCRAM', () => {
    const stack = new Stack();
    KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1:9094', auth: KafkaClientAuth.TLS, scramSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'x') });
  }, /scramSecret applies only to KafkaClientAuth.SCRAM; got auth tls/],
  ['IAM without the cluster ARN', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1:9098', auth: KafkaClientAuth.IAM }), /clusterArn is required with KafkaClientAuth.IAM/],
  ['a cluster ARN that is not one', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1:9098', auth: KafkaClientAuth.IAM, clusterArn: 'arn:aws:s3:::bucket' }), /clusterArn must be an MSK cluster ARN/],
];

describe('bad pipeline props fail at synth with a message naming the prop and what is accepted', () => {
  test.each(cases)('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('a maxStreamWait within the raw streams retention, or with retention.ms -1 (kept forever), is accepted', () => {
    expect(() => pipeline({ maxStreamWait: Duration.days(7) })).not.toThrow();
    expect(() => pipeline({ maxStreamWait: Duration.hours(1), rawStreamsTopic: { retention: Duration.hours(1) } })).not.toThrow();
    expect(() => pipeline({ maxStreamWait: Duration.days(30), rawStreamsTopic: { config: { 'retention.ms': '-1' } } })).not.toThrow();
  });

  test('a good pipeline does not throw', () => {
    expect(withPipeline((p) => {
      p.addStreamEngine('asr', { image });
      p.addObjectEngine('faces', { image, scaling: { maxTasks: 12 } });
    })).not.toThrow();
  });
});
