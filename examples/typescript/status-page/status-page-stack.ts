// The example's stack: a StatusPage with three checks, proxy-header auth and an encrypted alerts topic.
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HealthCheck, PageAuth, StatusPage } from 'cdk-status-and-streams';
import { Construct } from 'constructs';

export class StatusPageStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Alerts are encrypted with a key of your own (alarms and other services can be granted it).
    const alertsKey = new kms.Key(this, 'StatusAlertsKey', { enableKeyRotation: true, description: 'Status page alerts topic' });
    const alerts = new sns.Topic(this, 'StatusAlerts', { enforceSSL: true, masterKey: alertsKey });

    const page = new StatusPage(this, 'Status', {
      title: 'Acme platform status',
      description: 'Live health of the services behind acme.example.com',
      checks: [
        HealthCheck.http('website', { url: 'https://www.example.com/', group: 'Public' }),
        HealthCheck.http('orders-api', {
          url: 'https://orders.example.com/health',
          displayName: 'Orders API',
          group: 'Public',
          bodyContains: 'ok',
          degradedAfter: Duration.seconds(2),
        }),
        HealthCheck.tcp('postgres', { host: 'db.example.com', port: 5432, displayName: 'Orders database', group: 'Internal' }),
      ],
      auth: PageAuth.proxyHeader({ headerName: 'x-status-page-auth' }),
      notificationTopic: alerts,
    });

    new CfnOutput(this, 'StatusPageUrl', { value: page.url });
    new CfnOutput(this, 'ProxyHeaderName', { value: page.authHeaderName ?? 'none' });
    new CfnOutput(this, 'ProxyHeaderSecretArn', { value: page.authSecret?.secretArn ?? 'none' });
  }
}
