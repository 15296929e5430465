/**
 * Integration test (integ-runner + @aws-cdk/integ-tests-alpha).
 *
 * Deploys one global endpoint (primary us-east-1, secondary us-west-2) and asserts, with a
 * real `SESV2 GetMultiRegionEndpoint` call made from a Lambda in the same region, that it
 * is READY and that its EndpointId is the one the construct exposes.
 *
 * Offline (`npx projen integ`, part of `npm test`) only the committed snapshot in
 * `integ.multi-region-endpoint.ts.snapshot/` is compared with a fresh synth: nothing is
 * deployed and no AWS credentials are needed. Regenerate it with `npx projen integ:update`;
 * run it for real with an AWS account as described in CONTRIBUTING.md.
 *
 * Both stacks are pinned to us-east-1 but account-agnostic (the account stays
 * `AWS::AccountId`), so the snapshot is the same on every machine and for every account.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { MultiRegionEndpoint } from '../lib';

const PRIMARY_REGION = 'us-east-1';
const SECONDARY_REGION = 'us-west-2';

// No stack traces in the metadata: they hold this machine's absolute paths, and the
// snapshot must be the same on every machine (integ-runner's toolkit does not turn them off).
const app = new App({
  stackTraces: false,
  postCliContext: { 'aws:cdk:disable-creation-stack-traces': true },
  // The assertion stack imports the EndpointId (an Fn::ImportValue): keep CDK's current
  // producer-protecting behaviour, and say so, rather than warn on every synth.
  context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' },
});
const env = { region: PRIMARY_REGION };

const stack = new Stack(app, 'SesMultiRegionEndpointInteg', {
  env,
  description: 'cdk-ses-multi-region-endpoint integration test: one global endpoint',
});
const endpoint = new MultiRegionEndpoint(stack, 'Global', {
  secondaryRegion: SECONDARY_REGION,
  // No endpointName: the generated one (stack name, construct path, secondary region)
  // is exercised, and the endpoint is the stack's own (the ownership tag).
  tags: { purpose: 'integ-test' },
});
new CfnOutput(stack, 'EndpointId', { value: endpoint.endpointId });

// GetMultiRegionEndpoint only sees endpoints whose primary is the calling region, so the
// assertion's Lambda must run in the endpoint's region: a separate stack pinned to it.
// (Not the test stack itself: an assertion carries a `salt` of Date.now() so that it reruns
// on every deploy, and integ-runner leaves the assertion stack out of the snapshot check.)
const assertionStack = new Stack(app, 'SesMultiRegionEndpointIntegAssertions', { env });

const integ = new IntegTest(app, 'MultiRegionEndpointTest', {
  testCases: [stack],
  assertionStack,
  regions: [PRIMARY_REGION],
  // The bundled handler's asset hash is part of the snapshot: a handler change is a
  // snapshot change, reviewed like any other.
  diffAssets: true,
  // No update workflow: the snapshot then holds templates and manifests only, not copies
  // of the minified handler and assertion bundles (upgrades are covered by the emulator
  // lifecycle tests in test/lifecycle.test.ts).
  stackUpdateWorkflow: false,
});

integ.assertions
  .awsApiCall('SESV2', 'getMultiRegionEndpoint', { EndpointName: endpoint.endpointName })
  .expect(ExpectedResult.objectLike({
    EndpointName: endpoint.endpointName,
    EndpointId: endpoint.endpointId,
    Status: 'READY',
  }));

app.synth();
