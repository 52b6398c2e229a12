import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAfterviewApp } from '../../infra/afterview-app';
import type { AfterviewStack } from '../../infra/afterview-stack';
import { reviewedFindings } from '../../infra/nag-suppressions';

interface Acknowledgement {
  id: string;
  reason: string;
}

// cdk-nag 3 is a CDK policy-validation plugin: findings no longer arrive as annotations but in
// the plugin's report, which `validateScope` returns directly (synthesis fails on any of them).
function findings(stack: AfterviewStack) {
  const report = new cdkNag.AwsSolutionsChecks(stack, { verbose: true }).validateScope(stack);
  return report.violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity,
    paths: violation.violatingResources.map((resource) => resource.constructPath),
  }));
}

/** Acknowledgements as CDK records them: metadata entries of `{ "<kind>::<rule id>": reason }`. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({ id: key.replace(/^[A-Za-z]+::/, ''), reason })),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  const variants = {
    'dev, environment-agnostic': createAfterviewApp({ code: 'placeholder' }).stack,
    'prod, bound to an account, with a web ACL': createAfterviewApp({
      code: 'placeholder',
      env: { account: '123456789012', region: 'us-east-1' },
      context: {
        stage: 'prod',
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/afterview/abc',
      },
    }).stack,
  };

  it.each(Object.entries(variants))(
    'leaves no unacknowledged error or warning (%s)',
    (_, stack) => {
      expect(findings(stack)).toEqual([]);
    },
  );

  it('acknowledges every finding with a written reason', () => {
    const recorded = acknowledgements(variants['dev, environment-agnostic']);
    expect(recorded.length).toBeGreaterThan(0);
    for (const acknowledgement of recorded) {
      expect(acknowledgement.id).toMatch(/^AwsSolutions-/);
      expect(acknowledgement.reason.length, acknowledgement.id).toBeGreaterThan(60);
    }
  });

  describe('without the acknowledgements', () => {
    let unacknowledged: ReturnType<typeof findings>;
    let reviewed: ReturnType<typeof reviewedFindings>;

    beforeAll(() => {
      const { stack } = createAfterviewApp({
        code: 'placeholder',
        acknowledgeReviewedFindings: false,
      });
      unacknowledged = findings(stack);
      reviewed = reviewedFindings(stack);
    });

    it('reports exactly the reviewed findings, so no acknowledgement is stale', () => {
      expect(unacknowledged.map((finding) => finding.rule).sort()).toEqual(
        reviewed.map((finding) => finding.id).sort(),
      );
    });

    it('finds the scheduler wildcard only on the three function roles', () => {
      const wildcard = unacknowledged.find((finding) =>
        finding.rule.startsWith('AwsSolutions-IAM5'),
      );
      expect(wildcard?.paths.sort()).toEqual([
        'Afterview-dev/ApiFunction/Role/DefaultPolicy/Resource',
        'Afterview-dev/DispatchFunction/Role/DefaultPolicy/Resource',
        'Afterview-dev/ReconcileFunction/Role/DefaultPolicy/Resource',
      ]);
    });
  });
});
