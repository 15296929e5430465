/**
 * Unit tests of every handler branch, with the SES client mocked. The same handler,
 * bundled, runs against the local emulator in lifecycle.test.ts.
 */
import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateMultiRegionEndpointCommand,
  DeleteMultiRegionEndpointCommand,
  GetAccountCommand,
  GetMultiRegionEndpointCommand,
  GetMultiRegionEndpointCommandOutput,
  LimitExceededException,
  ListTagsForResourceCommand,
  NotFoundException,
  SESv2Client,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { EndpointEvent, HandlerContext, isComplete, NOT_FOUND_GRACE_MS, onEvent } from '../lambda/multi-region-endpoint/handler';
import { Pacer } from '../lambda/shared/pacer';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const OWNER = `${STACK_ID}/Global`;
const ARN = 'arn:aws:ses:us-east-1:123456789012:multi-region-endpoint/orders-mail';
const T0 = 1_700_000_000_000;

const ses = mockClient(SESv2Client);
let clock = T0;
let logs: Array<Record<string, unknown>> = [];
const ctx: HandlerContext = {
  ses: new SESv2Client({ region: 'us-east-1' }),
  now: () => clock,
  log: (e) => logs.push(e),
  sleep: async (ms) => { clock += ms; },
};

const props = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:fw',
  EndpointName: 'orders-mail',
  Details: { RouteDetails: [{ Region: 'us-west-2' }] },
  Tags: [{ Key: 'team', Value: 'mail' }],
  TimeoutSeconds: '60',
  ...overrides,
});

function event(requestType: EndpointEvent['RequestType'], extra: Partial<EndpointEvent> = {}): EndpointEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'Global', RequestId: 'req-1', ResourceProperties: props(), ...extra };
}

const exception = <T>(Ctor: new (args: any) => T, message = 'x') => new Ctor({ message, $metadata: {} });
type Endpoint = Partial<GetMultiRegionEndpointCommandOutput>;
const ready = (overrides: Endpoint = {}): Endpoint => ({ EndpointName: 'orders-mail', EndpointId: 'abcdef12.g3h', Status: 'READY', Routes: [{ Region: 'us-west-2' }], ...overrides });
const writes = () => [CreateMultiRegionEndpointCommand, DeleteMultiRegionEndpointCommand, TagResourceCommand, UntagResourceCommand]
  .reduce((n, command) => n + ses.commandCalls(command as any).length, 0);

/** An account out of the sandbox, as GetAccount answers in both regions unless a test says otherwise. */
const PRODUCTION = { ProductionAccessEnabled: true, SendingEnabled: true, SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 } };
/** The attributes both regions' PRODUCTION state gives. */
const ACCOUNT_STATE = Object.fromEntries(['Primary', 'Secondary'].flatMap((region) => [
  [`${region}ProductionAccessEnabled`, 'true'], [`${region}SendingEnabled`, 'true'], [`${region}Max24HourSend`, '50000'], [`${region}MaxSendRate`, '14'],
]));

beforeEach(() => {
  ses.reset();
  ses.on(GetAccountCommand).resolves(PRODUCTION);
  clock = T0;
  logs = [];
});

describe('Create', () => {
  test('creates the endpoint with one route and the tags plus the ownership tag', async () => {
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.g3h' });
    const result = await onEvent(event('Create'), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'orders-mail', CreatedAt: T0, WaitDeadline: T0 + 60_000, AccountState: ACCOUNT_STATE });
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand)[0].args[0].input).toEqual({
      EndpointName: 'orders-mail',
      Details: { RoutesDetails: [{ Region: 'us-west-2' }] },
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }],
    });
    // Both regions' account state is read before the endpoint is created.
    expect(logs).toEqual([
      { operation: 'GetAccount', endpointName: 'orders-mail', region: 'us-east-1', outcome: 'ok' },
      { operation: 'GetAccount', endpointName: 'orders-mail', region: 'us-west-2', outcome: 'ok' },
      { operation: 'CheckProductionLimits', endpointName: 'orders-mail', outcome: 'ok', discrepancies: [] },
      { operation: 'CreateMultiRegionEndpoint', endpointName: 'orders-mail', outcome: 'ok' },
    ]);
  });

  test('an endpoint of the same name that this resource did not create is left untouched', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1/Global' }] });
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "An SES multi-region endpoint named 'orders-mail' already exists in us-east-1 and was not created by this stack: choose another endpointName or import it.");
    expect(ses.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN });
    expect(writes()).toBe(1); // the refused Create only
  });

  test('an untagged endpoint of the same name is foreign too', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('was not created by this stack');
  });

  test('a retried Create of an endpoint this resource already made adopts it', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(onEvent(event('Create'), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'orders-mail' });
    expect(writes()).toBe(1); // tags already right: nothing more to write
  });

  test('right after its Create, an endpoint that SES cannot find yet is looked up again', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand)
      .rejectsOnce(exception(NotFoundException))
      .rejectsOnce(exception(NotFoundException))
      .resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(onEvent(event('Create'), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'orders-mail' });
    expect(ses.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });

  test('an endpoint that exists but stays invisible fails after the grace period, untouched', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("SES says an endpoint named 'orders-mail' already exists in us-east-1 but cannot find it");
    expect(writes()).toBe(1);
  });

  test('a quota error says the quota was reached', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(LimitExceededException, 'Maximum number of endpoints reached'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("the account's quota of multi-region endpoints is reached");
  });

  test.each([
    ['a name with spaces', { EndpointName: 'a b' }, "`EndpointName` must match ^[\\w-]+$ and be 1-64 characters, got: 'a b'"],
    ['no name', { EndpointName: undefined }, '`EndpointName` must match'],
    ['no routes', { Details: { RouteDetails: [] } }, '`Details.RouteDetails` must hold exactly one route'],
    ['two routes', { Details: { RouteDetails: [{ Region: 'us-west-2' }, { Region: 'eu-west-1' }] } }, '`Details.RouteDetails` must hold exactly one route'],
    ['the primary as secondary', { Details: { RouteDetails: [{ Region: 'us-east-1' }] } }, "`secondaryRegion` must differ from the primary region (the stack's region, where the endpoint is created), got: 'us-east-1'"],
    ['a malformed region', { Details: { RouteDetails: [{ Region: 'mars' }] } }, "`secondaryRegion` must be an AWS region name such as 'us-west-2', got: 'mars'"],
    ['a reserved tag', { Tags: [{ Key: 'aws:x', Value: 'y' }] }, "`Tags` keys must not start with 'aws:'"],
    ['a non-string tag value', { Tags: [{ Key: 'k', Value: 5 }] }, "`Tags` value of 'k' must be 0-256 characters"],
    ['tags that are not a list', { Tags: { k: 'v' } }, '`Tags` must be a list of {Key, Value}'],
    ['a bad timeout', { TimeoutSeconds: 'soon' }, '`TimeoutSeconds` must be a whole number of seconds'],
    ['an unknown property', { Extra: 1 }, "unknown property 'Extra'"],
  ])('refuses %s before calling SES', async (_, overrides, message) => {
    await expect(onEvent(event('Create', { ResourceProperties: props(overrides) }), ctx)).rejects.toThrow(message);
    expect(ses.calls()).toHaveLength(0);
  });

  test('other SES errors fail the deployment as they are', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(new Error('boom'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('boom');
  });
});

describe('isComplete after Create/Update', () => {
  const waiting = (extra: Partial<EndpointEvent> = {}) => event('Create', { PhysicalResourceId: 'orders-mail', CreatedAt: T0, WaitDeadline: T0 + 60_000, ...extra });

  test('READY completes with the attributes', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready());
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({
      IsComplete: true,
      Data: { EndpointId: 'abcdef12.g3h', EndpointName: 'orders-mail', Arn: ARN, Status: 'READY', PrimaryRegion: 'us-east-1', SecondaryRegion: 'us-west-2' },
    });
  });

  test('CREATING keeps waiting, without Data', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'CREATING' }));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
  });

  test('CREATING past the timeout fails with the last status', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'CREATING' }));
    clock = T0 + 60_000;
    await expect(isComplete(waiting(), ctx)).rejects.toThrow(
      "Timed out after 60 seconds waiting for SES multi-region endpoint 'orders-mail' in us-east-1 to become READY; last status: CREATING.");
  });

  test('FAILED fails naming the endpoint and its status', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'FAILED' }));
    await expect(isComplete(waiting(), ctx)).rejects.toThrow("SES multi-region endpoint 'orders-mail' in us-east-1 has status FAILED");
  });

  test('DELETING fails', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'DELETING' }));
    await expect(isComplete(waiting(), ctx)).rejects.toThrow('is being deleted (status DELETING)');
  });

  test('NotFound right after Create is tolerated, later it fails', async () => {
    ses.on(GetMultiRegionEndpointCommand).rejects(exception(NotFoundException));
    clock = T0 + NOT_FOUND_GRACE_MS - 1;
    await expect(isComplete(waiting({ WaitDeadline: T0 + 600_000 }), ctx)).resolves.toEqual({ IsComplete: false });
    clock = T0 + NOT_FOUND_GRACE_MS;
    await expect(isComplete(waiting({ WaitDeadline: T0 + 600_000 }), ctx)).rejects.toThrow("SES multi-region endpoint 'orders-mail' in us-east-1 was not found");
  });

  test('polls within one invocation until READY, every pollIntervalMs', async () => {
    ses.on(GetMultiRegionEndpointCommand)
      .resolvesOnce(ready({ Status: 'CREATING' }))
      .resolvesOnce(ready({ Status: 'CREATING' }))
      .resolves(ready());
    const polling = { ...ctx, pollWindowMs: 10_000, pollIntervalMs: 1_000 };
    await expect(isComplete(waiting(), polling)).resolves.toMatchObject({ IsComplete: true });
    expect(ses.commandCalls(GetMultiRegionEndpointCommand)).toHaveLength(3);
    expect(clock).toBe(T0 + 2_000);
  });

  test('hands back to the framework when the polling window is used up', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'CREATING' }));
    const polling = { ...ctx, pollWindowMs: 3_500, pollIntervalMs: 1_000 };
    await expect(isComplete(waiting({ WaitDeadline: T0 + 600_000 }), polling)).resolves.toEqual({ IsComplete: false });
    expect(ses.commandCalls(GetMultiRegionEndpointCommand)).toHaveLength(4);
  });

  test('the primary region among the routes is accepted', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Routes: [{ Region: 'us-east-1' }, { Region: 'us-west-2' }] }));
    await expect(isComplete(waiting(), ctx)).resolves.toMatchObject({ IsComplete: true });
  });

  test('throttling that outlasted the SDK retries waits for the next poll, until the deadline', async () => {
    ses.on(GetMultiRegionEndpointCommand).rejects(exception(TooManyRequestsException, 'Too many requests'));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
    clock = T0 + 60_000;
    await expect(isComplete(waiting(), ctx)).rejects.toThrow('Too many requests');
  });

  test('an adopted endpoint that routes elsewhere is refused', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Routes: [{ Region: 'eu-west-1' }] }));
    await expect(isComplete(waiting(), ctx)).rejects.toThrow('routes to ["eu-west-1"], not to us-west-2');
  });
});

describe('production limits, checked before any write', () => {
  const sandbox = { ProductionAccessEnabled: false, SendingEnabled: true, SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 } };
  const lowQuota = { ...PRODUCTION, SendQuota: { Max24HourSend: 10_000, MaxSendRate: 14, SentLast24Hours: 0 } };
  /** GetAccount answers per region: the mock sees the client's region. */
  const accounts = (primary: object, secondary: object) => ses.on(GetAccountCommand).callsFake(async (_input, getClient) => {
    const region = await getClient().config.region();
    return region === 'us-east-1' ? primary : secondary;
  });
  const regionalCtx: HandlerContext = { ...ctx, sesIn: (region) => new SESv2Client({ region }) };

  test('PARITY (the default) fails a secondary region in the sandbox while the primary is not, before the Create', async () => {
    accounts(PRODUCTION, sandbox);
    await expect(onEvent(event('Create'), regionalCtx)).rejects.toThrow(
      "The secondary region us-west-2 cannot carry the mail of SES multi-region endpoint 'orders-mail' as us-east-1 does (productionLimitsCheck PARITY): "
      + 'us-west-2 is in the SES sandbox (it sends only to verified addresses): request production access in us-west-2. '
      + 'SES applies these per region, and a send may be served by either. Nothing was created or changed; deploy again once granted, or relax productionLimitsCheck.');
    expect(writes()).toBe(0);
  });

  test('PARITY lets a sandbox account (both regions) and lower quotas through, and reports them', async () => {
    accounts(sandbox, sandbox);
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.g3h' });
    const result = await onEvent(event('Create'), regionalCtx);
    expect(result.AccountState).toMatchObject({ PrimaryProductionAccessEnabled: 'false', SecondaryProductionAccessEnabled: 'false', SecondaryMax24HourSend: '200' });
    expect(logs.find((l) => l.operation === 'CheckProductionLimits')).toMatchObject({ outcome: 'discrepancies', discrepancies: [expect.stringContaining('us-west-2 is in the SES sandbox')] });
    ses.reset();
    accounts(PRODUCTION, lowQuota);
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.g3h' });
    await expect(onEvent(event('Create'), regionalCtx)).resolves.toMatchObject({ PhysicalResourceId: 'orders-mail' });
  });

  test('STRICT fails a lower quota or rate, naming the region, the figures and what to request; REPORT never fails', async () => {
    accounts(PRODUCTION, { ...lowQuota, SendQuota: { Max24HourSend: 10_000, MaxSendRate: 5, SentLast24Hours: 0 } });
    await expect(onEvent(event('Create', { ResourceProperties: props({ ProductionLimitsCheck: 'STRICT' }) }), regionalCtx)).rejects.toThrow(
      "us-west-2's sending quota is 10000 emails per 24 hours, below us-east-1's 50000: request a sending quota increase in us-west-2; "
      + "us-west-2's maximum send rate is 5 emails per second, below us-east-1's 14: request a sending rate increase in us-west-2.");
    expect(writes()).toBe(0);
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.g3h' });
    await expect(onEvent(event('Create', { ResourceProperties: props({ ProductionLimitsCheck: 'REPORT' }) }), regionalCtx))
      .resolves.toMatchObject({ AccountState: { SecondaryMaxSendRate: '5' } });
  });

  test('an Update checks too, before writing tags; an unknown mode is invalid', async () => {
    accounts(PRODUCTION, { ...PRODUCTION, SendingEnabled: false });
    ses.on(GetMultiRegionEndpointCommand).resolves(ready());
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    const update = event('Update', { PhysicalResourceId: 'orders-mail', ResourceProperties: props({ Tags: [{ Key: 'team', Value: 'email' }] }) });
    await expect(onEvent(update, regionalCtx)).rejects.toThrow('sending is paused for the account in us-west-2');
    expect(writes()).toBe(0);
    await expect(onEvent(event('Create', { ResourceProperties: props({ ProductionLimitsCheck: 'LOOSE' }) }), regionalCtx))
      .rejects.toThrow("`ProductionLimitsCheck` must be one of REPORT, PARITY, STRICT, got: 'LOOSE'");
  });
});

describe('Update', () => {
  const update = (newProps: Record<string, unknown>, oldProps: Record<string, unknown> = {}) =>
    event('Update', { PhysicalResourceId: 'orders-mail', ResourceProperties: props(newProps), OldResourceProperties: props(oldProps) });

  beforeEach(() => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready());
  });

  test('a tags-only change is applied in place and keeps the physical id', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: 'old', Value: '1' }, { Key: 'aws:cloudformation:x', Value: 'y' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    const result = await onEvent(update({ Tags: [{ Key: 'team', Value: 'email' }, { Key: 'new', Value: '2' }] }), ctx);
    // The endpoint is READY: onEvent returns its attributes, and isComplete asks SES nothing.
    const data = { EndpointId: 'abcdef12.g3h', EndpointName: 'orders-mail', Arn: ARN, Status: 'READY', PrimaryRegion: 'us-east-1', SecondaryRegion: 'us-west-2', ...ACCOUNT_STATE };
    expect(result).toEqual({ PhysicalResourceId: 'orders-mail', WaitDeadline: T0 + 60_000, Settled: true, Data: data });
    const calls = ses.calls().length;
    expect(await isComplete({ ...update({}), ...result }, ctx)).toEqual({ IsComplete: true });
    expect(ses.calls()).toHaveLength(calls);
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: ['old'] });
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: 'team', Value: 'email' }, { Key: 'new', Value: '2' }] });
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand)).toHaveLength(0);
  });

  test('an endpoint that is not READY yet is left to isComplete', async () => {
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'CREATING' }));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    expect(await onEvent(update({}), ctx)).toEqual({ PhysicalResourceId: 'orders-mail', WaitDeadline: T0 + 60_000, AccountState: ACCOUNT_STATE });
  });

  test('an unchanged endpoint gets no write', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    await onEvent(update({ TimeoutSeconds: '120' }), ctx);
    expect(writes()).toBe(0);
  });

  test('a rename creates the new endpoint and returns its name as the physical id', async () => {
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.new' });
    const result = await onEvent(update({ EndpointName: 'orders-mail-2' }), ctx);
    expect(result.PhysicalResourceId).toBe('orders-mail-2');
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand)[0].args[0].input.EndpointName).toBe('orders-mail-2');
    expect(ses.commandCalls(DeleteMultiRegionEndpointCommand)).toHaveLength(0); // CloudFormation deletes the old one later
  });

  test('a secondary-region change under the same explicit name fails before touching anything', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(onEvent(update({ Details: { RouteDetails: [{ Region: 'eu-west-1' }] } }), ctx)).rejects.toThrow(
      "Cannot change the secondary region of SES multi-region endpoint 'orders-mail' from us-west-2 to eu-west-1 in place");
    expect(writes()).toBe(0);
  });

  test('the rollback of that failed change goes through: it compares with the endpoint, not the failed properties', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    const rollback = update({}, { Details: { RouteDetails: [{ Region: 'eu-west-1' }] } });
    await expect(onEvent(rollback, ctx)).resolves.toMatchObject({ PhysicalResourceId: 'orders-mail' });
    expect(writes()).toBe(0);
  });

  test('an endpoint deleted out of band is created again by the update (and so by its rollback)', async () => {
    ses.on(GetMultiRegionEndpointCommand).rejects(exception(NotFoundException));
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'newid123.a1b' });
    await expect(onEvent(update({}), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'orders-mail', CreatedAt: T0 });
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand)[0].args[0].input.EndpointName).toBe('orders-mail');
    expect(logs.some((l) => l.operation === 'RecreateMissingEndpoint')).toBe(true);
  });
});

describe('Delete', () => {
  const del = (extra: Partial<EndpointEvent> = {}) => event('Delete', { PhysicalResourceId: 'orders-mail', ...extra });
  const ours = () => ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });

  test('deletes its own endpoint, then waits until Get says NotFound', async () => {
    ours();
    ses.on(DeleteMultiRegionEndpointCommand).resolves({ Status: 'DELETING' });
    const result = await onEvent(del(), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'orders-mail', NothingToDelete: false, WaitDeadline: T0 + 60_000 });
    ses.on(GetMultiRegionEndpointCommand).resolvesOnce(ready({ Status: 'DELETING' })).rejects(exception(NotFoundException));
    await expect(isComplete(del(result), ctx)).resolves.toEqual({ IsComplete: false });
    await expect(isComplete(del(result), ctx)).resolves.toEqual({ IsComplete: true });
    expect(ses.commandCalls(DeleteMultiRegionEndpointCommand)).toHaveLength(1);
  });

  test('an endpoint that is already gone is success', async () => {
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    const result = await onEvent(del(), ctx);
    expect(result.NothingToDelete).toBe(true);
    await expect(isComplete(del(result), ctx)).resolves.toEqual({ IsComplete: true });
    expect(writes()).toBe(0);
  });

  test('NotFound on Delete itself is success', async () => {
    ours();
    ses.on(DeleteMultiRegionEndpointCommand).rejects(exception(NotFoundException));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
  });

  test('an endpoint this resource did not create is never deleted', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'someone else' }] });
    const result = await onEvent(del(), ctx);
    expect(result.NothingToDelete).toBe(true);
    await expect(isComplete(del(result), ctx)).resolves.toEqual({ IsComplete: true });
    expect(writes()).toBe(0);
  });

  test('a physical id that is no endpoint name (a failed create) touches nothing', async () => {
    const result = await onEvent(del({ PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }), ctx);
    expect(result.NothingToDelete).toBe(true);
    expect(ses.calls()).toHaveLength(0);
  });

  test('ConcurrentModification (still CREATING) is retried from isComplete until SES accepts', async () => {
    ours();
    ses.on(DeleteMultiRegionEndpointCommand)
      .rejectsOnce(exception(ConcurrentModificationException, 'Unable to delete resource in PROVISIONING status'))
      .rejectsOnce(exception(ConcurrentModificationException, 'Unable to delete resource in PROVISIONING status'))
      .resolves({ Status: 'DELETING' });
    const result = await onEvent(del(), ctx);
    expect(result.NothingToDelete).toBe(false);
    ses.on(GetMultiRegionEndpointCommand)
      .resolvesOnce(ready({ Status: 'CREATING' }))
      .resolvesOnce(ready({ Status: 'READY' }))
      .resolvesOnce(ready({ Status: 'DELETING' }))
      .rejects(exception(NotFoundException));
    const states = [];
    for (let i = 0; i < 4; i++) states.push((await isComplete(del(result), ctx)).IsComplete);
    expect(states).toEqual([false, false, false, true]);
    expect(ses.commandCalls(DeleteMultiRegionEndpointCommand)).toHaveLength(3);
  });

  test('an endpoint that never goes away times out with its last status', async () => {
    ours();
    ses.on(DeleteMultiRegionEndpointCommand).resolves({ Status: 'DELETING' });
    const result = await onEvent(del(), ctx);
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Status: 'DELETING' }));
    clock = T0 + 60_000;
    await expect(isComplete(del(result), ctx)).rejects.toThrow(
      "Timed out after 60 seconds waiting for SES multi-region endpoint 'orders-mail' to be deleted; last status: DELETING.");
  });
});

describe('out of turns in onEvent: isComplete takes the work over', () => {
  // A pacer whose turns end at T0 + 10 s (the Lambda's end); SES throttles every call until then.
  const pacedCtx = (giveUpAt: number): HandlerContext => ({
    ...ctx,
    pacer: new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep: ctx.sleep, random: () => 0, giveUpAt }),
  });

  test('a Create that stays throttled is handed over, and isComplete creates it and waits for READY', async () => {
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(TooManyRequestsException));
    const result = await onEvent(event('Create'), pacedCtx(T0 + 10_000));
    expect(result).toEqual({ PhysicalResourceId: 'orders-mail', Pending: true, CreatedAt: clock, WaitDeadline: clock + 60_000 });
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand).length).toBeGreaterThan(2);

    ses.reset();
    ses.on(GetAccountCommand).resolves(PRODUCTION);
    ses.on(CreateMultiRegionEndpointCommand).resolves({ Status: 'CREATING', EndpointId: 'abcdef12.g3h' });
    ses.on(GetMultiRegionEndpointCommand).resolvesOnce(ready({ Status: 'CREATING' })).resolves(ready());
    const done = await isComplete({ ...event('Create'), ...result }, { ...pacedCtx(Number.POSITIVE_INFINITY), pollWindowMs: 60_000 });
    expect(done).toMatchObject({ IsComplete: true, Data: { EndpointId: 'abcdef12.g3h', Status: 'READY' } });
    expect(ses.commandCalls(CreateMultiRegionEndpointCommand)).toHaveLength(1); // once per invocation, not per poll
  });

  test('in isComplete, a redo that meets a foreign endpoint fails it, untouched; one still throttled waits', async () => {
    const pending = { ...event('Create'), PhysicalResourceId: 'orders-mail', Pending: true, CreatedAt: T0, WaitDeadline: T0 + 60_000 };
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(TooManyRequestsException));
    await expect(isComplete(pending, pacedCtx(T0 + 5_000))).resolves.toEqual({ IsComplete: false });
    ses.reset();
    ses.on(GetAccountCommand).resolves(PRODUCTION);
    ses.on(CreateMultiRegionEndpointCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'someone else' }] });
    await expect(isComplete(pending, pacedCtx(Number.POSITIVE_INFINITY))).rejects.toThrow('was not created by this stack');
    expect(writes()).toBe(1); // the Create SES refused
  });

  test('an Update handed over that finds the endpoint READY completes with its attributes', async () => {
    const pending = { ...event('Update', { PhysicalResourceId: 'orders-mail', OldResourceProperties: props() }), Pending: true, WaitDeadline: T0 + 60_000 };
    ses.on(GetMultiRegionEndpointCommand).resolves(ready());
    ses.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(isComplete(pending, pacedCtx(Number.POSITIVE_INFINITY))).resolves.toMatchObject({ IsComplete: true, Data: { EndpointId: 'abcdef12.g3h' } });
  });
});

test('an unknown request type is refused', async () => {
  await expect(onEvent(event('Bogus' as any), ctx)).rejects.toThrow('Unknown RequestType: "Bogus"');
});

describe('the read-only lookup (fromEndpointName)', () => {
  const lookup = (type: EndpointEvent['RequestType'], extra: Partial<EndpointEvent> = {}) => event(type, {
    ResourceType: 'Custom::SESMultiRegionEndpointLookup',
    ResourceProperties: { ServiceToken: 'x', EndpointName: 'orders-mail' },
    ...extra,
  });

  test('onEvent makes no SES call; isComplete reads the endpoint', async () => {
    // It waits for a CREATING endpoint up to the default timeout.
    expect(await onEvent(lookup('Create'), ctx)).toEqual({ PhysicalResourceId: 'orders-mail', WaitDeadline: T0 + 1_800_000 });
    expect(ses.calls()).toHaveLength(0);
    ses.on(GetMultiRegionEndpointCommand).resolves(ready({ Routes: [{ Region: 'us-east-1' }, { Region: 'us-west-2' }] }));
    await expect(isComplete(lookup('Create', { PhysicalResourceId: 'orders-mail' }), ctx)).resolves.toEqual({
      IsComplete: true,
      Data: { EndpointId: 'abcdef12.g3h', EndpointName: 'orders-mail', Arn: ARN, Status: 'READY', PrimaryRegion: 'us-east-1', SecondaryRegion: 'us-west-2' },
    });
    expect(writes()).toBe(0);
  });

  test('a missing endpoint fails clearly', async () => {
    ses.on(GetMultiRegionEndpointCommand).rejects(exception(NotFoundException));
    await expect(isComplete(lookup('Update', { PhysicalResourceId: 'orders-mail' }), ctx)).rejects.toThrow("No SES multi-region endpoint named 'orders-mail' exists in us-east-1");
  });

  test('Delete never touches the endpoint', async () => {
    const result = await onEvent(lookup('Delete', { PhysicalResourceId: 'orders-mail' }), ctx);
    await expect(isComplete(lookup('Delete', result), ctx)).resolves.toEqual({ IsComplete: true });
    expect(ses.calls()).toHaveLength(0);
  });

  test('an invalid name is refused before any call', async () => {
    await expect(onEvent(lookup('Create', { ResourceProperties: { EndpointName: 'a b' } }), ctx)).rejects.toThrow('`EndpointName` must match');
    expect(ses.calls()).toHaveLength(0);
  });
});
