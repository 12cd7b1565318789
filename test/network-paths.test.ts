/**
 * Network paths checked on the synthesized template, for what only AWS would otherwise show:
 * every Lambda function and ECS service in a VPC reaches the AWS APIs it calls through its
 * subnets' route tables: a 0.0.0.0/0 route to a NAT gateway, or else an interface/gateway VPC
 * endpoint for every one of those services; and its security groups let it send HTTPS (443) and
 * reach the brokers' port. The services a function calls are those its role is granted (the IAM
 * tests in test/iam prove the grants match the calls); an engine task also needs ECR (image),
 * S3 (image layers) and CloudWatch Logs before its code runs, plus what its task role grants. The MSK event source's own rules (the cluster group) are asserted in
 * stream-engine-pipeline/event-source-network.test.ts and not repeated here.
 * All three bus kinds and both constructs.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { HealthCheck, KafkaBus, KafkaClientAuth, PageAuth, StatusPage, StreamEnginePipeline } from '../src';
import { fakeDeploy } from './helpers/fake-deploy';

type Resources = Record<string, { Type: string; Properties?: any }>;
const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');
const idOf = (value: any): string => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** True when the subnet's route table sends 0.0.0.0/0 to a NAT gateway in the template. */
function routesToNat(resources: Resources, subnet: string): boolean {
  const tables = ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, a]) => idOf(a.Properties.SubnetId) === subnet).map(([, a]) => idOf(a.Properties.RouteTableId));
  return ofType(resources, 'AWS::EC2::Route').some(([, r]) => tables.includes(idOf(r.Properties.RouteTableId))
    && r.Properties.DestinationCidrBlock === '0.0.0.0/0'
    && resources[idOf(r.Properties.NatGatewayId)]?.Type === 'AWS::EC2::NatGateway');
}

/** True when the group (inline or separate egress rules) may send TCP on `port` to 0.0.0.0/0 or to `peer`. */
function sends(resources: Resources, group: string, port: number, peer?: string): boolean {
  const covers = (r: any) => (r.IpProtocol === '-1' || (r.IpProtocol === 'tcp' && r.FromPort <= port && port <= r.ToPort))
    && (r.CidrIp === '0.0.0.0/0' || (peer !== undefined && idOf(r.DestinationSecurityGroupId) === peer));
  const inline = resources[group].Properties.SecurityGroupEgress ?? [];
  const separate = ofType(resources, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => idOf(r.Properties.GroupId) === group).map(([, r]) => r.Properties);
  return [...inline, ...separate].some(covers);
}

interface Workload {
  readonly name: string;
  readonly subnets: string[];
  readonly groups: string[];
  /** The AWS services whose APIs it calls (VPC endpoint service names: dynamodb, ecr.api, ...). */
  readonly services: string[];
}

/** Services a role's grants call through a regional endpoint (Kafka brokers are in the VPC; IAM, EC2 and logs are used by AWS for the workload). */
function servicesCalledBy(resources: Resources, role: string): string[] {
  const actions = ofType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
  const notThroughEndpoint = new Set(['kafka-cluster', 'kafka', 'iam', 'ec2', 'logs']);
  return [...new Set(actions.map((a: string) => a.split(':')[0]).filter((service) => !notThroughEndpoint.has(service)))].sort();
}

/** What a Fargate task's agent calls before the engine runs: pull the image (ECR, its layers in S3) and send logs. */
const TASK_AGENT_SERVICES = ['ecr.api', 'ecr.dkr', 's3', 'logs'];

/** Every Lambda function and ECS service placed in a VPC. */
function workloads(resources: Resources): Workload[] {
  const functions = ofType(resources, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.VpcConfig).map(([id, f]) => ({
    name: id,
    subnets: f.Properties.VpcConfig.SubnetIds.map(idOf),
    groups: f.Properties.VpcConfig.SecurityGroupIds.map(idOf),
    services: servicesCalledBy(resources, idOf(f.Properties.Role)),
  }));
  const ecsServices = ofType(resources, 'AWS::ECS::Service').map(([id, s]) => {
    const vpc = s.Properties.NetworkConfiguration.AwsvpcConfiguration;
    const taskRole = idOf(resources[idOf(s.Properties.TaskDefinition)].Properties.TaskRoleArn);
    const services = [...TASK_AGENT_SERVICES, ...servicesCalledBy(resources, taskRole)];
    return { name: id, subnets: vpc.Subnets.map(idOf), groups: vpc.SecurityGroups.map(idOf), services };
  });
  return [...functions, ...ecsServices];
}

/** What is wrong with each workload's path to the AWS APIs (HTTPS) and, with a broker port, to the brokers. */
function pathProblems(resources: Resources, brokerPort?: number, brokerGroup?: string): string[] {
  // com.amazonaws.<region>.<service> -> <service>
  const endpoints = new Set(ofType(resources, 'AWS::EC2::VPCEndpoint')
    .map(([, e]) => String(fakeDeploy(e.Properties.ServiceName)).split('.').slice(3).join('.')));
  return workloads(resources).flatMap((w) => w.subnets.filter((s) => !routesToNat(resources, s)).flatMap((s) => {
    const missing = w.services.filter((service) => !endpoints.has(service));
    return missing.length ? [`${w.name}: subnet ${s} has no NAT route and no VPC endpoint for ${missing.join(', ')}`] : [];
  })).concat(workloads(resources).flatMap((w) => [
    ...(w.groups.some((g) => sends(resources, g, 443)) ? [] : [`${w.name}: no security group sends HTTPS`]),
    ...(brokerPort === undefined || w.groups.some((g) => sends(resources, g, brokerPort, brokerGroup)) ? [] : [`${w.name}: no security group reaches the brokers on ${brokerPort}`]),
  ]));
}

function pipelineTemplate(bus: (stack: Stack, vpc: ec2.Vpc) => KafkaBus) {
  const stack = new Stack(new App(), 'PipelineStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc, pipelineName: 'media', bus: bus(stack, vpc) });
  pipeline.addStreamEngine('transcriber', { image });
  pipeline.addObjectEngine('faces', { image });
  return Template.fromStack(stack).toJSON().Resources as Resources;
}

describe.each([
  ['KafkaBus.serverless()', () => KafkaBus.serverless(), 9098],
  ['KafkaBus.provisioned()', () => KafkaBus.provisioned(), 9098],
  ['KafkaBus.fromBootstrapBrokers() (TLS)', () => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1.example:9094', auth: KafkaClientAuth.TLS }), 9094],
] as Array<[string, () => KafkaBus, number]>)('%s', (_name, bus, port) => {
  test('every function and engine service in the VPC reaches the AWS APIs (ECR, CloudWatch Logs, ...) and the brokers', () => {
    const resources = pipelineTemplate(() => bus());
    const names = workloads(resources).map((w) => w.name);
    for (const expected of ['Coordinator', 'LagScaler', 'ObjectEnginefacesService']) expect(names).toContainEqual(expect.stringContaining(expected));
    expect(pathProblems(resources, port)).toEqual([]);
  });
});

test('a StatusPage in a VPC: the checker (the function placed in it) reaches DynamoDB and SNS', () => {
  const stack = new Stack(new App(), 'PageStack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  new StatusPage(stack, 'Status', { vpc, auth: PageAuth.proxyHeader(), checks: [HealthCheck.http('web', { url: 'https://example.com/health' })] });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  expect(workloads(resources).map((w) => w.name)).toEqual([expect.stringContaining('Checker')]);
  expect(pathProblems(resources)).toEqual([]);
});

test('isolated subnets (no NAT route) pass only with a VPC endpoint for every service called', () => {
  const resources = pipelineTemplate(() => KafkaBus.fromBootstrapBrokers({ bootstrapBrokers: 'b-1.example:9094', auth: KafkaClientAuth.TLS }));
  // the same template with the NAT routes removed: what isolated subnets look like
  const isolated = Object.fromEntries(Object.entries(resources).filter(([, r]) => !(r.Type === 'AWS::EC2::Route' && r.Properties.NatGatewayId)));
  expect(pathProblems(isolated, 9094)).toContainEqual(expect.stringMatching(/Coordinator.*has no NAT route and no VPC endpoint for dynamodb, ecs$/));
  // ecs: the ECS agent sets the object engine's scale-in protection with the task role
  expect(pathProblems(isolated, 9094)).toContainEqual(expect.stringMatching(/ObjectEnginefacesService.*has no NAT route and no VPC endpoint for ecr.api, ecr.dkr, s3, logs, ecs$/));
  const endpoint = (service: string) => ({ Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] } } });
  const withEndpoints = { ...isolated, ...Object.fromEntries(['dynamodb', 'ecs', 'ecr.api', 'ecr.dkr', 's3'].map((s) => [`Endpoint${s}`, endpoint(s)])) };
  expect(pathProblems(withEndpoints, 9094)).toEqual([expect.stringMatching(/no VPC endpoint for logs$/), expect.stringMatching(/no VPC endpoint for logs$/)]);
  expect(pathProblems({ ...withEndpoints, Endpointlogs: endpoint('logs') }, 9094)).toEqual([]);
});
