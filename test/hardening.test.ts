/**
 * Hardening: CloudFormation lifecycles of synthesized stacks, played by the driver with
 * the bundled handler staged in the cloud assembly, against the SESv2 emulator with
 * faults injected. Every scenario asserts what exists in the emulator at the end:
 * nothing orphaned, nothing foreign touched.
 */
import { App, CfnOutput, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MultiRegionEndpoint, MultiRegionEndpointProps } from '../lib';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const REGION = 'us-east-1';
const STACK = 'MailStack';
let emulator: SesEmulator;

beforeAll(async () => {
  emulator = await SesEmulator.start();
});
afterAll(async () => emulator?.stop());
beforeEach(() => {
  emulator.reset();
  emulator.options = { provisioningDelayMs: 60, deletionDelayMs: 40, notFoundAfterCreateMs: 20 };
  // Handler logs go to the Lambda's log group; keep the test output readable.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

function synth(endpoints: Record<string, Partial<MultiRegionEndpointProps>>, tweak?: (stack: Stack) => void): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: REGION, account: '123456789012' } });
  for (const [id, props] of Object.entries(endpoints)) {
    new MultiRegionEndpoint(stack, id, { secondaryRegion: 'us-west-2', ...props });
  }
  tweak?.(stack);
  return app.synth();
}

/** The emulator, and the handler's in-invocation polling at test speed (production: 1 s). */
const lambdaEnv = () => ({ ...emulator.clientEnv(REGION), SES_CALL_PERIOD_MS: '25' });

function driver(): CloudFormationDriver {
  return new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: lambdaEnv() });
}

const endpoints = () => emulator.endpoints(REGION)
  .map((e) => ({ name: e.endpointName, status: e.status, routes: e.routes, tags: e.tags }))
  .sort((a, b) => a.name.localeCompare(b.name));
const sesWrites = () => emulator.calls.filter((c) => /^(CreateMultiRegionEndpoint|DeleteMultiRegionEndpoint|TagResource|UntagResource)$/.test(c.operation));
const logicalIdOf = (assembly: CloudAssembly, construct: string) => Object.entries<any>(assembly.getStackArtifact(STACK).template.Resources)
  .find(([id, r]) => r.Type === MultiRegionEndpoint.RESOURCE_TYPE && new RegExp(`^${construct}[0-9A-F]{8}$`).test(id))![0];

test('30% throttling across create -> tag update -> rename -> delete', async () => {
  emulator.options.throttleRate = 0.3;
  emulator.reseed(7);
  const cfn = driver();
  expect(await cfn.deploy(synth({ Global: { endpointName: 'orders', tags: { team: 'mail' } } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(await cfn.deploy(synth({ Global: { endpointName: 'orders', tags: { team: 'email' } } }))).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expect(endpoints()).toMatchObject([{ name: 'orders', status: 'READY', tags: { team: 'email' } }]);
  expect(await cfn.deploy(synth({ Global: { endpointName: 'orders-v2', tags: { team: 'email' } } }))).toMatchObject({ status: 'UPDATE_COMPLETE' });
  expect(endpoints()).toMatchObject([{ name: 'orders-v2', status: 'READY', routes: ['us-west-2'] }]);
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(endpoints()).toEqual([]);
  // The faults really happened, and were absorbed by the SDK's retries or the next poll.
  expect(emulator.faultCounts().TooManyRequestsException).toBeGreaterThan(5);
}, 60_000);

test('20 endpoints in one stack, created and destroyed concurrently with 20% throttling', async () => {
  emulator.options.throttleRate = 0.2;
  emulator.reseed(11);
  const ids = Array.from({ length: 20 }, (_, i) => `Endpoint${i}`);
  const cfn = driver();
  const assembly = synth(Object.fromEntries(ids.map((id) => [id, {}])));
  expect(await cfn.deploy(assembly)).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(endpoints()).toHaveLength(20);
  expect(endpoints().every((e) => e.status === 'READY')).toBe(true);
  const ids20 = new Set(ids.map((id) => cfn.resource(logicalIdOf(assembly, id))!.data.EndpointId));
  expect(ids20.size).toBe(20);
  // They really overlapped: creates were in flight at the same time.
  const creates = cfn.requests.filter((r) => r.requestType === 'Create');
  const overlapping = creates.filter((a) => creates.some((b) => a !== b && a.startedAt < b.endedAt && b.startedAt < a.endedAt));
  expect(overlapping.length).toBeGreaterThan(10);
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(endpoints()).toEqual([]);
}, 90_000);

test('server errors and dropped connections on 15% of calls are retried: create -> delete succeeds', async () => {
  emulator.options.serverErrorRate = 0.1;
  emulator.options.dropConnectionRate = 0.05;
  emulator.reseed(3);
  const cfn = driver();
  expect(await cfn.deploy(synth({ A: { endpointName: 'orders-a' }, B: { endpointName: 'orders-b' } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(endpoints().map((e) => [e.name, e.status])).toEqual([['orders-a', 'READY'], ['orders-b', 'READY']]);
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(endpoints()).toEqual([]);
  const faults = emulator.faultCounts();
  expect(faults.InternalFailure + faults.DroppedConnection).toBeGreaterThan(0);
}, 60_000);

test('the same Create delivered twice (the first succeeded at SES) makes one endpoint', async () => {
  const cfn = new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: lambdaEnv(), deliverTwice: (_, type) => type === 'Create' });
  expect(await cfn.deploy(synth({ Global: { endpointName: 'orders' } }))).toMatchObject({ status: 'CREATE_COMPLETE' });
  expect(emulator.calls.filter((c) => c.operation === 'CreateMultiRegionEndpoint').map((c) => c.errorType)).toEqual([undefined, 'AlreadyExistsException']);
  expect(endpoints()).toHaveLength(1);
});

test('an endpoint still CREATING past its timeout fails the deploy; the rollback waits out CREATING and deletes it', async () => {
  emulator.options.provisioningDelayMs = 6_500;
  const cfn = new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: lambdaEnv(), queryIntervalMs: 200 });
  const result = await cfn.deploy(synth({ Global: { endpointName: 'slow', timeout: Duration.seconds(5) } }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toBe("Timed out after 5 seconds waiting for SES multi-region endpoint 'slow' in us-east-1 to become READY; last status: CREATING. Raise `timeout` or check the endpoint in the SES console.");
  // The rollback's Delete met "still CREATING" and kept asking until SES accepted it.
  expect(emulator.calls.some((c) => c.operation === 'DeleteMultiRegionEndpoint' && c.errorType === 'ConcurrentModificationException')).toBe(true);
  expect(endpoints()).toEqual([]);
}, 30_000);

test('the Provider totalTimeout is enforced too', async () => {
  emulator.options.stuckNames = ['stuck'];
  // Short polling windows, so that three isComplete invocations run out quickly.
  const cfn = new CloudFormationDriver({ stackName: STACK, region: REGION, lambdaEnv: { ...lambdaEnv(), POLL_WINDOW_MS: '100' }, maxAttempts: 3 });
  const result = await cfn.deploy(synth({ Global: { endpointName: 'stuck' } }));
  expect(result).toMatchObject({ status: 'ROLLBACK_FAILED', reason: 'Operation timed out' });
});

test('deleting an endpoint that was removed out of band succeeds', async () => {
  const cfn = driver();
  await cfn.deploy(synth({ Global: { endpointName: 'orders' } }));
  emulator.reset(); // gone behind CloudFormation's back
  expect(await cfn.destroy()).toMatchObject({ status: 'DELETE_COMPLETE' });
  expect(sesWrites()).toEqual([]);
});

test('FAILED provisioning fails the deploy and the rollback leaves zero endpoints', async () => {
  emulator.options.failNames = ['orders'];
  const result = await driver().deploy(synth({ Global: { endpointName: 'orders' } }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toContain("SES multi-region endpoint 'orders' in us-east-1 has status FAILED");
  expect(endpoints()).toEqual([]);
});

describe('foreign endpoints', () => {
  const foreign = () => emulator.seed({ region: REGION, endpointName: 'orders', routes: ['eu-west-1'], tags: { owner: 'billing-team' } });
  const foreignState = { name: 'orders', status: 'READY', routes: ['eu-west-1'], tags: { owner: 'billing-team' } };
  const message = "An SES multi-region endpoint named 'orders' already exists in us-east-1 and was not created by this stack: choose another endpointName or import it. It was left untouched.";

  test('a create onto a foreign name fails clearly; after the rollback the foreign endpoint is intact', async () => {
    foreign();
    const result = await driver().deploy(synth({ Global: { endpointName: 'orders' } }));
    expect(result).toMatchObject({ status: 'ROLLBACK_COMPLETE', reason: message });
    expect(endpoints()).toEqual([foreignState]);
    expect(sesWrites().filter((c) => c.errorType === undefined)).toEqual([]);
  });

  test('a rename onto a foreign name rolls back to the old endpoint, which keeps working', async () => {
    const cfn = driver();
    const v1 = synth({ Global: { endpointName: 'orders-v1', tags: { team: 'mail' } } });
    await cfn.deploy(v1);
    const logicalId = logicalIdOf(v1, 'Global');
    const before = cfn.resource(logicalId)!;
    foreign();
    const result = await cfn.deploy(synth({ Global: { endpointName: 'orders', tags: { team: 'mail' } } }));
    expect(result).toMatchObject({ status: 'UPDATE_ROLLBACK_COMPLETE', reason: message });
    expect(cfn.resource(logicalId)).toEqual(before);
    expect(endpoints()).toEqual([
      foreignState,
      { name: 'orders-v1', status: 'READY', routes: ['us-west-2'], tags: { team: 'mail', [OWNER_TAG_KEY]: expect.stringContaining(`:stack/${STACK}/`) } },
    ]);
    // ... and it still takes updates.
    expect(await cfn.deploy(synth({ Global: { endpointName: 'orders-v1', tags: { team: 'email' } } }))).toMatchObject({ status: 'UPDATE_COMPLETE' });
    expect(emulator.endpoint(REGION, 'orders-v1')!.tags.team).toBe('email');
  });

  test('a failure elsewhere after a rename rolls back to the old endpoint and removes the new one', async () => {
    const cfn = driver();
    await cfn.deploy(synth({ Global: { endpointName: 'orders-v1' } }));
    foreign();
    // The rename succeeds, then a second endpoint fails on the foreign name: rollback.
    const result = await cfn.deploy(synth({ Global: { endpointName: 'orders-v2' }, Second: { endpointName: 'orders' } }));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(endpoints().map((e) => e.name)).toEqual(['orders', 'orders-v1']);
    expect(emulator.endpoint(REGION, 'orders')!.tags).toEqual({ owner: 'billing-team' });
  });
});

test('a secondary-region change under an explicit name fails, and the update rolls back cleanly', async () => {
  const cfn = driver();
  await cfn.deploy(synth({ Global: { endpointName: 'orders' } }));
  const result = await cfn.deploy(synth({ Global: { endpointName: 'orders', secondaryRegion: 'eu-west-1' } }));
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.reason).toContain("Cannot change the secondary region of SES multi-region endpoint 'orders' from us-west-2 to eu-west-1 in place");
  expect(endpoints()).toMatchObject([{ name: 'orders', status: 'READY', routes: ['us-west-2'] }]);
});

test.each([
  ['a missing name', (r: CfnResource) => r.addPropertyDeletionOverride('EndpointName'), '`EndpointName` must match'],
  ['empty routes', (r: CfnResource) => r.addPropertyOverride('Details.RouteDetails', []), '`Details.RouteDetails` must hold exactly one route'],
  ['two routes', (r: CfnResource) => r.addPropertyOverride('Details.RouteDetails', [{ Region: 'us-west-2' }, { Region: 'eu-west-1' }]), '`Details.RouteDetails` must hold exactly one route'],
  ['non-string tags', (r: CfnResource) => r.addPropertyOverride('Tags', [{ Key: 'k', Value: { nested: true } }]), "`Tags` value of 'k' must be 0-256 characters"],
  ['an unknown property', (r: CfnResource) => r.addPropertyOverride('Colour', 'blue'), "unknown property 'Colour'"],
])('malformed properties (%s) fail clearly before any SES write', async (_, override, message) => {
  const result = await driver().deploy(synth({ Global: { endpointName: 'orders' } }, (stack) => {
    override(stack.node.findChild('Global').node.findChild('Resource').node.defaultChild as CfnResource);
  }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toContain(message);
  expect(sesWrites()).toEqual([]);
  expect(endpoints()).toEqual([]);
});

test('the account quota fails with a message that says so', async () => {
  emulator.options.maxEndpointsPerRegion = 1;
  emulator.seed({ region: REGION, endpointName: 'existing', routes: ['eu-west-1'] });
  const result = await driver().deploy(synth({ Global: { endpointName: 'orders' } }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toContain("the account's quota of multi-region endpoints is reached");
  expect(endpoints().map((e) => e.name)).toEqual(['existing']);
});

test('stack outputs resolve the EndpointId attribute', async () => {
  const cfn = driver();
  const result = await cfn.deploy(synth({ Global: { endpointName: 'orders' } }, (stack) => {
    const endpoint = stack.node.findChild('Global') as MultiRegionEndpoint;
    new CfnOutput(stack, 'EndpointId', { value: endpoint.endpointId });
  }));
  expect(result.outputs.EndpointId).toBe(emulator.endpoint(REGION, 'orders')!.endpointId);
});
