import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * The pieces every Lambda of this library shares: a role with no managed policies, its own log
 * group with a retention, and only the grants it needs.
 */
export function lambdaRole(scope: Construct, id: string, description: string): iam.Role {
  return new iam.Role(scope, id, {
    description,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
}

export function logGroupWithRetention(scope: Construct, id: string, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
}

/** What AWSLambdaBasicExecutionRole grants, scoped to the function's own log group. */
export function grantLogGroupWrite(fn: lambda.Function, logGroup: logs.ILogGroup): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, without attaching a managed policy. Also what a
 * Kafka event source mapping needs to place its network interfaces in the cluster's VPC.
 */
export function grantVpcNetworkInterfaces(fn: lambda.Function): void {
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeVpcs',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  }));
  acknowledge(fn.role!.node.findChild('DefaultPolicy'), [{
    id: 'AwsSolutions-IAM5',
    reason: 'Lambda creates its VPC network interfaces before their ids exist, so these EC2 actions cannot be scoped to a resource (the same grant as AWSLambdaVPCAccessExecutionRole).',
    appliesTo: ['Resource::*'],
  }]);
}
