import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Skips of the template scanners (checkov, cfn-lint) written as resource metadata, next to the
 * resource they concern, in the formats the scanners read. Like `nag.ts`, these MERGE with the
 * metadata already on the resource (cdk-nag acknowledgments, earlier skips) and never replace it.
 *
 * checkov reads `Metadata.checkov.skip[] = { id, comment }`.
 * cfn-lint reads `Metadata['cfn-lint'].config.ignore_checks[]`; it has no field for a reason, so
 * the reasons sit beside it in `Metadata['cfn-lint'].reasons[<rule>]` (cfn-lint ignores that key).
 */

/** The CloudFormation resource of `scope`: the scope itself or its default child. */
function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(`scanner skip: ${scope.node.path} is not a CloudFormation resource and has no default child that is one`);
}

function requireReason(id: string, reason: string): void {
  if (reason.trim().length < 40) {
    throw new Error(`scanner skip ${id}: the reason must say why (at least 40 characters); got '${reason}'`);
  }
}

/** Skips checkov check `id` (e.g. `CKV_AWS_158`) on the resource of `scope`, with the reason a reviewer reads. */
export function skipCheckov(scope: IConstruct, id: string, reason: string): void {
  requireReason(id, reason);
  const resource = cfnResourceOf(scope);
  const existing = resource.getMetadata('checkov') ?? {};
  const skips: Array<{ id: string; comment: string }> = (existing.skip ?? []).filter((s: { id: string }) => s.id !== id);
  resource.addMetadata('checkov', { ...existing, skip: [...skips, { id, comment: reason }] });
}

/** Skips cfn-lint rule `id` (e.g. `W3005`) on the resource of `scope`, with the reason a reviewer reads. */
export function skipCfnLint(scope: IConstruct, id: string, reason: string): void {
  requireReason(id, reason);
  const resource = cfnResourceOf(scope);
  const existing = resource.getMetadata('cfn-lint') ?? {};
  const config = existing.config ?? {};
  const ignored: string[] = (config.ignore_checks ?? []).filter((c: string) => c !== id);
  resource.addMetadata('cfn-lint', {
    ...existing,
    config: { ...config, ignore_checks: [...ignored, id] },
    reasons: { ...(existing.reasons ?? {}), [id]: reason },
  });
}
