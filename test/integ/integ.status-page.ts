// Integration test of StatusPage on a real account (integ-runner; README "Integration tests").
// CI only checks that this app still synthesizes to the committed snapshot
// (scripts/integ/verify-snapshots.sh); a maintainer deploys it with credentials:
//   1. invoke the checker once: it probes the check and stores the result;
//   2. GET the page with the proxy header carrying the secret: 200, and the check is listed;
//   3. GET the page without the header: 403.
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HealthCheck, PageAuth, StatusPage } from '../../src';

const CHECK_NAME = 'integ-aws-website';

const app = new App();
const stack = new Stack(app, 'IntegStatusPage');
const page = new StatusPage(stack, 'Status', {
  title: 'Integration test status',
  checks: [HealthCheck.http(CHECK_NAME, { url: 'https://aws.amazon.com/' })],
  auth: PageAuth.proxyHeader(),
  // A test stack: its table goes with it.
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'StatusPageInteg', { testCases: [stack] });

const checkerRun = integ.assertions.invokeFunction({ functionName: page.checkerFunction.functionName });
checkerRun.expect(ExpectedResult.objectLike({ StatusCode: 200 }));

// The header's value is the generated secret: read at deploy time, never written into the template.
const secret = integ.assertions.awsApiCall('SecretsManager', 'getSecretValue', { SecretId: page.authSecret!.secretArn }, ['SecretString']);
const withHeader = integ.assertions.httpApiCall(page.url, {
  headers: { [page.authHeaderName!]: secret.getAttString('SecretString') },
});
withHeader.expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp(CHECK_NAME) }));

const withoutHeader = integ.assertions.httpApiCall(page.url);
withoutHeader.expect(ExpectedResult.objectLike({ status: 403 }));

checkerRun.next(secret).next(withHeader).next(withoutHeader);
