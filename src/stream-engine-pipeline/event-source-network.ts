import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KafkaBusBinding, KafkaBusContext } from './kafka-bus';

/**
 * Opens what the control topic's event source mapping needs to reach the brokers and to invoke
 * the Coordinator, and returns the mapping's VPC settings (none for MSK).
 *
 * - MSK (KafkaBus.serverless(), .provisioned(), or existing brokers with a clusterArn): the
 *   mapping's network interfaces go in the CLUSTER's subnets with the CLUSTER's security groups
 *   ("Configuring your Amazon MSK cluster and Amazon VPC network for Lambda",
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html). So the broker
 *   group admits itself on the broker port, may send to itself on that port, and may send HTTPS
 *   anywhere: in the default on-demand mode the mapping calls the Lambda and STS endpoints (and
 *   Secrets Manager with SCRAM) from those interfaces. For existing MSK brokers this needs
 *   `brokerSecurityGroup`; without it, those rules are the user's to add.
 * - Self-managed brokers (existing brokers without a clusterArn): the mapping uses the subnets and
 *   the security group of its SourceAccessConfigurations ("Configuring your self-managed Apache
 *   Kafka cluster and network for Lambda",
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kafka-cluster-network.html): the
 *   pipeline's subnets and client group. That group already sends anywhere (to the brokers and
 *   to 443); it also admits itself on the broker port. The brokers' group, when given, admits
 *   the client group on that port (KafkaBus.fromBootstrapBrokers()).
 *
 * The endpoints are reached through the subnets' routes: private subnets with egress have a NAT
 * gateway route; isolated subnets need interface VPC endpoints for Lambda and STS (and Secrets
 * Manager with SCRAM). Provisioned mode would invoke the function without that path; it is not
 * used (its event pollers are billed by the hour).
 */
export function openEventSourceNetwork(binding: KafkaBusBinding, context: KafkaBusContext): lambda.SourceAccessConfiguration[] {
  const port = ec2.Port.tcp(binding.port);
  if (binding.clusterArn) {
    const group = binding.brokerSecurityGroup;
    if (group) {
      group.addIngressRule(group, port, 'Lambda Kafka event source: its network interfaces use the cluster security group');
      group.addEgressRule(group, port, 'Lambda Kafka event source: to the brokers');
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Lambda Kafka event source: Lambda and STS endpoints (NAT gateway or VPC endpoints)');
    }
    return [];
  }
  const client = context.clientSecurityGroup;
  client.addIngressRule(client, port, 'Lambda Kafka event source: its network interfaces use this security group');
  return [
    ...context.vpc.selectSubnets(context.vpcSubnets).subnetIds
      .map((subnetId) => ({ type: lambda.SourceAccessConfigurationType.VPC_SUBNET, uri: `subnet:${subnetId}` })),
    { type: lambda.SourceAccessConfigurationType.VPC_SECURITY_GROUP, uri: `security_group:${client.securityGroupId}` },
  ];
}
