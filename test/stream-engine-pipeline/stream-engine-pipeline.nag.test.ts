import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EngineCapacity, KafkaBus, KafkaClientAuth, StreamEnginePipeline, StreamEnginePipelineProps } from '../../src';
import { unacknowledgedNagFindings } from '../helpers/nag';

// cdk-nag v2 (Aspects + metadata acknowledgments); see README "Security".
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');

function nagged(bus: (stack: Stack, vpc: ec2.Vpc) => Partial<StreamEnginePipelineProps>, gpu = false) {
  const app = new App();
  const stack = new Stack(app, 'NagStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, flowLogs: { all: {} } });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc, ...bus(stack, vpc) });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image, capacity: EngineCapacity.fargateSpot() });
  if (gpu) {
    pipeline.addObjectEngine('vision', {
      image,
      cpu: 4096,
      memoryLimitMiB: 15000,
      capacity: EngineCapacity.gpu({ instanceType: new ec2.InstanceType('g5.xlarge') }),
    });
  }
  return unacknowledgedNagFindings(app, stack);
}

describe('cdk-nag AwsSolutions on StreamEnginePipeline', () => {
  test('MSK Serverless (default): no unacknowledged finding', () => {
    expect(nagged(() => ({}))).toEqual([]);
  });

  test('MSK provisioned with a GPU engine: no unacknowledged finding', () => {
    expect(nagged(() => ({ bus: KafkaBus.provisioned() }), true)).toEqual([]);
  });

  test('existing brokers with SCRAM: no unacknowledged finding', () => {
    expect(nagged((stack) => ({
      bus: KafkaBus.fromBootstrapBrokers({
        bootstrapBrokers: 'b-1.kafka.internal:9096',
        auth: KafkaClientAuth.SCRAM,
        scramSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Scram', 'AmazonMSK_pipeline'),
      }),
    }))).toEqual([]);
  });
});
