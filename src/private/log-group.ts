import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { skipCheckov } from './scanner-skips';

/**
 * The library's one recipe for a log group: the construct's `logRetention`, deleted with the
 * stack (logs are not data the stack must keep). Every log group the constructs create (Lambdas,
 * the API's access logs, engine tasks, MSK brokers) comes from here.
 */
export function logGroupWithRetention(scope: Construct, id: string, retention: logs.RetentionDays): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
  skipCheckov(logGroup, 'CKV_AWS_158', 'CloudWatch Logs encrypts every log group at rest with service-owned keys; the logs hold no secrets (handlers never log them), and a customer managed key would need a key policy for the logs service in every account for no gain here.');
  return logGroup;
}
