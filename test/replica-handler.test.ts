/**
 * Unit tests of every replica-handler branch, with the SES clients of both regions mocked.
 * The same handler, bundled, runs against the local emulator in replica-lifecycle.test.ts.
 */
import {
  AlreadyExistsException,
  BadRequestException,
  ConcurrentModificationException,
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  GetEmailIdentityCommandOutput,
  LimitExceededException,
  ListTagsForResourceCommand,
  NotFoundException,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  isComplete,
  NOT_FOUND_GRACE_MS,
  onEvent,
  parseProperties,
  ReplicaEvent,
  ReplicaHandlerContext,
} from '../lambda/replica-email-identity/handler';
import { Pacer } from '../lambda/shared/pacer';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const OWNER = `${STACK_ID}/Replica`;
const REPLICA_ARN = 'arn:aws:ses:us-west-2:123456789012:identity/example.com';
const T0 = 1_700_000_000_000;

// One client per region, as the Lambda has: the parent's (us-east-1) and the replicas'.
const primaryClient = new SESv2Client({ region: 'us-east-1' });
const replicaClient = new SESv2Client({ region: 'us-west-2' });
const primary = mockClient(primaryClient);
const replica = mockClient(replicaClient);
let clock = T0;
let logs: Array<Record<string, unknown>> = [];
const ctx: ReplicaHandlerContext = {
  ses: (region) => (region === 'us-east-1' ? primaryClient : replicaClient),
  now: () => clock,
  log: (e) => logs.push(e),
  sleep: async (ms) => { clock += ms; },
};

const props = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:fw',
  ParentIdentityName: 'example.com',
  ReplicaRegion: 'us-west-2',
  TimeoutSeconds: '60',
  ...overrides,
});

function event(requestType: ReplicaEvent['RequestType'], extra: Partial<ReplicaEvent> = {}): ReplicaEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'Replica', RequestId: 'req-1', ResourceProperties: props(), ...extra };
}

const exception = <T>(Ctor: new (args: any) => T, message = 'x') => new Ctor({ message, $metadata: {} });
type Identity = Partial<GetEmailIdentityCommandOutput>;
const identity = (origin: string | undefined, overrides: Identity = {}): Identity => ({
  IdentityType: 'DOMAIN',
  VerifiedForSendingStatus: true,
  DkimAttributes: { SigningEnabled: true, Status: 'SUCCESS', Tokens: ['a', 'b', 'c'], SigningAttributesOrigin: origin as never },
  ...overrides,
});
const parent = (origin = 'AWS_SES') => primary.on(GetEmailIdentityCommand).resolves(identity(origin));
const pending = (): Identity => identity('AWS_SES_US_EAST_1', { VerifiedForSendingStatus: false, DkimAttributes: { Status: 'PENDING', SigningAttributesOrigin: 'AWS_SES_US_EAST_1' } });
const writes = () => [CreateEmailIdentityCommand, DeleteEmailIdentityCommand]
  .reduce((n, command) => n + primary.commandCalls(command as any).length + replica.commandCalls(command as any).length, 0);
const sesCalls = () => primary.calls().length + replica.calls().length;

beforeEach(() => {
  primary.reset();
  replica.reset();
  clock = T0;
  logs = [];
});

describe('Create', () => {
  test('checks the parent in the primary region, then creates the DEED replica with the ownership tag', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).resolves({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: false });
    const result = await onEvent(event('Create'), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000 });
    expect(primary.commandCalls(GetEmailIdentityCommand)[0].args[0].input).toEqual({ EmailIdentity: 'example.com' });
    expect(replica.commandCalls(CreateEmailIdentityCommand)[0].args[0].input).toEqual({
      EmailIdentity: 'example.com',
      DkimSigningAttributes: { DomainSigningAttributesOrigin: 'AWS_SES_US_EAST_1' },
      Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }],
    });
    expect(primary.calls()).toHaveLength(1);
    expect(replica.calls()).toHaveLength(1);
    // One JSON log line per SES call, with the region it went to.
    expect(logs).toEqual([
      { operation: 'GetEmailIdentity', region: 'us-east-1', identityName: 'example.com', outcome: 'ok' },
      { operation: 'CreateEmailIdentity', region: 'us-west-2', identityName: 'example.com', outcome: 'ok' },
    ]);
  });

  test('the default timeout is 30 minutes', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).resolves({});
    const result = await onEvent(event('Create', { ResourceProperties: props({ TimeoutSeconds: undefined }) }), ctx);
    expect(result.WaitDeadline).toBe(T0 + 1_800_000);
  });

  test('a missing parent fails clearly, before anything is created', async () => {
    primary.on(GetEmailIdentityCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "The parent identity 'example.com' in us-east-1 does not exist: create it there with Easy DKIM (and verify it) before replicating it to us-west-2, or fix parentIdentityName.");
    expect(writes()).toBe(0);
    expect(logs[0]).toEqual({ operation: 'GetEmailIdentity', region: 'us-east-1', identityName: 'example.com', outcome: 'NotFoundException', message: 'x' });
  });

  test.each([
    ['uses BYODKIM', 'EXTERNAL', "The parent identity 'example.com' in us-east-1 uses Bring Your Own DKIM (SigningAttributesOrigin EXTERNAL): DEED replicates only identities that use Easy DKIM. Switch the parent to Easy DKIM, or create the identity in us-west-2 with your own DKIM key instead."],
    ['is itself a replica', 'AWS_SES_EU_WEST_1', "The parent identity 'example.com' in us-east-1 is itself a DEED replica (SigningAttributesOrigin AWS_SES_EU_WEST_1, replicated from eu-west-1), and a replica cannot be a parent. Replicate the original identity in eu-west-1 instead."],
    ['has no DKIM origin', undefined, "The parent identity 'example.com' in us-east-1 does not use Easy DKIM (SigningAttributesOrigin: none): DEED replicates only identities that use Easy DKIM."],
  ])('a parent that %s fails clearly, before anything is created', async (_, origin, message) => {
    primary.on(GetEmailIdentityCommand).resolves(identity(origin));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(message);
    expect(writes()).toBe(0);
  });

  test('a replica of the same name that this resource did not create is left untouched', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1/Replica' }] });
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "An email identity named 'example.com' already exists in us-west-2 and was not created by this stack: delete it there if it should be a DEED replica of us-east-1, or leave it out of this stack. It was left untouched.");
    expect(replica.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({ ResourceArn: REPLICA_ARN });
    expect(writes()).toBe(1); // the refused Create only
  });

  test('an untagged identity of the same name is foreign too', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand).resolves({});
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('was not created by this stack');
  });

  test('a retried Create of a replica this resource already made adopts it', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(onEvent(event('Create'), ctx)).resolves.toEqual({ PhysicalResourceId: 'us-west-2/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000 });
    expect(logs.map((l) => l.operation)).toEqual(['GetEmailIdentity', 'CreateEmailIdentity', 'ListTagsForResource', 'GetEmailIdentity', 'AdoptOwnReplica']);
    expect(writes()).toBe(1);
  });

  test('an identity with this resource\'s owner tag that is no DEED replica of the primary is refused before any write', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(GetEmailIdentityCommand).resolves({ DkimAttributes: { SigningAttributesOrigin: 'AWS_SES' } });
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("An email identity named 'example.com' already exists in us-west-2 but is not a DEED replica of us-east-1 "
      + '(SigningAttributesOrigin: AWS_SES, expected AWS_SES_US_EAST_1)');
    expect(writes()).toBe(1); // the refused CreateEmailIdentity; no TagResource, no Delete
  });

  test('right after its Create, a replica that SES cannot find yet is looked up again', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand)
      .rejectsOnce(exception(NotFoundException))
      .rejectsOnce(exception(NotFoundException))
      .resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(onEvent(event('Create'), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'us-west-2/example.com' });
    expect(replica.commandCalls(ListTagsForResourceCommand)).toHaveLength(3);
  });

  test('an identity that exists but stays invisible fails after the grace period, untouched', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(AlreadyExistsException));
    replica.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("SES says an email identity named 'example.com' already exists in us-west-2 but cannot find it");
    expect(clock - T0).toBeGreaterThanOrEqual(NOT_FOUND_GRACE_MS);
    expect(writes()).toBe(1);
  });

  test('a quota error says the quota was reached', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(LimitExceededException, 'Too many identities'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "Cannot create the DEED replica of 'example.com' in us-west-2: the account's quota of email identities there is reached (Too many identities).");
  });

  test("SES's own refusal is passed on with what was being created", async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(exception(BadRequestException, 'DEED is not available in this region'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "SES refused to create the DEED replica of 'example.com' (parent in us-east-1) in us-west-2: DEED is not available in this region");
  });

  test('other SES errors fail the deployment as they are', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).rejects(new Error('boom'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('boom');
    primary.on(GetEmailIdentityCommand).rejects(exception(TooManyRequestsException, 'Too many requests'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('Too many requests');
  });

  test.each([
    ['an email address', { ParentIdentityName: 'me@example.com' }, "`ParentIdentityName` must be a domain name such as 'example.com' (DEED replicates domain identities that use Easy DKIM), got: 'me@example.com'"],
    ['no parent', { ParentIdentityName: undefined }, '`ParentIdentityName` must be a domain name such as'],
    ['a non-string parent', { ParentIdentityName: 5 }, '`ParentIdentityName` must be a domain name such as \'example.com\' (DEED replicates domain identities that use Easy DKIM), got: 5'],
    ['a malformed region', { ReplicaRegion: 'mars' }, "`ReplicaRegion` must be an AWS region name such as 'us-west-2', got: 'mars'"],
    ['the primary as replica region', { ReplicaRegion: 'us-east-1' }, "`ReplicaRegion` must differ from the primary region (the stack's region, where the parent identity is), got: 'us-east-1'"],
    ['a bad timeout', { TimeoutSeconds: 'soon' }, '`TimeoutSeconds` must be a whole number of seconds'],
    ['a timeout too long', { TimeoutSeconds: '3301' }, '`TimeoutSeconds` must be a whole number of seconds between 5 seconds and 55 minutes'],
    ['an unknown property', { Extra: 1 }, "unknown property 'Extra'"],
  ])('refuses %s before calling SES', async (_, overrides, message) => {
    await expect(onEvent(event('Create', { ResourceProperties: props(overrides) }), ctx)).rejects.toThrow(message);
    expect(sesCalls()).toBe(0);
  });

  test('every problem is listed at once', async () => {
    await expect(onEvent(event('Create', { ResourceProperties: props({ ParentIdentityName: 'x', ReplicaRegion: 'y', TimeoutSeconds: '1' }) }), ctx)).rejects.toThrow(
      /^Invalid properties for the SES DEED replica identity: `ParentIdentityName` .*; `ReplicaRegion` .*; `TimeoutSeconds` .*$/);
  });

  test('a stack in a region SES does not replicate DKIM from is refused', async () => {
    const stackId = 'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/MailStack/1';
    await expect(onEvent(event('Create', { StackId: stackId }), ctx)).rejects.toThrow(
      "The primary region (the stack's region) must be one SES replicates DKIM keys from (DEED origin AWS_SES_CN_NORTH_1 is not among AWS_SES_AF_SOUTH_1,");
    expect(sesCalls()).toBe(0);
  });

  test('an unknown request type is refused', async () => {
    await expect(onEvent(event('Rename' as any), ctx)).rejects.toThrow('Unknown RequestType: "Rename"');
  });
});

describe('isComplete after Create/Update', () => {
  const waiting = (extra: Partial<ReplicaEvent> = {}) => event('Create', { PhysicalResourceId: 'us-west-2/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000, ...extra });

  test('verified for sending completes with the attributes', async () => {
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1'));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({
      IsComplete: true,
      Data: { IdentityName: 'example.com', IdentityArn: REPLICA_ARN, SigningAttributesOrigin: 'AWS_SES_US_EAST_1', ReplicaRegion: 'us-west-2' },
    });
    expect(primary.calls()).toHaveLength(0);
  });

  test('PENDING keeps waiting, without Data', async () => {
    replica.on(GetEmailIdentityCommand).resolves(pending());
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
  });

  test('TEMPORARY_FAILURE keeps waiting too', async () => {
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1', { VerifiedForSendingStatus: false, DkimAttributes: { Status: 'TEMPORARY_FAILURE', SigningAttributesOrigin: 'AWS_SES_US_EAST_1' } }));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
  });

  test('PENDING past the timeout fails with the last status', async () => {
    replica.on(GetEmailIdentityCommand).resolves(pending());
    clock = T0 + 60_000;
    await expect(isComplete(waiting(), ctx)).rejects.toThrow(
      "Timed out after 60 seconds waiting for the DEED replica 'example.com' in us-west-2 to be verified for sending; last DKIM status: PENDING. A replica is verified once its parent 'example.com' in us-east-1 is: check the parent's DKIM records, or raise `timeout`.");
  });

  test('DKIM status FAILED fails clearly', async () => {
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1', { VerifiedForSendingStatus: false, DkimAttributes: { Status: 'FAILED', SigningAttributesOrigin: 'AWS_SES_US_EAST_1' } }));
    await expect(isComplete(waiting(), ctx)).rejects.toThrow(
      "DKIM verification FAILED for the DEED replica 'example.com' in us-west-2: a replica signs with its parent's keys and is verified through the parent's DKIM CNAME records. Check that the parent 'example.com' in us-east-1 is verified and its DKIM records are published, then deploy again.");
  });

  test('NotFound right after Create is tolerated, later it fails', async () => {
    replica.on(GetEmailIdentityCommand).rejects(exception(NotFoundException));
    clock = T0 + NOT_FOUND_GRACE_MS - 1;
    await expect(isComplete(waiting({ WaitDeadline: T0 + 600_000 }), ctx)).resolves.toEqual({ IsComplete: false });
    clock = T0 + NOT_FOUND_GRACE_MS;
    await expect(isComplete(waiting({ WaitDeadline: T0 + 600_000 }), ctx)).rejects.toThrow(
      "The DEED replica 'example.com' in us-west-2 was not found: it was deleted outside CloudFormation or never became visible.");
  });

  test('an adopted identity that is not a replica of the primary is refused', async () => {
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES'));
    await expect(isComplete(waiting(), ctx)).rejects.toThrow(
      "The email identity 'example.com' in us-west-2 is not a DEED replica of us-east-1 (SigningAttributesOrigin: AWS_SES, expected AWS_SES_US_EAST_1).");
  });

  test('throttling that outlasted the SDK retries waits for the next poll, until the deadline', async () => {
    replica.on(GetEmailIdentityCommand).rejects(exception(TooManyRequestsException, 'Too many requests'));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
    clock = T0 + 60_000;
    await expect(isComplete(waiting(), ctx)).rejects.toThrow('Too many requests');
  });
});

describe('Update', () => {
  const update = (newProps: Record<string, unknown>, oldProps: Record<string, unknown> = {}) =>
    event('Update', { PhysicalResourceId: 'us-west-2/example.com', ResourceProperties: props(newProps), OldResourceProperties: props(oldProps) });

  test('a timeout-only change calls nothing, and completes at once with the attributes', async () => {
    const result = await onEvent(update({ TimeoutSeconds: '120' }), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/example.com', Unchanged: true });
    await expect(isComplete({ ...update({ TimeoutSeconds: '120' }), ...result }, ctx)).resolves.toEqual({
      IsComplete: true,
      Data: { IdentityName: 'example.com', IdentityArn: REPLICA_ARN, SigningAttributesOrigin: 'AWS_SES_US_EAST_1', ReplicaRegion: 'us-west-2' },
    });
    expect(sesCalls()).toBe(0);
  });

  test('a new replica region creates the replica there and returns a new physical id', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).resolves({});
    const result = await onEvent(update({ ReplicaRegion: 'eu-west-1' }), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'eu-west-1/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000, Replacement: true });
    expect(logs.map((l) => [l.operation, l.region])).toEqual([['GetEmailIdentity', 'us-east-1'], ['CreateEmailIdentity', 'eu-west-1']]);
    expect(replica.commandCalls(DeleteEmailIdentityCommand)).toHaveLength(0); // CloudFormation deletes the old one later
  });

  test('a new parent (so a new name) is a new replica too', async () => {
    parent();
    replica.on(CreateEmailIdentityCommand).resolves({});
    const result = await onEvent(update({ ParentIdentityName: 'mail.example.com' }), ctx);
    expect(result.PhysicalResourceId).toBe('us-west-2/mail.example.com');
    expect(primary.commandCalls(GetEmailIdentityCommand)[0].args[0].input).toEqual({ EmailIdentity: 'mail.example.com' });
    expect(replica.commandCalls(CreateEmailIdentityCommand)[0].args[0].input.EmailIdentity).toBe('mail.example.com');
  });

  test('a replacement that then fails removes the replica it created; CloudFormation keeps the old one', async () => {
    const replacing = { ...update({ ReplicaRegion: 'eu-west-1' }), PhysicalResourceId: 'eu-west-1/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000, Replacement: true };
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1', { VerifiedForSendingStatus: false, DkimAttributes: { Status: 'FAILED', SigningAttributesOrigin: 'AWS_SES_US_EAST_1' } }));
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    await expect(isComplete(replacing, ctx)).rejects.toThrow('DKIM verification FAILED');
    expect(replica.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({ ResourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' });
    expect(replica.commandCalls(DeleteEmailIdentityCommand)[0].args[0].input).toEqual({ EmailIdentity: 'example.com' });
  });

  test('...but never one it did not create, nor while merely throttled; and a failing cleanup keeps the original error', async () => {
    const replacing = { ...update({ ReplicaRegion: 'eu-west-1' }), PhysicalResourceId: 'eu-west-1/example.com', CreatedAt: T0, WaitDeadline: T0 + 60_000, Replacement: true };
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES'));
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'someone else' }] });
    await expect(isComplete(replacing, ctx)).rejects.toThrow('is not a DEED replica of us-east-1');
    replica.on(GetEmailIdentityCommand).rejects(exception(TooManyRequestsException));
    await expect(isComplete(replacing, ctx)).resolves.toEqual({ IsComplete: false });
    expect(replica.commandCalls(DeleteEmailIdentityCommand)).toHaveLength(0);

    replica.on(GetEmailIdentityCommand).resolves(pending());
    replica.on(ListTagsForResourceCommand).rejects(new Error('AccessDenied'));
    clock = T0 + 60_000;
    await expect(isComplete(replacing, ctx)).rejects.toThrow('Timed out after 60 seconds');
  });
});

describe('Delete', () => {
  const deleting = (extra: Partial<ReplicaEvent> = {}) => event('Delete', { PhysicalResourceId: 'us-west-2/example.com', ...extra });

  test('deletes the replica this resource created and waits for it to be gone', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(DeleteEmailIdentityCommand).resolves({});
    const result = await onEvent(deleting(), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/example.com', NothingToDelete: false, DeleteBusy: false, WaitDeadline: T0 + 60_000 });
    expect(replica.commandCalls(DeleteEmailIdentityCommand)[0].args[0].input).toEqual({ EmailIdentity: 'example.com' });
    expect(primary.calls()).toHaveLength(0); // the parent is never touched
  });

  test('a replica this resource did not create is left untouched', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'mail' }] });
    await expect(onEvent(deleting(), ctx)).resolves.toEqual({ PhysicalResourceId: 'us-west-2/example.com', NothingToDelete: true });
    expect(writes()).toBe(0);
    expect(logs[1]).toMatchObject({ operation: 'Delete', outcome: 'not created by this resource, left untouched', owner: null });
  });

  test('an already-gone replica is a success without a delete call', async () => {
    replica.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(deleting(), ctx)).resolves.toEqual({ PhysicalResourceId: 'us-west-2/example.com', NothingToDelete: true });
    expect(writes()).toBe(0);
  });

  test('a replica that disappears between the tag check and the delete is gone', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(DeleteEmailIdentityCommand).rejects(exception(NotFoundException));
    await expect(onEvent(deleting(), ctx)).resolves.toMatchObject({ NothingToDelete: true, DeleteBusy: false });
  });

  test('a busy replica is asked again from isComplete', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(DeleteEmailIdentityCommand).rejectsOnce(exception(ConcurrentModificationException)).resolves({});
    const result = await onEvent(deleting(), ctx);
    expect(result).toMatchObject({ NothingToDelete: false, DeleteBusy: true });
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1'));
    await expect(isComplete({ ...deleting(), ...result }, ctx)).resolves.toEqual({ IsComplete: false });
    expect(replica.commandCalls(DeleteEmailIdentityCommand)).toHaveLength(2);
    replica.on(DeleteEmailIdentityCommand).rejects(exception(NotFoundException));
    await expect(isComplete({ ...deleting(), ...result }, ctx)).resolves.toEqual({ IsComplete: true });
  });

  test('other delete errors fail the deletion', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(DeleteEmailIdentityCommand).rejects(exception(BadRequestException, 'nope'));
    await expect(onEvent(deleting(), ctx)).rejects.toThrow('nope');
  });

  test.each([
    ['the failed-create marker', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
    ['no physical id', undefined],
    ['a region without a name', 'us-west-2/'],
    ['a name without a region', 'example.com'],
  ])('%s: nothing of ours exists, nothing is called', async (_, physicalId) => {
    await expect(onEvent(deleting({ PhysicalResourceId: physicalId }), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    await expect(isComplete(deleting({ PhysicalResourceId: physicalId }), ctx)).resolves.toEqual({ IsComplete: true });
    expect(sesCalls()).toBe(0);
  });

  test('a malformed timeout falls back to the default wait', async () => {
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }] });
    replica.on(DeleteEmailIdentityCommand).resolves({});
    const result = await onEvent(deleting({ ResourceProperties: props({ TimeoutSeconds: 'soon' }) }), ctx);
    expect(result.WaitDeadline).toBe(T0 + 1_800_000);
  });
});

describe('isComplete after Delete', () => {
  const waiting = (extra: Partial<ReplicaEvent> = {}) => event('Delete', { PhysicalResourceId: 'us-west-2/example.com', WaitDeadline: T0 + 60_000, ...extra });

  test('nothing to delete completes without a call', async () => {
    await expect(isComplete(waiting({ NothingToDelete: true }), ctx)).resolves.toEqual({ IsComplete: true });
    expect(sesCalls()).toBe(0);
  });

  test('gone completes; still there keeps waiting, until the deadline', async () => {
    replica.on(GetEmailIdentityCommand).resolves(identity('AWS_SES_US_EAST_1'));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: false });
    expect(replica.commandCalls(DeleteEmailIdentityCommand)).toHaveLength(0); // accepted once: not asked again
    clock = T0 + 60_000;
    await expect(isComplete(waiting(), ctx)).rejects.toThrow("Timed out after 60 seconds waiting for the DEED replica 'example.com' in us-west-2 to be deleted.");
    replica.on(GetEmailIdentityCommand).rejects(exception(NotFoundException));
    await expect(isComplete(waiting(), ctx)).resolves.toEqual({ IsComplete: true });
  });
});

describe('parseProperties', () => {
  test('returns the validated properties', () => {
    expect(parseProperties(props(), 'us-east-1')).toEqual({ identityName: 'example.com', replicaRegion: 'us-west-2', timeoutSeconds: 60 });
  });

  test('no properties at all lists what is missing', () => {
    expect(() => parseProperties(undefined, 'us-east-1')).toThrow('`ParentIdentityName` must be a domain name');
  });
});

describe('out of turns in onEvent: isComplete takes the work over', () => {
  const pacedCtx = (giveUpAt: number): ReplicaHandlerContext => ({
    ...ctx,
    pacer: new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep: ctx.sleep, random: () => 0, giveUpAt }),
  });

  test('a Create whose parent check stays throttled is handed over; isComplete checks the parent, creates and waits', async () => {
    primary.on(GetEmailIdentityCommand).rejects(exception(TooManyRequestsException));
    const result = await onEvent(event('Create'), pacedCtx(T0 + 10_000));
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/example.com', Pending: true, CreatedAt: clock, WaitDeadline: clock + 60_000 });
    expect(writes()).toBe(0);

    primary.reset();
    parent();
    replica.on(CreateEmailIdentityCommand).resolves({});
    replica.on(GetEmailIdentityCommand).resolvesOnce(pending()).resolves(identity('AWS_SES_US_EAST_1'));
    const done = await isComplete({ ...event('Create'), ...result }, { ...pacedCtx(Number.POSITIVE_INFINITY), pollWindowMs: 60_000 });
    expect(done).toMatchObject({ IsComplete: true, Data: { IdentityName: 'example.com', ReplicaRegion: 'us-west-2' } });
    expect(replica.commandCalls(CreateEmailIdentityCommand)).toHaveLength(1);
  });

  test('a Delete handed over deletes only after isComplete\'s ownership check', async () => {
    replica.on(ListTagsForResourceCommand).rejects(exception(TooManyRequestsException));
    const del = event('Delete', { PhysicalResourceId: 'us-west-2/example.com' });
    const result = await onEvent(del, pacedCtx(T0 + 10_000));
    expect(result).toMatchObject({ PhysicalResourceId: 'us-west-2/example.com', Pending: true });
    replica.reset();
    replica.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: OWNER_TAG_KEY, Value: 'someone else' }] });
    await expect(isComplete({ ...del, ...result }, pacedCtx(Number.POSITIVE_INFINITY))).resolves.toEqual({ IsComplete: true });
    expect(writes()).toBe(0);
  });
});
