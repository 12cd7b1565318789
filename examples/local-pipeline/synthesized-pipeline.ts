// Synthesizes the local pipeline's stack and reads back what the construct produced, as a deploy
// would use it: each Lambda's bundle (the staged asset), environment and timeout; the topics of
// the topic provisioner's custom resource; each engine's task definition environment and stop
// timeout; the event source mapping of the control topic and the reconcile rule's input.
// CloudFormation's intrinsic functions are resolved by test/helpers/fake-deploy.ts: references
// become placeholders (`<LogicalId>`, `<LogicalId.Attribute>`), which the local ECS stand-in
// resolves against this template (a task definition, a service) as ECS resolves the real ones.
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { LocalPipelineStack } from './local-pipeline-stack';
import { ENV_ENGINE_NAME, ENV_ENGINE_REFS, ENV_PIPELINE_CONFIG } from '../../src/stream-engine-pipeline/runtime/environment';
import { loadEngineRefs, loadPipelineConfig } from '../../src/stream-engine-pipeline/runtime/load-pipeline-config';
import { PipelineConfig } from '../../src/stream-engine-pipeline/runtime/pipeline-config';
import { fakeDeploy } from '../../test/helpers/fake-deploy';

/** The account and region fakeDeploy gives the pseudo parameters. */
export const LOCAL_ENV = { account: '123456789012', region: 'eu-west-1' };

export interface SynthesizedFunction {
  /** The bundled handler file in the cloud assembly. */
  readonly bundle: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
}

export interface SynthesizedTaskDefinition {
  readonly engine: string;
  /** The engine container's environment, as the task definition sets it. */
  readonly environment: Readonly<Record<string, string>>;
  /** Seconds between SIGTERM and SIGKILL when the task is stopped. */
  readonly stopTimeoutSeconds: number;
}

export interface SynthesizedPipeline {
  readonly coordinator: SynthesizedFunction;
  readonly lagScaler: SynthesizedFunction;
  readonly topicProvisioner: SynthesizedFunction;
  /** What the Coordinator reads (its packed PIPELINE_CONFIG). */
  readonly coordinatorConfig: PipelineConfig;
  /** What the lag scaler reads (its packed PIPELINE_CONFIG). */
  readonly lagScalerConfig: PipelineConfig;
  /** The ResourceProperties CloudFormation sends to the topic provisioner (every value a string, as CloudFormation passes them). */
  readonly topicResourceProperties: Record<string, unknown>;
  /** The control topic's event source mapping. */
  readonly controlEventSource: { readonly topic: string; readonly consumerGroup: string; readonly batchSize: number };
  /** The input of the every-minute rule that runs the Coordinator's reconciliation. */
  readonly reconcileEvent: unknown;
  /** Task definitions by the reference RunTask names them with (`<LogicalId>`). */
  readonly taskDefinitions: ReadonlyMap<string, SynthesizedTaskDefinition>;
  /** Object engine services by the name DescribeServices and UpdateService use (`<LogicalId.Name>`). */
  readonly services: ReadonlyMap<string, SynthesizedTaskDefinition>;
}

type Resource = { Type: string; Properties?: any; Metadata?: Record<string, any> };

/** Synthesizes the stack into `outdir` and reads it back. */
export function synthesizePipeline(pipelineName: string, bootstrapBrokers: string, outdir: string): SynthesizedPipeline {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new LocalPipelineStack(app, 'LocalPipeline', { pipelineName, bootstrapBrokers, env: LOCAL_ENV });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, Resource> };
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  const lambda = (word: string): SynthesizedFunction & { logicalId: string } => {
    const found = ofType('AWS::Lambda::Function').find(([, r]) => String(r.Properties.Description ?? '').includes(word));
    if (!found) throw new Error(`the synthesized pipeline has no ${word} Lambda`);
    const [logicalId, r] = found;
    return {
      logicalId,
      bundle: path.join(outdir, r.Metadata!['aws:asset:path'], 'index.js'),
      environment: fakeDeploy(r.Properties.Environment.Variables),
      timeoutSeconds: r.Properties.Timeout,
    };
  };
  const coordinator = lambda('Coordinator');
  const lagScaler = lambda('lag scaler');
  const topicProvisioner = lambda('topic provisioner');

  const taskDefinition = (logicalId: string): SynthesizedTaskDefinition => {
    const container = template.Resources[logicalId].Properties.ContainerDefinitions[0];
    const environment = Object.fromEntries((fakeDeploy(container.Environment) as Array<{ Name: string; Value: string }>)
      .map((e) => [e.Name, e.Value]));
    return { engine: environment[ENV_ENGINE_NAME], environment, stopTimeoutSeconds: container.StopTimeout ?? 30 };
  };
  const taskDefinitions = new Map(ofType('AWS::ECS::TaskDefinition').map(([id]) => [`<${id}>`, taskDefinition(id)]));
  const services = new Map(ofType('AWS::ECS::Service').map(([id, r]) => [`<${id}.Name>`, taskDefinition(r.Properties.TaskDefinition.Ref)]));
  for (const [engine, service] of Object.entries(loadEngineRefs(lagScaler.environment).services)) {
    if (services.get(service)?.engine !== engine) throw new Error(`the lag scaler's engine refs name service ${service} for ${engine}: not in the template`);
  }
  for (const [engine, ref] of Object.entries(loadEngineRefs(coordinator.environment).taskDefinitions)) {
    if (taskDefinitions.get(ref)?.engine !== engine) throw new Error(`the Coordinator's engine refs name task definition ${ref} for ${engine}: not in the template`);
  }

  const [, mapping] = ofType('AWS::Lambda::EventSourceMapping')
    .find(([, r]) => r.Properties.FunctionName?.Ref === coordinator.logicalId) ?? [];
  if (!mapping) throw new Error('the synthesized pipeline has no event source mapping for the Coordinator');
  const source = mapping.Properties;
  const consumerGroup = source.SelfManagedKafkaEventSourceConfig?.ConsumerGroupId ?? source.AmazonManagedKafkaEventSourceConfig?.ConsumerGroupId;

  const reconcileRule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression
    && (r.Properties.Targets ?? []).some((t: any) => t.Input && JSON.stringify(t.Arn).includes(coordinator.logicalId)));
  if (!reconcileRule) throw new Error('the synthesized pipeline has no reconcile rule for the Coordinator');

  const [, topics] = ofType('Custom::KafkaTopics')[0] ?? [];
  if (!topics) throw new Error('the synthesized pipeline has no Custom::KafkaTopics resource');
  const { ServiceToken: _token, ...topicResourceProperties } = fakeDeploy(topics.Properties);

  return {
    coordinator,
    lagScaler,
    topicProvisioner,
    coordinatorConfig: loadPipelineConfig(pick(coordinator.environment, ENV_PIPELINE_CONFIG, ENV_ENGINE_REFS)),
    lagScalerConfig: loadPipelineConfig(pick(lagScaler.environment, ENV_PIPELINE_CONFIG, ENV_ENGINE_REFS)),
    topicResourceProperties: asCloudFormationPasses(topicResourceProperties) as Record<string, unknown>,
    controlEventSource: { topic: source.Topics[0], consumerGroup, batchSize: source.BatchSize ?? 100 },
    reconcileEvent: JSON.parse(reconcileRule[1].Properties.Targets.find((t: any) => t.Input).Input),
    taskDefinitions,
    services,
  };
}

function pick(environment: Readonly<Record<string, string>>, ...names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(names.map((n) => [n, environment[n]]));
}

/** CloudFormation hands a custom resource every scalar property as a string. */
function asCloudFormationPasses(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asCloudFormationPasses);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationPasses(v)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
