import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag finding that a construct accepts on purpose, with the reason a reviewer reads. */
export interface Acknowledgment {
  readonly id: string;
  readonly reason: string;
  /** Limits the acknowledgment to these findings (cdk-nag `appliesTo`), e.g. one wildcard resource. */
  readonly appliesTo?: Array<string | { regex: string }>;
}

/**
 * Records acknowledgments on every CloudFormation resource at or below `scope`, in the metadata
 * format cdk-nag v2 reads (`cdk_nag.rules_to_suppress`). Writing the metadata directly keeps
 * cdk-nag out of this library's dependencies. An acknowledgment already on a resource is not repeated.
 */
export function acknowledge(scope: IConstruct, acknowledgments: Acknowledgment[]): void {
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    const existing: object[] = node.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    const known = new Set(existing.map((rule) => JSON.stringify(rule)));
    const added = acknowledgments
      .map((a) => ({ id: a.id, reason: a.reason, ...(a.appliesTo ? { applies_to: a.appliesTo } : {}) }))
      .filter((rule) => !known.has(JSON.stringify(rule)));
    node.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
  }
}
