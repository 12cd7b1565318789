/**
 * Stands in for CloudFormation when a test runs a synthesized Lambda locally: resolves the
 * intrinsic functions in a template value to plain strings. References become recognisable
 * placeholders (`<LogicalId>` for Ref, `<LogicalId>.<Attribute>` for GetAtt), so a test can
 * check that a handler called AWS with exactly the resources the template wired into it.
 */
const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestStack',
};

export function fakeDeploy(value: unknown): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fakeDeploy);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0] as [string, any];
    switch (fn) {
      case 'Ref': return PSEUDO[arg] ?? `<${arg}>`;
      case 'Fn::GetAtt': return `<${arg[0]}.${arg[1]}>`;
      case 'Fn::Join': return (fakeDeploy(arg[1]) as unknown[]).join(arg[0]);
      case 'Fn::Split': return String(fakeDeploy(arg[1])).split(arg[0]);
      case 'Fn::Select': return (fakeDeploy(arg[1]) as unknown[])[Number(arg[0])];
      case 'Fn::Base64': return Buffer.from(String(fakeDeploy(arg))).toString('base64');
      default: break;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, fakeDeploy(v)]));
}
