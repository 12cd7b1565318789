import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HealthCheck, HttpCheckMethod, MaintenanceWindow, PageAuth, PageTemplate, StatusPage, StatusPageProps } from '../../src';

const ok = HealthCheck.http('ok', { url: 'https://ok.example.com/' });

function page(props: Partial<StatusPageProps>, setup?: (stack: Stack) => Partial<StatusPageProps>) {
  const stack = new Stack(new App(), 'S');
  return () => new StatusPage(stack, 'Status', { checks: [ok], ...props, ...(setup ? setup(stack) : {}) });
}

// Each case: the bad input, then a pattern the message must contain: the prop and what is accepted.
const cases: Array<[string, () => unknown, RegExp]> = [
  ['empty check list', page({ checks: [] }), /StatusPage 'Status': checks must hold at least one HealthCheck/],
  ['too many checks', page({ checks: Array.from({ length: 1001 }, (_, i) => HealthCheck.tcp(`c${i}`, { host: 'h', port: 1, timeout: Duration.seconds(1) })) }), /checks must hold at most 1000 checks; got 1001/],
  ['duplicate names', page({ checks: [ok, HealthCheck.tcp('ok', { host: 'db', port: 5432 })] }), /checks must have unique names; "ok" appears more than once/],
  ['interval below a minute', page({ checkInterval: Duration.seconds(30) }), /checkInterval must be from 1 minute\(s\) to 60 minute\(s\); got 30 seconds/],
  ['interval not whole minutes', page({ checkInterval: Duration.seconds(90) }), /checkInterval must be a whole number of minutes; got 1 minute 30 seconds/],
  ['interval over an hour', page({ checkInterval: Duration.hours(2) }), /checkInterval must be from 1 minute\(s\) to 60 minute\(s\)/],
  ['timeout longer than the interval', page({ checks: [HealthCheck.http('slow', { url: 'https://x.example.com', timeout: Duration.minutes(2) })] }), /checks\['slow'\].timeout must be shorter than checkInterval \(1 minute\); got 2 minutes/],
  ['failureThreshold 0', page({ failureThreshold: 0 }), /failureThreshold must be a whole number from 1 to 10; got 0/],
  ['successThreshold 1.5', page({ successThreshold: 1.5 }), /successThreshold must be a whole number from 1 to 10; got 1.5/],
  ['probeConcurrency 0', page({ probeConcurrency: 0 }), /probeConcurrency must be a whole number from 1 to 256; got 0/],
  ['probeConcurrency too low for the checks', page({ probeConcurrency: 1, checks: Array.from({ length: 10 }, (_, i) => HealthCheck.tcp(`c${i}`, { host: 'h', port: 1, timeout: Duration.seconds(10) })) }), /probeConcurrency is too low: 10 checks at 1 at a time/],
  ['checks too slow for the default concurrency', page({ checks: Array.from({ length: 1000 }, (_, i) => HealthCheck.tcp(`c${i}`, { host: 'h', port: 1, timeout: Duration.seconds(20) })) }),
    /checks take too long to probe: 1000 checks at 256 at a time \(the most the checker runs at once is 256\) with timeouts up to 20000 ms could take 80000 ms, longer than the checker may run \(55 seconds\); lower the checks' timeouts or lengthen checkInterval/],
  ['degradedThreshold 0', page({ degradedThreshold: 0 }), /degradedThreshold must be a whole number from 1 to 10; got 0/],
  ['renamedFrom its own name', () => HealthCheck.tcp('db', { host: 'db', port: 1, renamedFrom: 'db' }), /HealthCheck.tcp\('db'\): renamedFrom must differ from the check's own name; got "db"/],
  ['renamedFrom not a name', () => HealthCheck.tcp('db', { host: 'db', port: 1, renamedFrom: 'old db' }), /renamedFrom must be a check name \(1 to 64 letters, digits, '.', '_' or '-'\); got "old db"/],
  ['renamedFrom a check of the page', page({ checks: [ok, HealthCheck.tcp('db', { host: 'db', port: 1, renamedFrom: 'ok' })] }),
    /checks\['db'\].renamedFrom must not be the name of another check of the page; "ok" is one/],
  ['two checks renamed from one', page({ checks: [HealthCheck.tcp('a', { host: 'db', port: 1, renamedFrom: 'old' }), HealthCheck.tcp('b', { host: 'db', port: 1, renamedFrom: 'old' })] }),
    /checks\['b'\].renamedFrom must not name the same old check as checks\['a'\]; got "old" twice/],
  ['maintenance end before start', () => MaintenanceWindow.of('w', { message: 'm', start: '2026-03-10T22:00:00Z', end: '2026-03-10T21:00:00Z' }),
    /MaintenanceWindow.of\('w'\): end must be after start \("2026-03-10T22:00:00Z"\); got "2026-03-10T21:00:00Z"/],
  ['maintenance time without an offset', () => MaintenanceWindow.of('w', { message: 'm', start: '2026-03-10T22:00:00', end: '2026-03-10T23:00:00Z' }),
    /start must be an ISO 8601 time with a UTC offset, e.g. '2026-03-10T22:00:00Z'; got "2026-03-10T22:00:00"/],
  ['maintenance on a day the month lacks', () => MaintenanceWindow.of('w', { message: 'm', start: '2026-02-30T22:00:00Z', end: '2026-03-10T23:00:00Z' }), /start must be an ISO 8601 time/],
  ['maintenance of an unknown check', page({ maintenance: [MaintenanceWindow.of('w', { message: 'm', start: '2026-03-10T22:00:00Z', end: '2026-03-10T23:00:00Z', checks: ['nope'] })] }),
    /maintenance\['w'\].checks must name checks of the page; "nope" is not one/],
  ['two maintenance windows with one id', page({ maintenance: [1, 2].map(() => MaintenanceWindow.of('w', { message: 'm', start: '2026-03-10T22:00:00Z', end: '2026-03-10T23:00:00Z' })) }),
    /maintenance must have unique ids; "w" appears more than once/],
  ['staleAfterIntervals 1', page({ staleAfterIntervals: 1 }), /staleAfterIntervals must be a whole number from 2 to 100; got 1/],
  ['empty title', page({ title: '  ' }), /title must be a non-empty string of at most 200 characters/],
  ['removalPolicy with an existing table', page({ removalPolicy: RemovalPolicy.DESTROY }, (s) => ({ table: dynamodb.Table.fromTableName(s, 'T', 'x') })), /removalPolicy applies only to the table this construct creates/],
  ['a table in this app with other keys', page({}, (s) => ({ table: new dynamodb.Table(s, 'T', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }) })),
    /StatusPage 'Status': table must have a string partition key 'pk' and a string sort key 'sk' \(the keys the handlers read and write\); got partition key 'id' \(S\) and no sort key/],
  ['a table in this app with a numeric sort key', page({}, (s) => ({
    table: new dynamodb.Table(s, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'sk', type: dynamodb.AttributeType.NUMBER } }),
  })), /table must have a string partition key 'pk' and a string sort key 'sk' .*; got partition key 'pk' \(S\) and sort key 'sk' \(N\)/],
  ['a TableV2 in this app with other keys', page({}, (s) => ({ table: new dynamodb.TableV2(s, 'T', { partitionKey: { name: 'sk', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }) })),
    /table must have a string partition key 'pk' and a string sort key 'sk' .*; got partition key 'sk' \(S\) and sort key 'pk' \(S\)\. Create the table with those keys, or omit table/],
  ['vpcSubnets without vpc', page({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }), /vpcSubnets needs vpc/],
  ['throttlingRateLimit 0', page({ throttlingRateLimit: 0 }), /throttlingRateLimit must be a whole number from 1 to 10000; got 0/],
  ['check name with a space', () => HealthCheck.http('orders api', { url: 'https://x.example.com' }), /HealthCheck.http\('orders api'\): name must be 1 to 64 characters of letters, digits/],
  ['check name too long', () => HealthCheck.tcp('a'.repeat(65), { host: 'h', port: 1 }), /name must be 1 to 64 characters/],
  ['url not a URL', () => HealthCheck.http('x', { url: 'not a url' }), /url must be an absolute http:\/\/ or https:\/\/ URL; got "not a url"/],
  ['url with another scheme', () => HealthCheck.http('x', { url: 'ftp://files.example.com' }), /url must use http:\/\/ or https:\/\/; got "ftp:\/\/files.example.com"/],
  ['url with credentials', () => HealthCheck.http('x', { url: 'https://user:pw@x.example.com' }), /url must not contain credentials/],
  ['empty expected codes', () => HealthCheck.http('x', { url: 'https://x.example.com', expectedStatusCodes: [] }), /expectedStatusCodes must list at least one status code \(100 to 599\)/],
  ['status code 700', () => HealthCheck.http('x', { url: 'https://x.example.com', expectedStatusCodes: [200, 700] }), /expectedStatusCodes\[1\] must be a whole number from 100 to 599; got 700/],
  ['bodyContains with HEAD', () => HealthCheck.http('x', { url: 'https://x.example.com', method: HttpCheckMethod.HEAD, bodyContains: 'ok' }), /bodyContains needs method HttpCheckMethod.GET/],
  ['timeout of 0', () => HealthCheck.http('x', { url: 'https://x.example.com', timeout: Duration.millis(0) }), /timeout must be from 100 ms to 5 minute\(s\); got 0 millis/],
  ['degradedAfter not below timeout', () => HealthCheck.http('x', { url: 'https://x.example.com', timeout: Duration.seconds(2), degradedAfter: Duration.seconds(3) }), /degradedAfter must be shorter than timeout \(2 seconds\); got 3 seconds/],
  ['certificate warning under a day', () => HealthCheck.http('x', { url: 'https://x.example.com', certificateExpiryWarning: Duration.hours(1) }), /certificateExpiryWarning must be from 1 day\(s\) to 365 day\(s\)/],
  ['header name with a space', () => HealthCheck.http('x', { url: 'https://x.example.com', headers: { 'bad name': 'v' } }), /headers\["bad name"\] must be a valid HTTP header name/],
  ['header value with a line break', () => HealthCheck.http('x', { url: 'https://x.example.com', headers: { 'x-a': 'v\r\nx-b: y' } }), /headers\["x-a"\] must not contain line breaks/],
  ['CA that is not PEM', () => HealthCheck.http('x', { url: 'https://x.example.com', trustedCaCertificatesPem: 'abc' }), /trustedCaCertificatesPem must hold PEM certificates/],
  ['port 0', () => HealthCheck.tcp('db', { host: 'db.internal', port: 0 }), /HealthCheck.tcp\('db'\): port must be a whole number from 1 to 65535; got 0/],
  ['port 70000', () => HealthCheck.tcp('db', { host: 'db.internal', port: 70000 }), /port must be a whole number from 1 to 65535; got 70000/],
  ['host with a slash', () => HealthCheck.tcp('db', { host: 'db.internal/x', port: 5432 }), /host must be a DNS name or an IP address; got "db.internal\/x"/],
  ['empty display name', () => HealthCheck.tcp('db', { host: 'db', port: 1, displayName: '' }), /displayName must be a non-empty string/],
  ['auth header with a space', () => PageAuth.proxyHeader({ headerName: 'x status' }), /PageAuth.proxyHeader\(\): headerName must be an HTTP header name/],
  ['auth header that API Gateway owns', () => PageAuth.proxyHeader({ headerName: 'Host' }), /headerName must not be a header that HTTP or API Gateway manages/],
  ['empty template', () => PageTemplate.fromString(''), /PageTemplate.fromString\(\): template must not be empty/],
  ['template with unescaped tags', () => PageTemplate.fromString('<p>{{{message}}}</p>'), /must not use unescaped mustache tags/],
  ['template file missing', () => PageTemplate.fromFile('/nonexistent/page.mustache'), /PageTemplate.fromFile\(\): path must name a readable file; got "\/nonexistent\/page.mustache"/],
];

describe('bad props fail at synth with a message naming the prop and what is accepted', () => {
  test.each(cases)('%s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('a good configuration does not throw', () => {
    expect(page({ checkInterval: Duration.minutes(2), failureThreshold: 3 })).not.toThrow();
  });
});
