import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { skipCfnLint, skipCheckov } from './scanner-skips';

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
  const logGroup = new logs.LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
  skipCheckov(logGroup, 'CKV_AWS_158', LOG_GROUP_KMS_REASON);
  return logGroup;
}

/** Why the library's log groups use CloudWatch Logs' own encryption rather than a KMS key (checkov CKV_AWS_158). */
export const LOG_GROUP_KMS_REASON = 'CloudWatch Logs encrypts every log group at rest with service-owned keys; the logs hold no secrets (handlers never log them), and a customer managed key would need a key policy for the logs service in every account for no gain here.';

/**
 * Scanner skips every Lambda of this library shares, recorded on its CloudFormation function:
 * - cfn-lint W3005: aws-cdk-lib makes every function depend on its role (so that the role's
 *   DefaultPolicy exists before the first invocation); the role is also referenced by GetAtt.
 *   Removing the DependsOn would also drop the needed dependency on the DefaultPolicy.
 * - checkov CKV_AWS_173: the environment holds names, ARNs and configuration, never a secret.
 */
export function skipSharedLambdaFindings(fn: lambda.Function): void {
  skipCfnLint(fn, 'W3005', 'aws-cdk-lib makes the function depend on its whole role so that the role\'s DefaultPolicy exists before the function; the redundant DependsOn on the role itself is harmless.');
  skipCheckov(fn, 'CKV_AWS_173', 'The environment holds only table and topic names, ARNs and configuration, never a secret (secrets are read at run time by ARN); Lambda encrypts it at rest with an AWS managed key.');
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
  skipCheckov(fn.role!.node.findChild('DefaultPolicy'), 'CKV_AWS_111', 'Lambda creates its VPC network interfaces before their ids exist, so ec2:CreateNetworkInterface and its siblings cannot be scoped to a resource (the same grant as AWSLambdaVPCAccessExecutionRole); every other statement of this policy is scoped.');
}
