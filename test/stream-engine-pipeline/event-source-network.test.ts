/**
 * The control topic's event source mapping must reach the brokers and invoke the Coordinator on
 * AWS. What AWS asks for, and what is asserted here on the synthesized template:
 *
 * - "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda"
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html
 *   (and "Creating a Lambda event source mapping for an Amazon MSK event source",
 *   https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html): the mapping's network
 *   interfaces use the subnets and security groups of the MSK CLUSTER, not the function's. In the
 *   default on-demand mode the mapping reaches the Lambda and STS endpoints (Secrets Manager with
 *   SCRAM) from there, through a NAT gateway or VPC endpoints. So the cluster's group admits
 *   itself on the broker port, may send to itself on it and may send HTTPS (443) anywhere, and
 *   the cluster's subnets route 0.0.0.0/0 to a NAT gateway.
 * - "Configuring your self-managed Apache Kafka cluster and network for Lambda"
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-cluster-network.html: the mapping
 *   uses the subnets and security group of its SourceAccessConfigurations; they need the Lambda
 *   and STS endpoints (Secrets Manager with SCRAM) through a NAT gateway or VPC endpoints. So the
 *   group given there admits itself on the broker port and may send to the brokers and to 443,
 *   the brokers' group admits it, and the subnets given there route 0.0.0.0/0 to a NAT gateway.
 *
 * The VPC is the example app's: 2 AZs, one NAT gateway.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KafkaBus, KafkaClientAuth, StreamEnginePipeline, StreamEnginePipelineProps } from '../../src';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/example/engine:1');

function synth(props: (stack: Stack, vpc: ec2.Vpc) => Partial<StreamEnginePipelineProps>, vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }) {
  const stack = new Stack(new App(), 'PipelineStack', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
  const pipeline = new StreamEnginePipeline(stack, 'Pipeline', { vpc, pipelineName: 'media', ...props(stack, vpc) });
  pipeline.addStreamEngine('transcriber', { image });
  return Template.fromStack(stack).toJSON().Resources as Record<string, any>;
}

const ofType = (resources: Record<string, any>, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type).map(([id, r]) => ({ id, ...r.Properties }));
/** The logical id behind `{ Fn::GetAtt: [id, 'GroupId'] }` or `{ Ref: id }`. */
const idOf = (value: any): string | undefined => value?.['Fn::GetAtt']?.[0] ?? value?.Ref;

function mappingOf(resources: Record<string, any>) {
  const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping');
  expect(mappings).toHaveLength(1);
  return mappings[0];
}

function ingressRules(resources: Record<string, any>, group: string) {
  return ofType(resources, 'AWS::EC2::SecurityGroupIngress')
    .filter((r) => idOf(r.GroupId) === group)
    .map((r) => ({ from: idOf(r.SourceSecurityGroupId), protocol: r.IpProtocol, ports: [r.FromPort, r.ToPort] }));
}

function egressRules(resources: Record<string, any>, group: string) {
  const inline = (resources[group].Properties.SecurityGroupEgress ?? [])
    .map((r: any) => ({ to: r.CidrIp, protocol: r.IpProtocol, ports: [r.FromPort, r.ToPort] }));
  const separate = ofType(resources, 'AWS::EC2::SecurityGroupEgress')
    .filter((r) => idOf(r.GroupId) === group)
    .map((r) => ({ to: idOf(r.DestinationSecurityGroupId), protocol: r.IpProtocol, ports: [r.FromPort, r.ToPort] }));
  return [...inline, ...separate];
}

/** The NAT gateway that carries the subnet's 0.0.0.0/0 route, if any. */
function natRouteOf(resources: Record<string, any>, subnet: string): string | undefined {
  const association = ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation').find((a) => idOf(a.SubnetId) === subnet);
  const route = ofType(resources, 'AWS::EC2::Route')
    .find((r) => idOf(r.RouteTableId) === idOf(association?.RouteTableId) && r.DestinationCidrBlock === '0.0.0.0/0');
  const nat = idOf(route?.NatGatewayId);
  return nat && resources[nat]?.Type === 'AWS::EC2::NatGateway' ? nat : undefined;
}

const clientGroupOf = (resources: Record<string, any>) => {
  const [client] = ofType(resources, 'AWS::EC2::SecurityGroup').filter((g) => g.id.startsWith('PipelineClientSecurityGroup'));
  return client.id;
};

describe('MSK: the mapping uses the cluster\'s subnets and security group (with-msk-cluster-network)', () => {
  const msk: Array<[string, () => KafkaBus, (resources: Record<string, any>) => { cluster: string; group: string; subnets: string[] }]> = [
    ['KafkaBus.serverless()', () => KafkaBus.serverless(), (resources) => {
      const [cluster] = ofType(resources, 'AWS::MSK::ServerlessCluster');
      const [vpc] = cluster.VpcConfigs;
      expect(vpc.SecurityGroups).toHaveLength(1);
      return { cluster: cluster.id, group: idOf(vpc.SecurityGroups[0])!, subnets: vpc.SubnetIds.map(idOf) };
    }],
    ['KafkaBus.provisioned()', () => KafkaBus.provisioned(), (resources) => {
      const [cluster] = ofType(resources, 'AWS::MSK::Cluster');
      const info = cluster.BrokerNodeGroupInfo;
      expect(info.SecurityGroups).toHaveLength(1);
      return { cluster: cluster.id, group: idOf(info.SecurityGroups[0])!, subnets: info.ClientSubnets.map(idOf) };
    }],
  ];

  test.each(msk)('%s: the cluster group admits itself on 9098 (IAM), sends to itself on 9098 and to 443 anywhere; its subnets route to a NAT gateway', (_name, bus, clusterOf) => {
    const resources = synth(() => ({ bus: bus() }));
    const { cluster, group, subnets } = clusterOf(resources);
    const mapping = mappingOf(resources);
    expect(idOf(mapping.EventSourceArn)).toBe(cluster);
    // No VPC settings of its own: Lambda takes the cluster's.
    expect((mapping.SourceAccessConfigurations ?? []).filter((c: any) => c.Type.startsWith('VPC_'))).toEqual([]);

    expect(ingressRules(resources, group)).toEqual(expect.arrayContaining([{ from: group, protocol: 'tcp', ports: [9098, 9098] }]));
    expect(egressRules(resources, group)).toEqual(expect.arrayContaining([
      { to: group, protocol: 'tcp', ports: [9098, 9098] },
      { to: '0.0.0.0/0', protocol: 'tcp', ports: [443, 443] },
    ]));
    // Engines and Lambdas still reach the brokers; nothing else is admitted.
    const client = clientGroupOf(resources);
    expect(ingressRules(resources, group)).toHaveLength(2);
    expect(ingressRules(resources, group)).toEqual(expect.arrayContaining([{ from: client, protocol: 'tcp', ports: [9098, 9098] }]));

    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(natRouteOf(resources, subnet)).toBeDefined();
  });

  test('existing MSK brokers (clusterArn) with their security group: the same rules on that group', () => {
    const resources = synth((stack, vpc) => ({
      bus: KafkaBus.fromBootstrapBrokers({
        bootstrapBrokers: 'b-1.media.kafka.eu-west-1.amazonaws.com:9098',
        auth: KafkaClientAuth.IAM,
        clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/media/abcd-1234',
        brokerSecurityGroup: new ec2.SecurityGroup(stack, 'Brokers', { vpc, allowAllOutbound: false }),
      }),
    }));
    expect(mappingOf(resources).EventSourceArn).toBe('arn:aws:kafka:eu-west-1:123456789012:cluster/media/abcd-1234');
    const group = ofType(resources, 'AWS::EC2::SecurityGroup').find((g) => g.id.startsWith('Brokers'))!.id;
    expect(ingressRules(resources, group).sort((a, b) => a.from!.localeCompare(b.from!))).toEqual([
      { from: group, protocol: 'tcp', ports: [9098, 9098] },
      { from: clientGroupOf(resources), protocol: 'tcp', ports: [9098, 9098] },
    ].sort((a, b) => a.from.localeCompare(b.from)));
    expect(egressRules(resources, group)).toEqual(expect.arrayContaining([
      { to: group, protocol: 'tcp', ports: [9098, 9098] },
      { to: '0.0.0.0/0', protocol: 'tcp', ports: [443, 443] },
    ]));
  });
});

describe('self-managed brokers: the mapping uses the subnets and security group it is given (with-kafka-cluster-network)', () => {
  test('KafkaBus.fromBootstrapBrokers() with SCRAM: the client group admits itself on 9096 and sends anywhere; the brokers admit it; its subnets route to a NAT gateway', () => {
    const resources = synth((stack, vpc) => ({
      bus: KafkaBus.fromBootstrapBrokers({
        bootstrapBrokers: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
        auth: KafkaClientAuth.SCRAM,
        scramSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Scram', 'AmazonMSK_pipeline'),
        brokerSecurityGroup: new ec2.SecurityGroup(stack, 'Brokers', { vpc }),
      }),
    }));
    const mapping = mappingOf(resources);
    expect(mapping.SelfManagedEventSource.Endpoints.KafkaBootstrapServers).toEqual(['b-1.kafka.internal:9096', 'b-2.kafka.internal:9096']);
    const uriRef = (type: string) => mapping.SourceAccessConfigurations.filter((c: any) => c.Type === type)
      .map((c: any) => idOf(c.URI['Fn::Join'][1][1]));
    const [group] = uriRef('VPC_SECURITY_GROUP');
    const subnets = uriRef('VPC_SUBNET');
    expect(group).toBe(clientGroupOf(resources));

    expect(ingressRules(resources, group)).toEqual([{ from: group, protocol: 'tcp', ports: [9096, 9096] }]);
    // All outbound: the brokers on 9096 and the Lambda, STS and Secrets Manager endpoints on 443.
    expect(egressRules(resources, group)).toEqual([{ to: '0.0.0.0/0', protocol: '-1', ports: [undefined, undefined] }]);
    const brokers = ofType(resources, 'AWS::EC2::SecurityGroup').find((g) => g.id.startsWith('Brokers'))!.id;
    expect(ingressRules(resources, brokers)).toEqual([{ from: group, protocol: 'tcp', ports: [9096, 9096] }]);

    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(natRouteOf(resources, subnet)).toBeDefined();
  });
});

test('isolated subnets have no NAT route: the event source then needs VPC endpoints (Lambda, STS), as the pipeline\'s vpcSubnets documents', () => {
  const resources = synth(() => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const [cluster] = ofType(resources, 'AWS::MSK::ServerlessCluster');
  const subnets: string[] = cluster.VpcConfigs[0].SubnetIds.map(idOf);
  expect(subnets).toHaveLength(2);
  for (const subnet of subnets) expect(natRouteOf(resources, subnet)).toBeUndefined();
});
