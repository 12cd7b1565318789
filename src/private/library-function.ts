import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { environmentSizeBytes, DEPLOY_TIME_VALUE_BYTES, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from './lambda-environment-size';
import { logGroupWithRetention } from './log-group';
import { Acknowledgment, acknowledge } from './nag';
import { newestNodeRuntime } from './newest-node-runtime';
import { skipCfnLint, skipCheckov } from './scanner-skips';

/** A projen-generated handler class (`src/**\/*-function.ts`): it sets the bundled code. */
export type HandlerClass<F extends lambda.Function> =
  new (scope: Construct, id: string, props: lambda.FunctionOptions & { runtime?: lambda.Runtime }) => F;

export interface LibraryFunctionOptions {
  /** Names the construct in errors, e.g. `StatusPage 'Status'`. */
  readonly where: string;
  readonly description: string;
  readonly roleDescription: string;
  readonly logRetention: logs.RetentionDays;
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly environment: Record<string, string>;
  readonly layers?: lambda.ILayerVersion[];
  readonly reservedConcurrentExecutions?: number;
  /** Runs the function in this VPC (and grants what Lambda needs to place it there). */
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** What the user can change when the environment outgrows Lambda's 4 KB, e.g. "split the engines over two pipelines". */
  readonly whenEnvironmentTooLarge: string;
}

/**
 * The one place every Lambda of this library is made: the newest Node.js runtime the user's
 * aws-cdk-lib knows (see newestNodeRuntime), arm64, 512 MB unless told otherwise, a
 * role of its own with no managed policy, its own log group with the construct's retention and
 * a grant to write only there, the scanner skips all our Lambdas share, and a synth-time check
 * that its environment fits Lambda's 4 KB.
 */
export function libraryFunction<F extends lambda.Function>(
  scope: Construct, id: string, handler: HandlerClass<F>, options: LibraryFunctionOptions,
): F {
  const logGroup = logGroupWithRetention(scope, `${id}Logs`, options.logRetention);
  const fn = new handler(scope, id, {
    description: options.description,
    runtime: newestNodeRuntime(),
    role: new iam.Role(scope, `${id}Role`, {
      description: options.roleDescription,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    }),
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize ?? 512,
    timeout: options.timeout,
    logGroup,
    environment: options.environment,
    layers: options.layers,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions,
    ...(options.vpc ? { vpc: options.vpc, vpcSubnets: options.vpcSubnets, securityGroups: options.securityGroups } : {}),
  });
  // What AWSLambdaBasicExecutionRole grants, scoped to the function's own log group.
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  skipCfnLint(fn, 'W3005', 'aws-cdk-lib makes the function depend on its whole role so that the role\'s DefaultPolicy exists before the function; the redundant DependsOn on the role itself is harmless.');
  skipCheckov(fn, 'CKV_AWS_173', 'The environment holds only table and topic names, ARNs and configuration, never a secret (secrets are read at run time by ARN); Lambda encrypts it at rest with an AWS managed key.');
  if (options.vpc) grantVpcNetworkInterfaces(fn);
  fn.node.addValidation({
    validate: () => {
      const size = environmentSizeBytes(fn);
      return size <= LAMBDA_ENVIRONMENT_LIMIT_BYTES ? [] : [
        `${options.where}: the ${id} Lambda's environment variables would take about ${size} bytes, over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (values known only at deploy time, such as ARNs, count ${DEPLOY_TIME_VALUE_BYTES} bytes each); ${options.whenEnvironmentTooLarge}`,
      ];
    },
  });
  return fn;
}

/**
 * What AWSLambdaVPCAccessExecutionRole grants, without attaching a managed policy. Also what a
 * Kafka event source mapping needs to place its network interfaces in the cluster's VPC.
 */
export function grantVpcNetworkInterfaces(fn: lambda.Function): void {
  const policy = addReviewedStatements(fn, [new iam.PolicyStatement({
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
  })], [{
    id: 'AwsSolutions-IAM5',
    reason: 'Lambda creates its VPC network interfaces before their ids exist, so these EC2 actions cannot be scoped to a resource (the same grant as AWSLambdaVPCAccessExecutionRole).',
    appliesTo: ['Resource::*'],
  }]);
  skipCheckov(policy, 'CKV_AWS_111', 'Lambda creates its VPC network interfaces before their ids exist, so ec2:CreateNetworkInterface and its siblings cannot be scoped to a resource (the same grant as AWSLambdaVPCAccessExecutionRole); this policy holds only the statements a reviewer must accept, the function\'s other grants are scoped.');
}

/**
 * Adds statements a reviewer must accept (resources that cannot be narrowed further) to a policy
 * of the function's own, apart from its other grants, and acknowledges them there: the
 * acknowledgment then covers these statements and none of the function's other grants. Each
 * `concern` (e.g. 'Ecs') gets a policy of its own, so that two concerns that both need
 * `Resource::*` each carry their own reason (cdk-nag reads the first matching acknowledgment).
 * The function's resource waits for the policy: Lambda checks the network-interface permissions
 * when it creates a VPC function.
 */
export function addReviewedStatements(
  fn: lambda.Function, statements: iam.PolicyStatement[], acknowledgments: Acknowledgment[], concern = '',
): iam.Policy {
  const scope = fn.node.scope as Construct;
  const id = `${fn.node.id}${concern}ReviewedPolicy`;
  let policy = scope.node.tryFindChild(id) as iam.Policy | undefined;
  if (!policy) {
    policy = new iam.Policy(scope, id, { roles: [fn.role!] });
    fn.node.defaultChild!.node.addDependency(policy);
  }
  policy.addStatements(...statements);
  acknowledge(policy, acknowledgments);
  return policy;
}
