import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { logGroupWithRetention } from '../private/log-group';
import { acknowledge } from '../private/nag';
import { skipCfnLint, skipCheckov } from '../private/scanner-skips';
import { describe, invalidProp, requireInteger } from '../private/validation';

/** How clients authenticate to brokers that the pipeline did not create. */
export enum KafkaClientAuth {
  /** MSK IAM access control (SASL/OAUTHBEARER with SigV4 tokens, over TLS, port 9098). */
  IAM = 'iam',
  /** SASL/SCRAM-SHA-512 with a username and password in Secrets Manager, over TLS. */
  SCRAM = 'scram',
  /** TLS to the brokers with no client authentication. */
  TLS = 'tls',
}

/** Options for `KafkaBus.serverless()`. */
export interface ServerlessKafkaBusOptions {
  /**
   * Where the cluster's network interfaces go.
   * @default - the pipeline's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** Options for `KafkaBus.provisioned()`. */
export interface ProvisionedKafkaBusOptions {
  /**
   * The Apache Kafka version, e.g. '3.6.0' or '3.8.x'. With 3.6 or later, topics are
   * `AWS::MSK::Topic` resources; earlier versions get them from the pipeline's topic provisioner.
   * @default '3.8.x'
   */
  readonly kafkaVersion?: string;

  /**
   * The broker instance type.
   * @default 'kafka.m7g.large'
   */
  readonly brokerInstanceType?: string;

  /**
   * How many brokers: a multiple of the number of subnets (availability zones) used.
   * @default - one per subnet
   */
  readonly brokerCount?: number;

  /**
   * EBS storage per broker in GiB, 1 to 16384.
   * @default 100
   */
  readonly volumeSizeGiB?: number;

  /**
   * The key that encrypts data at rest.
   * @default - an AWS owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Where the brokers go.
   * @default - the pipeline's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** Options for `KafkaBus.fromBootstrapBrokers()`. */
export interface BootstrapBrokersKafkaBusOptions {
  /** Comma-separated `host:port` list of the brokers, e.g. 'b-1.example:9096,b-2.example:9096'. */
  readonly bootstrapBrokers: string;

  /** How clients authenticate. */
  readonly auth: KafkaClientAuth;

  /**
   * For `KafkaClientAuth.SCRAM`: the secret holding `{"username": ..., "password": ...}`.
   * @default - required with SCRAM, not allowed otherwise
   */
  readonly scramSecret?: secretsmanager.ISecret;

  /**
   * The MSK cluster ARN. Required with `KafkaClientAuth.IAM` (IAM policies name the cluster,
   * its topics and groups); with it the Coordinator uses an MSK event source.
   * @default - a self-managed Kafka event source
   */
  readonly clusterArn?: string;

  /**
   * The brokers' security group: the pipeline opens it to its engines and Lambdas on the
   * brokers' port. With `clusterArn` (an MSK event source, whose network interfaces use the
   * cluster's security groups) the pipeline also lets it reach itself on that port and send
   * HTTPS anywhere (the Lambda and STS endpoints), as AWS Lambda's MSK network page asks.
   * @default - you allow the pipeline's security group (`pipeline.connections`) yourself, and
   * with `clusterArn` add those event source rules to the cluster's security group
   */
  readonly brokerSecurityGroup?: ec2.ISecurityGroup;
}

/** What a bus gives the pipeline once it exists in a VPC. */
export interface KafkaBusBinding {
  /** Comma-separated bootstrap brokers (may be a deploy-time token). */
  readonly bootstrapBrokers: string;
  /** How clients authenticate. */
  readonly auth: KafkaClientAuth;
  /** The brokers' TCP port. */
  readonly port: number;
  /**
   * The MSK cluster ARN, when the brokers are MSK.
   * @default - none: the brokers are not MSK
   */
  readonly clusterArn?: string;
  /**
   * The SCRAM secret, with `KafkaClientAuth.SCRAM`.
   * @default - none: only with KafkaClientAuth.SCRAM
   */
  readonly scramSecret?: secretsmanager.ISecret;
  /** True when topics can be `AWS::MSK::Topic` resources (provisioned MSK, Kafka 3.6 or later). */
  readonly supportsTopicResources: boolean;
  /**
   * The security group that guards the brokers, when known.
   * @default - unknown: the pipeline adds no ingress rule to the brokers
   */
  readonly brokerSecurityGroup?: ec2.ISecurityGroup;
}

/** Where the pipeline runs, as a bus needs to know it. */
export interface KafkaBusContext {
  /** The pipeline's VPC. */
  readonly vpc: ec2.IVpc;
  /** The pipeline's private subnets. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The security group of every engine task and pipeline Lambda. */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** How long the logs of what the bus creates (e.g. broker logs) are kept: the pipeline's `logRetention`. */
  readonly logRetention: logs.RetentionDays;
}

const PORTS: Record<KafkaClientAuth, number> = {
  [KafkaClientAuth.IAM]: 9098,
  [KafkaClientAuth.SCRAM]: 9096,
  [KafkaClientAuth.TLS]: 9094,
};

/**
 * The Kafka cluster that carries the pipeline's streams, objects and results.
 * Choose one with the static factories.
 */
export abstract class KafkaBus {
  /**
   * MSK Serverless with IAM access control: no brokers to size, billed per use. The default.
   * @param options where the cluster's network interfaces go
   */
  public static serverless(options: ServerlessKafkaBusOptions = {}): KafkaBus {
    return new ServerlessBus(options);
  }

  /**
   * MSK provisioned brokers (IAM access control, TLS in transit, encryption at rest).
   * @param options Kafka version, broker type and count, storage, encryption key
   */
  public static provisioned(options: ProvisionedKafkaBusOptions = {}): KafkaBus {
    const where = 'KafkaBus.provisioned()';
    if (options.kafkaVersion !== undefined && !/^\d+\.\d+\.(\d+|x)(\.tiered)?$/.test(options.kafkaVersion)) {
      invalidProp(where, 'kafkaVersion', `must be an MSK Kafka version such as '3.6.0' or '3.8.x'; got ${describe(options.kafkaVersion)}`);
    }
    if (options.brokerInstanceType !== undefined && !/^kafka\.[a-z0-9]+\.[a-z0-9]+$/.test(options.brokerInstanceType)) {
      invalidProp(where, 'brokerInstanceType', `must be an MSK broker type such as 'kafka.m7g.large'; got ${describe(options.brokerInstanceType)}`);
    }
    requireInteger(where, 'brokerCount', options.brokerCount, 1, 30);
    requireInteger(where, 'volumeSizeGiB', options.volumeSizeGiB, 1, 16384);
    return new ProvisionedBus(options);
  }

  /** Kafka brokers that already exist (MSK or self-managed). */
  public static fromBootstrapBrokers(options: BootstrapBrokersKafkaBusOptions): KafkaBus {
    const where = 'KafkaBus.fromBootstrapBrokers()';
    if (!Token.isUnresolved(options.bootstrapBrokers)) {
      const brokers = options.bootstrapBrokers.split(',').map((b) => b.trim());
      const bad = brokers.find((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b));
      if (brokers.length === 0 || bad !== undefined) {
        invalidProp(where, 'bootstrapBrokers', `must be a comma-separated list of host:port; got ${describe(options.bootstrapBrokers)}`);
      }
    }
    if (options.auth === KafkaClientAuth.SCRAM && !options.scramSecret) {
      invalidProp(where, 'scramSecret', 'is required with KafkaClientAuth.SCRAM: a secret holding {"username", "password"}');
    }
    if (options.auth !== KafkaClientAuth.SCRAM && options.scramSecret) {
      invalidProp(where, 'scramSecret', `applies only to KafkaClientAuth.SCRAM; got auth ${options.auth}`);
    }
    if (options.auth === KafkaClientAuth.IAM && !options.clusterArn) {
      invalidProp(where, 'clusterArn', 'is required with KafkaClientAuth.IAM: IAM policies name the cluster, its topics and groups');
    }
    if (options.clusterArn && !Token.isUnresolved(options.clusterArn) && !/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/.test(options.clusterArn)) {
      invalidProp(where, 'clusterArn', `must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>); got ${describe(options.clusterArn)}`);
    }
    return new ExistingBus(options);
  }

  /**
   * Creates what the bus needs in the pipeline's VPC and says how to reach it. Called by the
   * pipeline; public so that other languages can implement a bus of their own.
   */
  public abstract bind(scope: Construct, context: KafkaBusContext): KafkaBusBinding;
}

class ServerlessBus extends KafkaBus {
  constructor(private readonly options: ServerlessKafkaBusOptions) {
    super();
  }

  public bind(scope: Construct, context: KafkaBusContext): KafkaBusBinding {
    const securityGroup = brokerSecurityGroup(scope, context, 'MSK Serverless cluster of the stream engine pipeline');
    const cluster = new msk.CfnServerlessCluster(scope, 'ServerlessCluster', {
      clusterName: clusterName(scope),
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{
        subnetIds: context.vpc.selectSubnets(this.options.vpcSubnets ?? context.vpcSubnets).subnetIds,
        securityGroups: [securityGroup.securityGroupId],
      }],
    });
    return {
      bootstrapBrokers: bootstrapBrokers(scope, cluster.attrArn, 'BootstrapBrokerStringSaslIam'),
      auth: KafkaClientAuth.IAM,
      port: PORTS[KafkaClientAuth.IAM],
      clusterArn: cluster.attrArn,
      supportsTopicResources: false,
      brokerSecurityGroup: securityGroup,
    };
  }
}

class ProvisionedBus extends KafkaBus {
  constructor(private readonly options: ProvisionedKafkaBusOptions) {
    super();
  }

  public bind(scope: Construct, context: KafkaBusContext): KafkaBusBinding {
    const where = 'KafkaBus.provisioned()';
    const securityGroup = brokerSecurityGroup(scope, context, 'MSK brokers of the stream engine pipeline');
    const subnetIds = context.vpc.selectSubnets(this.options.vpcSubnets ?? context.vpcSubnets).subnetIds;
    const brokerCount = this.options.brokerCount ?? subnetIds.length;
    if (!Token.isUnresolved(subnetIds) && brokerCount % subnetIds.length !== 0) {
      invalidProp(where, 'brokerCount', `must be a multiple of the ${subnetIds.length} subnets used; got ${brokerCount}`);
    }
    const kafkaVersion = this.options.kafkaVersion ?? '3.8.x';
    const brokerLogs = logGroupWithRetention(scope, 'BrokerLogs', context.logRetention);
    const cluster = new msk.CfnCluster(scope, 'Cluster', {
      clusterName: clusterName(scope),
      kafkaVersion,
      numberOfBrokerNodes: brokerCount,
      brokerNodeGroupInfo: {
        instanceType: this.options.brokerInstanceType ?? 'kafka.m7g.large',
        clientSubnets: subnetIds,
        securityGroups: [securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: this.options.volumeSizeGiB ?? 100 } },
      },
      clientAuthentication: { sasl: { iam: { enabled: true } }, unauthenticated: { enabled: false } },
      encryptionInfo: {
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
        ...(this.options.encryptionKey ? { encryptionAtRest: { dataVolumeKmsKeyId: this.options.encryptionKey.keyArn } } : {}),
      },
      enhancedMonitoring: 'PER_TOPIC_PER_PARTITION',
      loggingInfo: {
        brokerLogs: {
          cloudWatchLogs: {
            enabled: true,
            logGroup: brokerLogs.logGroupName,
          },
        },
      },
    });
    return {
      bootstrapBrokers: bootstrapBrokers(scope, cluster.attrArn, 'BootstrapBrokerStringSaslIam'),
      auth: KafkaClientAuth.IAM,
      port: PORTS[KafkaClientAuth.IAM],
      clusterArn: cluster.attrArn,
      supportsTopicResources: versionAtLeast(kafkaVersion, 3, 6),
      brokerSecurityGroup: securityGroup,
    };
  }
}

class ExistingBus extends KafkaBus {
  constructor(private readonly options: BootstrapBrokersKafkaBusOptions) {
    super();
  }

  public bind(_scope: Construct, context: KafkaBusContext): KafkaBusBinding {
    const port = portOf(this.options.bootstrapBrokers) ?? PORTS[this.options.auth];
    this.options.brokerSecurityGroup?.addIngressRule(context.clientSecurityGroup, ec2.Port.tcp(port), 'Kafka clients of the stream engine pipeline');
    return {
      bootstrapBrokers: this.options.bootstrapBrokers,
      auth: this.options.auth,
      port,
      clusterArn: this.options.clusterArn,
      scramSecret: this.options.scramSecret,
      supportsTopicResources: false,
      brokerSecurityGroup: this.options.brokerSecurityGroup,
    };
  }
}

/** A group that admits the pipeline's clients on the MSK ports and nothing else. */
function brokerSecurityGroup(scope: Construct, context: KafkaBusContext, description: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'BrokerSecurityGroup', {
    vpc: context.vpc,
    description,
    allowAllOutbound: false,
  });
  group.addIngressRule(context.clientSecurityGroup, ec2.Port.tcp(PORTS[KafkaClientAuth.IAM]), 'Kafka clients of the pipeline (IAM over TLS)');
  return group;
}

/** MSK cluster names: 1 to 64 letters, digits and hyphens, unique per account and region. */
function clusterName(scope: Construct): string {
  const stack = Stack.of(scope);
  const base = `${stack.stackName}-${scope.node.id}`.replace(/[^A-Za-z0-9-]/g, '-');
  return `${base.slice(0, 53)}-${scope.node.addr.slice(0, 10)}`;
}

/** MSK has no CloudFormation attribute for bootstrap brokers: ask the Kafka API at deploy time. */
function bootstrapBrokers(scope: Construct, clusterArn: string, field: string): string {
  const lookup = new cr.AwsCustomResource(scope, 'BootstrapBrokers', {
    onUpdate: {
      service: 'Kafka',
      action: 'getBootstrapBrokers',
      parameters: { ClusterArn: clusterArn },
      physicalResourceId: cr.PhysicalResourceId.of(clusterArn),
      outputPaths: [field],
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
      actions: ['kafka:GetBootstrapBrokers'],
      resources: [clusterArn],
    })]),
    installLatestAwsSdk: false,
  });
  acknowledgeLookupProvider(lookup);
  return lookup.getResponseField(field);
}

/**
 * The Lambda behind AwsCustomResource is aws-cdk-lib's (one per stack, shared by every
 * AwsCustomResource in it); its findings are acknowledged on it. It is found through public API
 * only: it is the function whose role is the lookup's grant principal.
 */
function acknowledgeLookupProvider(lookup: cr.AwsCustomResource): void {
  const provider = Stack.of(lookup).node.findAll()
    .find((c): c is lambda.Function => c instanceof lambda.Function && c.role !== undefined && c.role === lookup.grantPrincipal);
  if (provider) {
    acknowledge(provider, [
      { id: 'AwsSolutions-IAM4', reason: 'CDK\'s AwsCustomResource provider Lambda uses AWSLambdaBasicExecutionRole for its own logs only; its API permission is scoped to kafka:GetBootstrapBrokers on this cluster.' },
      { id: 'AwsSolutions-L1', reason: 'The AwsCustomResource provider Lambda and its runtime are managed by aws-cdk-lib, not by this library; it runs only during deployments.' },
    ]);
    const cdkOwned = 'CDK\'s AwsCustomResource provider Lambda is created and configured by aws-cdk-lib, not by this library; it runs only during deployments,';
    skipCfnLint(provider, 'W3005', `${cdkOwned} and aws-cdk-lib makes it depend on its role, which it also references.`);
    skipCheckov(provider, 'CKV_AWS_116', `${cdkOwned} invoked synchronously by CloudFormation: failures fail the deployment, nothing to dead-letter.`);
    skipCheckov(provider, 'CKV_AWS_115', `${cdkOwned} one custom resource event at a time; reserved concurrency could fail deployment in small accounts.`);
    skipCheckov(provider, 'CKV_AWS_117', `${cdkOwned} and only calls kafka:GetBootstrapBrokers through the public MSK API endpoint.`);
  }
}

function portOf(brokers: string): number | undefined {
  if (Token.isUnresolved(brokers)) return undefined;
  const port = Number(brokers.split(',')[0].trim().split(':')[1]);
  return Number.isInteger(port) ? port : undefined;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split('.').map((p) => Number(p));
  return a > major || (a === major && b >= minor);
}
