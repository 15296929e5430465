/**
 * cdk-nag (v3, AwsSolutions pack) on the example app's own stack (example/stack.ts: a
 * domain identity, its DEED replica, the endpoint, a sending Lambda), plus a
 * `MultiRegionEndpoint.fromEndpointName` lookup in the same stack.
 *
 * cdk-nag 3 is a CDK validation plugin: it reports through the validation report (a failed
 * `app.synth()` for errors), not through annotations, so this test checks three ways:
 * `pack.validateScope()` (errors AND warnings), a real `app.synth()` with the plugin
 * registered as a consumer would (`Validations.of(app).addPlugins(...)`), and the
 * annotations (`Annotations.fromStack`), which must hold no AwsSolutions message either.
 *
 * Whatever the library cannot fix in its own resources it acknowledges itself, on its own
 * providers only, each with a concrete reason (lib/private/nag.ts and the providers).
 */
import { App, PolicyViolation, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GlobalMailStack } from '../example/stack';
import { MultiRegionEndpoint, ReplicaEmailIdentity } from '../lib';

const ACKNOWLEDGED_RULES = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
/** The library's own stack-singleton providers: the only place acknowledgments may sit. */
const PROVIDER_IDS = ['cdk-ses-multi-region-endpoint.Provider'];

/** The example app's stack (example/app.ts), plus an imported endpoint looked up by name. */
function exampleStack(props?: StackProps): { app: App; stack: Stack } {
  const app = new App();
  const stack = new GlobalMailStack(app, 'GlobalMailExample', props);
  MultiRegionEndpoint.fromEndpointName(stack, 'Existing', 'billing-mail');
  return { app, stack };
}

function describeViolations(violations: PolicyViolation[]): string {
  return violations
    .map((v) => `${v.severity} ${v.ruleName}\n    ${v.violatingResources.map((r) => r.constructPath).join('\n    ')}`)
    .join('\n');
}

/** Every `Validations.of(x).acknowledge()` in the tree: the construct path and the acknowledged ids with their reasons. */
function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((c) => c.node.metadata
    .filter((entry) => entry.type === ACKNOWLEDGED_RULES)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))));
}

describe.each([
  ['environment-agnostic (like example/app.ts)', undefined],
  ['in a fixed account and region', { env: { account: '123456789012', region: 'us-east-1' } }],
])('AwsSolutions checks, stack %s', (_name, props) => {
  test('find no unacknowledged errors or warnings', () => {
    const { app } = exampleStack(props);
    const report = new AwsSolutionsChecks().validateScope(app);
    // Both severities: cdk-nag 3 reports warnings as violations too.
    expect(describeViolations(report.violations)).toBe('');
    expect(report.success).toBe(true);
  });

  test('let the app synthesize with the plugin registered, leaving no AwsSolutions annotation', () => {
    const { app, stack } = exampleStack(props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // cdk-nag 3 turns error findings into a failed synthesis ("ValidationFailed").
    expect(() => app.synth()).not.toThrow();
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  test('acknowledge only on the library\'s own provider and replica policies, each with a concrete reason', () => {
    const { app, stack } = exampleStack(props);
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    // A replica's own policy (on the provider's role) is the library's too.
    const replicaPolicy = (path: string) => {
      const found = app.node.findAll().find((c) => c.node.path === path);
      return found instanceof iam.Policy && found.node.scope instanceof ReplicaEmailIdentity;
    };
    for (const ack of acks) {
      // The library's stack-level constructs (the provider, the email templates' region policies) share the prefix.
      const libraryConstruct = ack.path.startsWith(`${stack.node.path}/cdk-ses-multi-region-endpoint.`);
      expect(PROVIDER_IDS.some((id) => ack.path.startsWith(`${stack.node.path}/${id}/`)) || libraryConstruct || replicaPolicy(ack.path)).toBe(true);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  });
});

test('the checks still bite: an unacknowledged finding in the same stack fails', () => {
  // Guards against a vacuous pass (e.g. a pack that checks nothing, or acks on the stack).
  const { app, stack } = exampleStack();
  new lambda.Function(stack, 'UserFunction', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  const report = new AwsSolutionsChecks().validateScope(app);
  expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining([
    'AwsSolutions-L1',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  ]));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).toThrow(/AwsSolutions-L1/);
});
