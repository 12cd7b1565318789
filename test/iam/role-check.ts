/**
 * Checks recorded calls against the policies a synthesized template attaches to one role, with
 * the IAM policy simulator of @cloud-copilot/iam-simulate, in both directions:
 * - every call is allowed (zero denied calls);
 * - every action the role is granted is used by some call, or is listed with the reason it is
 *   granted anyway (used by AWS on the function's behalf: logs, VPC interfaces, event source).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { IamCall } from './aws-calls';
import { DeployedValues } from './deployed-values';

type Resources = Record<string, { Type: string; Properties?: any }>;

export interface RolePolicies {
  readonly role: string;
  /** Resolved policy documents (names are the template's logical ids). */
  readonly policies: Array<{ name: string; policy: any }>;
}

/** The identity policies a role has in the template: inline, AWS::IAM::Policy and managed ones. */
export function rolePolicies(resources: Resources, values: DeployedValues, role: string): RolePolicies {
  const refersToRole = (roles: any[] | undefined) => (roles ?? []).some((r) => r?.Ref === role);
  const attached = Object.entries(resources)
    .filter(([, r]) => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && refersToRole(r.Properties.Roles))
    .map(([id, r]) => ({ name: id, policy: values.resolve(r.Properties.PolicyDocument) }));
  const properties = resources[role].Properties ?? {};
  const inline = (properties.Policies ?? []).map((p: any) => ({ name: p.PolicyName, policy: values.resolve(p.PolicyDocument) }));
  if ((properties.ManagedPolicyArns ?? []).length > 0) {
    throw new Error(`${role} has AWS managed policies; the check only reads policies in the template`);
  }
  return { role, policies: [...attached, ...inline].map(({ name, policy }) => ({ name, policy: withoutNoValue(policy) })) };
}

/** `[arn, AWS::NoValue]` (a grant on a table without indexes) resolves to `[arn, undefined]`. */
function withoutNoValue(policy: any) {
  return {
    ...policy,
    Statement: policy.Statement.map((s: any) => ({
      ...s,
      Resource: Array.isArray(s.Resource) ? s.Resource.filter((r: any) => r !== undefined) : s.Resource,
    })),
  };
}

/** The calls the role's policies do not allow, each with the simulator's answer. */
export async function deniedCalls(role: RolePolicies, calls: IamCall[]): Promise<string[]> {
  const denied: string[] = [];
  for (const call of calls) {
    const result = await runSimulation({
      request: {
        principal: `arn:aws:iam::${call.resource.split(':')[4] || '123456789012'}:role/${role.role}`,
        action: call.action,
        resource: { resource: call.resource, accountId: '123456789012' },
        contextVariables: call.context,
      },
      identityPolicies: role.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: undefined,
      permissionBoundaryPolicies: undefined,
    }, {});
    if (result.resultType === 'error') throw new Error(`simulation of ${call.action} on ${call.resource} failed: ${JSON.stringify(result.errors)}`);
    if (result.overallResult !== 'Allowed') {
      denied.push(`${role.role}: ${call.action} on ${call.resource}${Object.keys(call.context).length ? ` ${JSON.stringify(call.context)}` : ''} is ${result.overallResult} (recorded ${call.origin})`);
    }
  }
  return denied;
}

/** Every action the role's policies grant (Allow statements). */
export function grantedActions(role: RolePolicies): string[] {
  return [...new Set(role.policies.flatMap(({ policy }) => policy.Statement
    .filter((s: any) => s.Effect === 'Allow')
    .flatMap((s: any) => [s.Action].flat())))].sort();
}

/**
 * Granted actions no call used and no reason explains, and reasons given for actions the role
 * is not granted or that calls did use (a stale reason hides the next unused grant).
 */
export function unexplainedGrants(role: RolePolicies, calls: IamCall[], reasons: Record<string, string>): string[] {
  const used = new Set(calls.map((c) => c.action));
  const granted = grantedActions(role);
  return [
    ...granted.filter((a) => !used.has(a) && !(a in reasons)).map((a) => `${role.role}: ${a} is granted but no recorded call uses it and no reason is listed`),
    ...Object.keys(reasons).filter((a) => !granted.includes(a)).map((a) => `${role.role}: a reason is listed for ${a}, which is not granted`),
    ...Object.keys(reasons).filter((a) => used.has(a)).map((a) => `${role.role}: a reason is listed for ${a}, which a recorded call uses`),
  ];
}
