/**
 * The whole CloudFormation lifecycle of the BUNDLED handler (the file that ships in the
 * package), through the real SES v2 SDK client, against the local SESv2 emulator.
 * Every scenario asserts what exists in the emulator afterwards, not only the status.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SesEmulator } from './emulator/ses-emulator';
import { CREATE_FAILED_PHYSICAL_ID_MARKER, CustomResourceRequest, invokeProvider, ProviderHandlers } from './support/provider-framework';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const REGION = 'us-east-1';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const OWNER = `${STACK_ID}/Global`;

let emulator: SesEmulator;
let handler: ProviderHandlers;
let logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`The bundled handler ${BUNDLE} is missing: run 'npx projen bundle' (npm test does it first).`);
  }
  emulator = await SesEmulator.start();
  // Turns of 20 ms instead of 2 s: the same schedule on a faster clock.
  Object.assign(process.env, emulator.clientEnv(REGION), { SES_CALL_PERIOD_MS: '20' });
  // The bundle builds its SES client at import, so the environment must be set first
  // (a dynamic import() is not available under module node16 in jest).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require(BUNDLE);
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(() => {
  emulator.reset();
  emulator.options = { provisioningDelayMs: 120, deletionDelayMs: 80, notFoundAfterCreateMs: 40 };
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => {
    logLines.push(JSON.parse(line));
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  // CloudFormation hands every scalar over as a string.
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent',
    EndpointName: 'orders-mail',
    Details: { RouteDetails: [{ Region: 'us-west-2' }] },
    Tags: [{ Key: 'team', Value: 'mail' }],
    TimeoutSeconds: '60',
    ...overrides,
  };
}

function request(type: CustomResourceRequest['RequestType'], extra: Partial<CustomResourceRequest> = {}): CustomResourceRequest {
  return { RequestType: type, StackId: STACK_ID, LogicalResourceId: 'Global', ResourceProperties: properties(), ...extra };
}

const operations = () => emulator.calls.map((c) => c.operation);
const state = () => emulator.endpoints(REGION).map((e) => ({ name: e.endpointName, status: e.status, routes: e.routes, tags: e.tags }));

test('create -> tag update -> rename -> delete', async () => {
  const created = await invokeProvider(handler, request('Create'));
  expect(created.Reason).toBeUndefined();
  expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-mail' });
  const endpoint = emulator.endpoint(REGION, 'orders-mail')!;
  expect(created.Data).toEqual({
    EndpointId: endpoint.endpointId,
    EndpointName: 'orders-mail',
    Arn: 'arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/orders-mail',
    Status: 'READY',
    PrimaryRegion: 'us-east-1',
    SecondaryRegion: 'us-west-2',
    // Both regions' account state, read before the Create (the emulator's default: production).
    ...Object.fromEntries(['Primary', 'Secondary'].flatMap((r) => [
      [`${r}ProductionAccessEnabled`, 'true'], [`${r}SendingEnabled`, 'true'], [`${r}Max24HourSend`, '50000'], [`${r}MaxSendRate`, '14'],
    ])),
  });
  expect(created.polls).toBeGreaterThan(1); // it really waited for CREATING -> READY
  expect(state()).toEqual([{ name: 'orders-mail', status: 'READY', routes: ['us-west-2'], tags: { team: 'mail', [OWNER_TAG_KEY]: OWNER } }]);

  // Tags only: in place, same endpoint (same id), same physical id.
  const retagged = await invokeProvider(handler, request('Update', {
    PhysicalResourceId: 'orders-mail',
    ResourceProperties: properties({ Tags: [{ Key: 'team', Value: 'email' }, { Key: 'env', Value: 'prod' }] }),
    OldResourceProperties: properties(),
  }));
  expect(retagged).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-mail', Data: { EndpointId: endpoint.endpointId } });
  expect(state()).toEqual([{ name: 'orders-mail', status: 'READY', routes: ['us-west-2'], tags: { team: 'email', env: 'prod', [OWNER_TAG_KEY]: OWNER } }]);
  expect(operations()).not.toContain('DeleteMultiRegionEndpoint');

  // Rename: a new endpoint and a new physical id; CloudFormation then deletes the old one.
  const renamed = await invokeProvider(handler, request('Update', {
    PhysicalResourceId: 'orders-mail',
    ResourceProperties: properties({ EndpointName: 'orders-mail-v2' }),
    OldResourceProperties: properties({ Tags: [{ Key: 'team', Value: 'email' }, { Key: 'env', Value: 'prod' }] }),
  }));
  expect(renamed).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-mail-v2' });
  expect(renamed.Data.EndpointId).not.toEqual(endpoint.endpointId);
  expect(state().map((e) => e.name).sort()).toEqual(['orders-mail', 'orders-mail-v2']);
  const cleanup = await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'orders-mail', ResourceProperties: properties() }));
  expect(cleanup.Status).toBe('SUCCESS');
  expect(state()).toEqual([{ name: 'orders-mail-v2', status: 'READY', routes: ['us-west-2'], tags: { team: 'mail', [OWNER_TAG_KEY]: OWNER } }]);

  // Stack deletion: gone, and the handler waited until Get said NotFound.
  const deleted = await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'orders-mail-v2', ResourceProperties: properties({ EndpointName: 'orders-mail-v2' }) }));
  expect(deleted.Status).toBe('SUCCESS');
  expect(state()).toEqual([]);
  expect(emulator.calls.filter((c) => c.operation === 'GetMultiRegionEndpoint' && c.errorType === 'NotFoundException').length).toBeGreaterThan(0);

  // One JSON log line per SES call, naming operation, endpoint and outcome.
  // (Plus one line per production-limits check, which is no SES call.)
  const callLines = logLines.filter((l) => l.operation !== 'CheckProductionLimits');
  expect(callLines).toHaveLength(emulator.calls.length);
  expect(callLines[0]).toEqual({ operation: 'GetAccount', endpointName: 'orders-mail', region: 'us-east-1', outcome: 'ok' });
  expect(callLines.map((l) => l.operation)).toEqual(operations());
  expect(logLines.filter((l) => l.operation === 'CheckProductionLimits')).toHaveLength(3); // the create, the tag update, the rename
});

test('FAILED provisioning fails the deploy, and the rollback delete removes the endpoint', async () => {
  emulator.options.failNames = ['doomed'];
  const created = await invokeProvider(handler, request('Create', { ResourceProperties: properties({ EndpointName: 'doomed' }) }));
  expect(created.Status).toBe('FAILED');
  expect(created.Reason).toContain("SES multi-region endpoint 'doomed' in us-east-1 has status FAILED");
  expect(created.PhysicalResourceId).toBe('doomed');
  expect(state()).toMatchObject([{ name: 'doomed', status: 'FAILED' }]);

  const rollback = await invokeProvider(handler, request('Delete', { PhysicalResourceId: created.PhysicalResourceId, ResourceProperties: properties({ EndpointName: 'doomed' }) }));
  expect(rollback.Status).toBe('SUCCESS');
  expect(state()).toEqual([]);
});

test('deleting an endpoint that does not exist succeeds without a delete call', async () => {
  const deleted = await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'never-created' }));
  expect(deleted.Status).toBe('SUCCESS');
  expect(operations()).not.toContain('DeleteMultiRegionEndpoint');
  expect(state()).toEqual([]);
});

test('a foreign endpoint with the same name is left untouched by the create and the rollback', async () => {
  emulator.seed({ region: REGION, endpointName: 'orders-mail', routes: ['eu-west-1'], tags: { owner: 'another-team' } });
  const before = state();

  const created = await invokeProvider(handler, request('Create'));
  expect(created.Status).toBe('FAILED');
  expect(created.Reason).toBe("An SES multi-region endpoint named 'orders-mail' already exists in us-east-1 and was not created by this stack: choose another endpointName or import it. It was left untouched.");
  expect(created.PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID_MARKER);

  // CloudFormation's rollback Delete (ignored by the framework), and a Delete that names it anyway.
  expect((await invokeProvider(handler, request('Delete', { PhysicalResourceId: created.PhysicalResourceId }))).Status).toBe('SUCCESS');
  expect((await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'orders-mail' }))).Status).toBe('SUCCESS');

  expect(state()).toEqual(before);
  expect(operations().filter((op) => op !== 'CreateMultiRegionEndpoint' && /^(Delete|Tag|Untag)/.test(op))).toEqual([]);
});

test('a retried Create of the same request adopts the endpoint it already made', async () => {
  expect((await invokeProvider(handler, request('Create'))).Status).toBe('SUCCESS');
  const retried = await invokeProvider(handler, request('Create'));
  expect(retried).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-mail' });
  expect(emulator.endpoints(REGION)).toHaveLength(1);
});

test('delete while still CREATING is retried until SES accepts it', async () => {
  emulator.options.provisioningDelayMs = 400;
  // A Create that was sent but never became READY (CloudFormation only deletes a custom
  // resource after its Create finished, so SES has long made the endpoint visible by then).
  await handler.onEvent({ ...request('Create'), RequestId: 'r1', ResourceType: 'Custom::SESMultiRegionEndpoint' });
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(emulator.endpoint(REGION, 'orders-mail')!.status).toBe('CREATING');
  const deleted = await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'orders-mail' }));
  expect(deleted.Status).toBe('SUCCESS');
  expect(emulator.calls.some((c) => c.errorType === 'ConcurrentModificationException')).toBe(true);
  expect(state()).toEqual([]);
});

test('a secondary-region change under the same explicit name fails without any SES write, and its rollback succeeds', async () => {
  expect((await invokeProvider(handler, request('Create'))).Status).toBe('SUCCESS');
  const callsBefore = emulator.calls.length;
  const changed = await invokeProvider(handler, request('Update', {
    PhysicalResourceId: 'orders-mail',
    ResourceProperties: properties({ Details: { RouteDetails: [{ Region: 'eu-west-1' }] } }),
    OldResourceProperties: properties(),
  }));
  expect(changed.Status).toBe('FAILED');
  expect(changed.Reason).toContain('Change endpointName too');
  expect(emulator.calls.slice(callsBefore).map((c) => c.operation)).toEqual(['GetMultiRegionEndpoint', 'ListTagsForResource']);
  // CloudFormation's rollback: back to the old properties, the failed ones as "old".
  const rollback = await invokeProvider(handler, request('Update', {
    PhysicalResourceId: 'orders-mail',
    ResourceProperties: properties(),
    OldResourceProperties: properties({ Details: { RouteDetails: [{ Region: 'eu-west-1' }] } }),
  }));
  expect(rollback.Status).toBe('SUCCESS');
  expect(state()).toMatchObject([{ name: 'orders-mail', routes: ['us-west-2'] }]);
});

test('a token value that turns out invalid is refused by the handler before any SES call', async () => {
  const created = await invokeProvider(handler, request('Create', { ResourceProperties: properties({ EndpointName: 'not valid!' }) }));
  expect(created.Status).toBe('FAILED');
  expect(created.Reason).toContain("`EndpointName` must match ^[\\w-]+$ and be 1-64 characters, got: 'not valid!'");
  expect(emulator.calls).toEqual([]);
});

test('an endpoint stuck in CREATING fails after the timeout, and the rollback removes it', async () => {
  emulator.options.stuckNames = ['stuck'];
  const created = await invokeProvider(handler, request('Create', { ResourceProperties: properties({ EndpointName: 'stuck', TimeoutSeconds: '5' }) }), { intervalMs: 250 });
  expect(created.Status).toBe('FAILED');
  expect(created.Reason).toBe("Timed out after 5 seconds waiting for SES multi-region endpoint 'stuck' in us-east-1 to become READY; last status: CREATING. Raise `timeout` or check the endpoint in the SES console.");
  expect(created.PhysicalResourceId).toBe('stuck');
  // The rollback Delete meets ConcurrentModification while CREATING: the handler keeps asking.
  emulator.options.stuckNames = [];
  emulator.endpoint(REGION, 'stuck')!.status = 'READY';
  const rollback = await invokeProvider(handler, request('Delete', { PhysicalResourceId: 'stuck', ResourceProperties: properties({ EndpointName: 'stuck' }) }));
  expect(rollback.Status).toBe('SUCCESS');
  expect(state()).toEqual([]);
}, 20_000);

test('throttling is retried in the resource\'s later turns, never taken for an existing endpoint, and the deployment succeeds', async () => {
  emulator.failNext('CreateMultiRegionEndpoint', 'TooManyRequestsException', { times: 2 });
  emulator.failNext('GetMultiRegionEndpoint', 'TooManyRequestsException', { times: 1 });
  const created = await invokeProvider(handler, request('Create'));
  expect(created.Status).toBe('SUCCESS');
  expect(emulator.calls.filter((c) => c.errorType === 'TooManyRequestsException')).toHaveLength(3);
  // Each attempt is its own call in its own turn, logged with its outcome; the SDK retried nothing.
  expect(logLines.filter((l) => l.operation === 'CreateMultiRegionEndpoint').map((l) => l.outcome)).toEqual(['TooManyRequestsException', 'TooManyRequestsException', 'ok']);
  expect(operations().filter((op) => op === 'ListTagsForResource')).toEqual([]); // no AlreadyExists, nothing adopted
  const creates = emulator.calls.filter((c) => c.operation === 'CreateMultiRegionEndpoint').map((c) => c.at!);
  expect(creates[1] - creates[0]).toBeGreaterThanOrEqual(15); // a later turn (20 ms periods here)
  expect(state()).toMatchObject([{ name: 'orders-mail', status: 'READY' }]);
});

describe('when SES throttles onEvent for its whole invocation, isComplete takes over (throttling never fails a resource before its timeout)', () => {
  // onEvent has 0.3 s of turns before its Lambda must end; isComplete has plenty.
  const shortOnEvent = (event: Record<string, unknown>) => (handler as any).onEvent(event, { getRemainingTimeInMillis: () => 60_300 });
  const untilComplete = async (event: Record<string, unknown>) => {
    for (let i = 0; i < 100; i++) {
      const result = await (handler as any).isComplete(JSON.parse(JSON.stringify(event)), { getRemainingTimeInMillis: () => 900_000 });
      if (result.IsComplete) return result;
    }
    throw new Error('never complete');
  };

  test('Create: handed over, then created by isComplete, owned and READY', async () => {
    emulator.failNext('CreateMultiRegionEndpoint', 'TooManyRequestsException', { times: 1000 });
    const event = { ...request('Create'), RequestId: 'r1', ResourceType: 'Custom::SESMultiRegionEndpoint' };
    const before = Date.now();
    const handedOver = await shortOnEvent(event);
    expect(handedOver).toMatchObject({ PhysicalResourceId: 'orders-mail', Pending: true });
    // The deadline counts from onEvent's start (TimeoutSeconds 60), as ServiceTimeout counts
    // from CloudFormation's request: the time onEvent spent being throttled is not added.
    expect(Date.now() - before).toBeGreaterThanOrEqual(150);
    expect(handedOver.WaitDeadline - (before + 60_000)).toBeLessThan(100);
    expect(emulator.calls.filter((c) => c.operation === 'CreateMultiRegionEndpoint').length).toBeGreaterThan(1);
    expect(emulator.endpoints(REGION)).toEqual([]);
    expect(logLines.some((l) => l.outcome === 'out of turns in onEvent, handed over to isComplete')).toBe(true);

    emulator.clearInjections(); // SES lets calls through again
    const done = await untilComplete({ ...event, ...handedOver });
    expect(done.Data).toMatchObject({ EndpointName: 'orders-mail', Status: 'READY', EndpointId: emulator.endpoint(REGION, 'orders-mail')!.endpointId });
    expect(state()).toEqual([{ name: 'orders-mail', status: 'READY', routes: ['us-west-2'], tags: { team: 'mail', [OWNER_TAG_KEY]: OWNER } }]);
  });

  test('past the deadline, isComplete stops retrying a throttled call after 60 periods and fails with what SES said', async () => {
    emulator.failNext('GetMultiRegionEndpoint', 'TooManyRequestsException', { times: 100_000 });
    emulator.seed({ region: REGION, endpointName: 'orders-mail', routes: ['us-west-2'], tags: { [OWNER_TAG_KEY]: OWNER } });
    const event = { ...request('Create'), RequestId: 'r3', ResourceType: 'Custom::SESMultiRegionEndpoint', PhysicalResourceId: 'orders-mail', CreatedAt: 0 };
    const started = Date.now();
    // The resource's deadline has just passed; this Lambda could go on retrying for 14 minutes.
    await expect((handler as any).isComplete({ ...event, WaitDeadline: started - 1 }, { getRemainingTimeInMillis: () => 900_000 }))
      .rejects.toThrow(/^SES kept failing GetMultiRegionEndpoint \(TooManyRequestsException: [^)]*\) for \d+ attempts/);
    // 60 periods of 20 ms, plus the last backoff: about 1.2 s, not the Lambda's 14 minutes.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('Delete: handed over, then deleted by isComplete, only after the ownership check', async () => {
    expect((await invokeProvider(handler, request('Create'))).Status).toBe('SUCCESS');
    emulator.failNext('ListTagsForResource', 'TooManyRequestsException', { times: 1000 });
    const event = { ...request('Delete', { PhysicalResourceId: 'orders-mail' }), RequestId: 'r2', ResourceType: 'Custom::SESMultiRegionEndpoint' };
    const handedOver = await shortOnEvent(event);
    expect(handedOver).toMatchObject({ PhysicalResourceId: 'orders-mail', Pending: true });
    expect(operations()).not.toContain('DeleteMultiRegionEndpoint');

    emulator.clearInjections();
    await untilComplete({ ...event, ...handedOver });
    expect(state()).toEqual([]);
    // The first ListTagsForResource SES answered is isComplete's ownership check; the Delete follows it.
    const resumed = emulator.calls.slice(emulator.calls.findIndex((c) => c.operation === 'ListTagsForResource' && !c.errorType));
    expect(resumed.map((c) => c.operation).slice(0, 2)).toEqual(['ListTagsForResource', 'DeleteMultiRegionEndpoint']);
  });
});

test("the account's endpoint quota gives a message that says so", async () => {
  emulator.options.maxEndpointsPerRegion = 0;
  const created = await invokeProvider(handler, request('Create'));
  expect(created.Status).toBe('FAILED');
  expect(created.Reason).toContain("the account's quota of multi-region endpoints is reached");
  expect(operations()).toEqual(['GetAccount', 'GetAccount', 'CreateMultiRegionEndpoint']); // a quota is not a throttle: no retries
  expect(state()).toEqual([]);
});
