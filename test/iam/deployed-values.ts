/**
 * Stands in for CloudFormation when an IAM test needs the values a deployed stack would have:
 * every Ref and GetAtt becomes the concrete name or ARN AWS would give that resource type
 * (names are the logical ids), and Join/Split/Select are evaluated. The same resolution applies
 * to the environment a handler runs with and to the policies its role gets, so a recorded call
 * and a policy statement name a resource the same way. An unknown resource type or attribute
 * throws: a new resource must be taught here, never guessed.
 */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

const PSEUDO: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestStack',
};

type Resources = Record<string, { Type: string; Properties?: any }>;

/** Attribute values given by the test (e.g. a custom resource's bootstrap brokers -> the local broker). */
export type Overrides = Record<string, string>;

export class DeployedValues {
  constructor(private readonly resources: Resources, private readonly overrides: Overrides = {}) {}

  /** The value a deployed stack would have for a template expression. */
  public resolve(value: unknown): any {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0] as [string, any];
      switch (fn) {
        case 'Ref': return PSEUDO[arg] ?? this.attribute(arg, 'Ref');
        case 'Fn::GetAtt': return this.attribute(arg[0], arg[1]);
        case 'Fn::Join': return (this.resolve(arg[1]) as unknown[]).join(arg[0]);
        case 'Fn::Split': return String(this.resolve(arg[1])).split(arg[0]);
        case 'Fn::Select': return (this.resolve(arg[1]) as unknown[])[Number(arg[0])];
        default: break;
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private attribute(id: string, attribute: string): any {
    const override = this.overrides[`${id}.${attribute}`];
    if (override !== undefined) return override;
    if (id === 'AWS::NoValue') return undefined;
    const resource = this.resources[id];
    if (!resource) throw new Error(`no resource ${id} in the template`);
    const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Ref': return id;
      case 'AWS::DynamoDB::Table.Arn': return arn('dynamodb', `table/${id}`);
      case 'AWS::MSK::ServerlessCluster.Arn':
      case 'AWS::MSK::ServerlessCluster.Ref':
      case 'AWS::MSK::Cluster.Arn':
      case 'AWS::MSK::Cluster.Ref': return arn('kafka', `cluster/${id}/0f1e2d3c-aaaa-bbbb-cccc-123456789abc-1`);
      case 'AWS::ECS::Cluster.Ref': return id;
      case 'AWS::ECS::Cluster.Arn': return arn('ecs', `cluster/${id}`);
      case 'AWS::ECS::Service.Ref': return arn('ecs', `service/${this.resolve(resource.Properties.Cluster).split('/').pop()}/${id}`);
      case 'AWS::ECS::Service.Name': return id;
      case 'AWS::ECS::TaskDefinition.Ref': return arn('ecs', `task-definition/${resource.Properties.Family ?? id}:1`);
      case 'AWS::IAM::Role.Ref': return id;
      case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${ACCOUNT}:role/${id}`;
      case 'AWS::Logs::LogGroup.Ref': return id;
      case 'AWS::Logs::LogGroup.Arn': return arn('logs', `log-group:${id}:*`);
      case 'AWS::SNS::Topic.Ref':
      case 'AWS::SNS::Topic.TopicArn': return arn('sns', id);
      case 'AWS::SecretsManager::Secret.Ref': return arn('secretsmanager', `secret:${id}-AbCdEf`);
      case 'AWS::KMS::Key.Arn': return arn('kms', `key/${id}`);
      case 'AWS::EC2::Subnet.Ref': return `subnet-${id}`;
      case 'AWS::EC2::SecurityGroup.GroupId': return `sg-${id}`;
      case 'AWS::Lambda::LayerVersion.Ref': return arn('lambda', `layer:${id}:1`);
      case 'AWS::Lambda::Function.Arn': return arn('lambda', `function:${id}`);
      case 'AWS::Lambda::Function.Ref': return id;
      default: throw new Error(`deployed value of ${key} (${id}) is not known to test/iam/deployed-values.ts`);
    }
  }
}
