/**
 * Unit tests of every branch of the configuration set handler, with the SES clients of both
 * regions mocked. The same handler, bundled, runs against the local emulator in
 * configuration-set-lifecycle.test.ts.
 */
import {
  AlreadyExistsException,
  BadRequestException,
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  DeleteConfigurationSetCommand,
  DeleteConfigurationSetEventDestinationCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  LimitExceededException,
  ListTagsForResourceCommand,
  NotFoundException,
  PutConfigurationSetDeliveryOptionsCommand,
  PutConfigurationSetReputationOptionsCommand,
  PutConfigurationSetSendingOptionsCommand,
  PutConfigurationSetSuppressionOptionsCommand,
  PutConfigurationSetTrackingOptionsCommand,
  PutConfigurationSetVdmOptionsCommand,
  SESv2Client,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
  UpdateConfigurationSetEventDestinationCommand,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ConfigurationSetEvent,
  ConfigurationSetHandlerContext,
  isComplete,
  NOT_FOUND_GRACE_MS,
  onEvent,
  parseProperties,
} from '../lambda/configuration-set/handler';
import { Pacer } from '../lambda/shared/pacer';
import { OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY } from '../lib/private/rules';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const OWNER = `${STACK_ID}/SetSecondary`;
const ARN = 'arn:aws:ses:us-west-2:123456789012:configuration-set/transactional';
const T0 = 1_700_000_000_000;
const TOPIC = 'arn:aws:sns:us-west-2:123456789012:events';

const primaryClient = new SESv2Client({ region: 'us-east-1' });
const secondaryClient = new SESv2Client({ region: 'us-west-2' });
const primary = mockClient(primaryClient);
const ses = mockClient(secondaryClient);
let clock = T0;
let logs: Array<Record<string, unknown>> = [];
const ctx: ConfigurationSetHandlerContext = {
  ses: (region) => (region === 'us-east-1' ? primaryClient : secondaryClient),
  now: () => clock,
  log: (e) => logs.push(e),
  sleep: async (ms) => { clock += ms; },
};

const SNS_DESTINATION = { Name: 'Bounces', Enabled: 'true', MatchingEventTypes: ['BOUNCE'], SnsDestination: { TopicArn: TOPIC } };
const BUS_DESTINATION = {
  Name: 'Bus',
  Enabled: 'false',
  MatchingEventTypes: ['DELIVERY', 'SEND'],
  EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' },
};

/** As CloudFormation passes them: every value a string. */
const props = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:fw',
  Region: 'us-west-2',
  Secondary: 'true',
  ConfigurationSetName: 'transactional',
  SendingEnabled: 'true',
  ReputationMetricsEnabled: 'true',
  TlsPolicy: 'REQUIRE',
  MaxDeliverySeconds: '7200',
  SuppressedReasons: ['BOUNCE'],
  EventDestinations: [SNS_DESTINATION],
  Tags: [{ Key: 'team', Value: 'mail' }],
  TimeoutSeconds: '60',
  ...overrides,
});

function event(requestType: ConfigurationSetEvent['RequestType'], extra: Partial<ConfigurationSetEvent> = {}): ConfigurationSetEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'SetSecondary', RequestId: 'req-1', ResourceProperties: props(), ...extra };
}

const exception = <T>(Ctor: new (args: any) => T, message = 'x') => new Ctor({ message, $metadata: {} });
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const ours = (extra: Record<string, string> = {}) => tagList({ team: 'mail', [OWNER_TAG_KEY]: OWNER, ...extra });
/** What GetConfigurationSet answers for the set `props()` describes. */
const asWanted = (tags = ours()) => ({
  ConfigurationSetName: 'transactional',
  SendingOptions: { SendingEnabled: true },
  ReputationOptions: { ReputationMetricsEnabled: true },
  DeliveryOptions: { TlsPolicy: 'REQUIRE' as const, MaxDeliverySeconds: 7200 },
  SuppressionOptions: { SuppressedReasons: ['BOUNCE' as const] },
  Tags: tags,
});
const SES_SNS = { Name: 'Bounces', Enabled: true, MatchingEventTypes: ['BOUNCE' as const], SnsDestination: { TopicArn: TOPIC } };
const WRITES = [CreateConfigurationSetCommand, DeleteConfigurationSetCommand, PutConfigurationSetSendingOptionsCommand,
  PutConfigurationSetReputationOptionsCommand, PutConfigurationSetDeliveryOptionsCommand, PutConfigurationSetSuppressionOptionsCommand,
  PutConfigurationSetTrackingOptionsCommand, PutConfigurationSetVdmOptionsCommand, CreateConfigurationSetEventDestinationCommand,
  UpdateConfigurationSetEventDestinationCommand, DeleteConfigurationSetEventDestinationCommand, TagResourceCommand, UntagResourceCommand];
const writes = () => WRITES.reduce((n, command) => n + ses.commandCalls(command as any).length + primary.commandCalls(command as any).length, 0);
const writeNames = () => ses.calls().map((c) => (c.args[0] as any).constructor.name as string).filter((n) => WRITES.some((w) => w.name === n));

beforeEach(() => {
  primary.reset();
  ses.reset();
  clock = T0;
  logs = [];
});

describe('properties', () => {
  test('valid ones, with the defaults and CloudFormation\'s strings', () => {
    expect(parseProperties(props({ TimeoutSeconds: undefined, EventDestinations: [SNS_DESTINATION, BUS_DESTINATION] }), 'us-east-1')).toEqual({
      region: 'us-west-2',
      configurationSetName: 'transactional',
      options: {
        sendingEnabled: true,
        reputationMetricsEnabled: true,
        tlsPolicy: 'REQUIRE',
        maxDeliverySeconds: 7200,
        suppressedReasons: ['BOUNCE'],
        customRedirectDomain: undefined,
        httpsPolicy: undefined,
        engagementMetrics: undefined,
        optimizedSharedDelivery: undefined,
      },
      eventDestinations: [
        { ...SNS_DESTINATION, Enabled: true },
        { ...BUS_DESTINATION, Enabled: false },
      ],
      tags: [{ Key: 'team', Value: 'mail' }],
      timeoutSeconds: 300,
    });
    const bare = parseProperties({ Region: 'us-east-1', ConfigurationSetName: 'x' }, 'us-east-1');
    expect(bare.options).toMatchObject({ sendingEnabled: true, reputationMetricsEnabled: false, tlsPolicy: 'OPTIONAL' });
    expect(bare.eventDestinations).toEqual([]);
  });

  test('every problem at once, named by its property, before any SES call', async () => {
    const bad = props({
      ConfigurationSetName: 'a b',
      Region: 'us-east-1',
      SendingEnabled: 'yes',
      TlsPolicy: 'ALWAYS',
      MaxDeliverySeconds: '60',
      SuppressedReasons: ['SPAM'],
      CustomRedirectDomain: undefined,
      HttpsPolicy: 'REQUIRE',
      EngagementMetrics: 'ON',
      EventDestinations: [
        { Name: 'x', MatchingEventTypes: [], SnsDestination: { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t' } },
        { Name: 'x', MatchingEventTypes: ['SEND'] },
        { Name: 'f', MatchingEventTypes: ['SEND'], KinesisFirehoseDestination: { DeliveryStreamArn: 'nope', IamRoleArn: 'arn:aws:iam::123456789012:user/u' } },
        { Name: 'c', MatchingEventTypes: ['OPENED'], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'a b', DimensionValueSource: 'TAG' }] } },
        { Name: 'e', MatchingEventTypes: ['SEND'], EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/mine' } },
      ],
      Tags: [{ Key: 'aws:x', Value: 'y' }],
      Other: 1,
    });
    const failure = onEvent(event('Create', { ResourceProperties: bad }), ctx);
    await expect(failure).rejects.toThrow(/^Invalid properties for the SES configuration set: unknown property 'Other'; /);
    const message = await failure.catch((e: Error) => e.message);
    for (const part of [
      "`ConfigurationSetName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'",
      "`secondaryRegion` must differ from the primary region (the stack's region, where the primary configuration set is created), got: 'us-east-1'",
      "`TlsPolicy` must be one of REQUIRE, OPTIONAL, got: 'ALWAYS'",
      "`MaxDeliverySeconds` must be a whole number of seconds between 5 minutes and 14 hours (SES's MaxDeliverySeconds, 300-50400), got: 60 seconds",
      "`SuppressedReasons` must be one of BOUNCE, COMPLAINT, got: 'SPAM'",
      '`HttpsPolicy` needs a `CustomRedirectDomain` (it is the policy of that tracking domain), got none',
      "`SendingEnabled` must be true or false, got: 'yes'",
      "`EngagementMetrics` must be one of ENABLED, DISABLED, got: 'ON'",
      '`EventDestinations[0].MatchingEventTypes` must list at least one event type, got: []',
      "`EventDestinations[0].SnsDestination.TopicArn` must be in us-east-1 (SES publishes a region's events only to targets in that region), got: 'arn:aws:sns:eu-west-1:123456789012:t'",
      '`EventDestinations[1]` must have exactly one of CloudWatchDestination, EventBridgeDestination, SnsDestination, KinesisFirehoseDestination, got: none',
      "`EventDestinations[2].KinesisFirehoseDestination.DeliveryStreamArn` must be a Firehose delivery stream ARN, got: 'nope'",
      "`EventDestinations[2].KinesisFirehoseDestination.IamRoleArn` must be an IAM role ARN, got: 'arn:aws:iam::123456789012:user/u'",
      "`EventDestinations[3].MatchingEventTypes` must be one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION, got: 'OPENED'",
      "`EventDestinations[3].CloudWatchDestination.DimensionConfigurations[0].DimensionName` must be 1-256 characters of ASCII letters, digits or _ - . @ :, got: 'a b'",
      '`EventDestinations[3].CloudWatchDestination.DimensionConfigurations[0].DefaultDimensionValue` must be 1-256 characters',
      "`EventDestinations[3].CloudWatchDestination.DimensionConfigurations[0].DimensionValueSource` must be one of MESSAGE_TAG, EMAIL_HEADER, LINK_TAG, got: 'TAG'",
      '`EventDestinations[4].EventBridgeDestination.EventBusArn` must be the ARN of a default event bus',
      "`Tags` keys must not start with 'aws:' (reserved by AWS), got: 'aws:x'",
    ]) expect(message).toContain(part);
    expect(ses.calls()).toHaveLength(0);
  });

  test('duplicate destination names, too many destinations, and a non-list are refused', () => {
    expect(() => parseProperties(props({ EventDestinations: [SNS_DESTINATION, SNS_DESTINATION] }), 'us-east-1'))
      .toThrow("`EventDestinations` names must be unique, got 'Bounces' twice");
    const many = Array.from({ length: 11 }, (_, i) => ({ ...SNS_DESTINATION, Name: `d${i}` }));
    expect(() => parseProperties(props({ EventDestinations: many }), 'us-east-1'))
      .toThrow("`EventDestinations` may hold at most 10 destinations (SES's quota per configuration set), got: 11");
    expect(() => parseProperties(props({ EventDestinations: 'x', SuppressedReasons: 'x', Tags: 'x' }), 'us-east-1'))
      .toThrow(/`SuppressedReasons` must be a list.*`EventDestinations` must be a list.*`Tags` must be a list of \{Key, Value\}/);
    expect(() => parseProperties(props({ EventDestinations: ['x'] }), 'us-east-1')).toThrow('`EventDestinations[0]` must be an object, got: "x"');
    expect(() => parseProperties(props({ EventDestinations: [{ Name: 'c', MatchingEventTypes: ['SEND'], CloudWatchDestination: {} }] }), 'us-east-1'))
      .toThrow('`EventDestinations[0].CloudWatchDestination.DimensionConfigurations` must list at least one dimension, got: null');
  });
});

describe('Create', () => {
  test('creates the set with every option group and tags, then its destinations; one log line per call', async () => {
    ses.on(CreateConfigurationSetCommand).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).resolves({});
    const all = props({
      CustomRedirectDomain: 'track.example.com',
      HttpsPolicy: 'REQUIRE_OPEN_ONLY',
      EngagementMetrics: 'ENABLED',
      OptimizedSharedDelivery: 'DISABLED',
      EventDestinations: [SNS_DESTINATION, BUS_DESTINATION],
    });
    const result = await onEvent(event('Create', { ResourceProperties: all }), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/transactional', CreatedAt: T0, WaitDeadline: T0 + 60_000 });
    expect(ses.commandCalls(CreateConfigurationSetCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: 'transactional',
      SendingOptions: { SendingEnabled: true },
      ReputationOptions: { ReputationMetricsEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE', MaxDeliverySeconds: 7200 },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE'] },
      TrackingOptions: { CustomRedirectDomain: 'track.example.com', HttpsPolicy: 'REQUIRE_OPEN_ONLY' },
      VdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' }, GuardianOptions: { OptimizedSharedDelivery: 'DISABLED' } },
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }],
    });
    expect(ses.commandCalls(CreateConfigurationSetEventDestinationCommand).map((c) => c.args[0].input)).toEqual([
      { ConfigurationSetName: 'transactional', EventDestinationName: 'Bounces', EventDestination: { Enabled: true, MatchingEventTypes: ['BOUNCE'], SnsDestination: { TopicArn: TOPIC } } },
      {
        ConfigurationSetName: 'transactional',
        EventDestinationName: 'Bus',
        EventDestination: { Enabled: false, MatchingEventTypes: ['DELIVERY', 'SEND'], EventBridgeDestination: BUS_DESTINATION.EventBridgeDestination },
      },
    ]);
    expect(ses.calls()).toHaveLength(3); // no read at all
    expect(primary.calls()).toHaveLength(0);
    expect(logs[0]).toEqual({ operation: 'CreateConfigurationSet', region: 'us-west-2', configurationSetName: 'transactional', outcome: 'ok' });
    expect(logs[1]).toEqual({
      operation: 'CreateConfigurationSetEventDestination', region: 'us-west-2', configurationSetName: 'transactional', eventDestinationName: 'Bounces', outcome: 'ok',
    });
  });

  test('the new set not found yet for its destinations: isComplete adds them once it sees the set', async () => {
    ses.on(CreateConfigurationSetCommand).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).rejectsOnce(exception(NotFoundException)).resolves({});
    const result = await onEvent(event('Create'), ctx);
    expect(result).toMatchObject({ DestinationsPending: true });
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [] });
    expect(await isComplete({ ...event('Create'), ...result }, ctx)).toEqual({
      IsComplete: true,
      Data: { ConfigurationSetName: 'transactional', Region: 'us-west-2', Arn: ARN },
    });
    expect(ses.commandCalls(CreateConfigurationSetEventDestinationCommand)).toHaveLength(2);
  });

  test('AlreadyExists, ours (a retried Create): adopted; only the differing option groups, destinations and tags are written', async () => {
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours({ team: 'old', stale: 'x' }) });
    ses.on(GetConfigurationSetCommand).resolves({ ...asWanted(), ReputationOptions: { ReputationMetricsEnabled: false }, TrackingOptions: { CustomRedirectDomain: 'old.example.com' } });
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({
      EventDestinations: [{ ...SES_SNS, MatchingEventTypes: ['BOUNCE', 'COMPLAINT'] }, { Name: 'Gone', Enabled: true, MatchingEventTypes: ['SEND'], SnsDestination: { TopicArn: TOPIC } }],
    });
    await onEvent(event('Create'), ctx);
    expect(writeNames()).toEqual([
      'CreateConfigurationSetCommand',
      'PutConfigurationSetReputationOptionsCommand',
      'PutConfigurationSetTrackingOptionsCommand',
      'DeleteConfigurationSetEventDestinationCommand',
      'UpdateConfigurationSetEventDestinationCommand',
      'UntagResourceCommand',
      'TagResourceCommand',
    ]);
    expect(ses.commandCalls(PutConfigurationSetTrackingOptionsCommand)[0].args[0].input).toEqual({ ConfigurationSetName: 'transactional' });
    expect(ses.commandCalls(DeleteConfigurationSetEventDestinationCommand)[0].args[0].input).toEqual({ ConfigurationSetName: 'transactional', EventDestinationName: 'Gone' });
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: ['stale'] });
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: 'team', Value: 'mail' }] });
    expect(logs).toContainEqual({ operation: 'AdoptOwnConfigurationSet', region: 'us-west-2', configurationSetName: 'transactional', outcome: 'ok' });
  });

  test('AlreadyExists, ours and already as wanted: no write at all', async () => {
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours() });
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [SES_SNS] });
    await onEvent(event('Create'), ctx);
    expect(writes()).toBe(1); // the Create itself
  });

  test('AlreadyExists, made by another resource of this stack (a moved construct): taken over, remembering the old owner', async () => {
    const old = `${STACK_ID}/OldSecondary`;
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ team: 'mail', [OWNER_TAG_KEY]: old }) });
    ses.on(GetConfigurationSetCommand).resolves(asWanted(tagList({ team: 'mail', [OWNER_TAG_KEY]: old })));
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [SES_SNS] });
    await onEvent(event('Create'), ctx);
    expect(ses.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }, { Key: PREVIOUS_OWNER_TAG_KEY, Value: old }] },
    ]);
    expect(ses.commandCalls(UntagResourceCommand)).toHaveLength(0);
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'TakeOverMovedConfigurationSet', from: old }));
  });

  test.each([
    ['another stack', { [OWNER_TAG_KEY]: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1/SetSecondary' }],
    ['nobody (made by hand)', { team: 'x' }],
  ])('AlreadyExists, owned by %s: fails naming it, reads nothing more and writes nothing', async (_who, tags) => {
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList(tags) });
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "An SES configuration set named 'transactional' already exists in us-west-2 and was not created by this stack: choose another configurationSetName, "
      + 'or delete that configuration set if this stack should own it. It was left untouched.');
    expect(writes()).toBe(1);
    expect(ses.commandCalls(GetConfigurationSetCommand)).toHaveLength(0);
  });

  test('AlreadyExists but not found yet: asked again for a minute, then fails; found by its tags but not by Get: fails', async () => {
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).rejectsOnce(exception(NotFoundException)).resolves({ Tags: ours() });
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: [SES_SNS] });
    await expect(onEvent(event('Create'), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'us-west-2/transactional' });
    const cannotFind = "SES says a configuration set named 'transactional' already exists in us-west-2 but cannot find it: it may be being deleted. "
      + 'Deploy again in a few minutes.';
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(cannotFind);
    ses.reset();
    ses.on(CreateConfigurationSetCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(cannotFind);
  });

  test('quotas and BadRequests fail with SES\'s message', async () => {
    ses.on(CreateConfigurationSetCommand).rejects(exception(LimitExceededException, 'Maximum number of configuration sets'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "Cannot create the SES configuration set 'transactional' in us-west-2: the account's quota of configuration sets there is reached "
      + '(Maximum number of configuration sets). Delete unused configuration sets or request a quota increase.');
    ses.on(CreateConfigurationSetCommand).rejects(exception(BadRequestException, 'bad'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("SES refused to create the configuration set 'transactional' in us-west-2: bad");
    ses.on(CreateConfigurationSetCommand).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).rejects(exception(LimitExceededException, 'Maximum'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "Cannot add the event destination 'Bounces' to the SES configuration set 'transactional' in us-west-2: "
      + "SES's quota of event destinations per configuration set is reached (Maximum).");
    ses.on(CreateConfigurationSetEventDestinationCommand).rejects(exception(BadRequestException, 'no such topic'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "SES refused the event destination 'Bounces' of the configuration set 'transactional' in us-west-2: no such topic");
    ses.on(CreateConfigurationSetEventDestinationCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow('Rate exceeded');
  });
});

describe('isComplete after Create', () => {
  const created = () => event('Create', { PhysicalResourceId: 'us-west-2/transactional', CreatedAt: T0, WaitDeadline: T0 + 60_000 });

  test('complete once visible, with the attributes; one Get', async () => {
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    expect(await isComplete(created(), ctx)).toEqual({
      IsComplete: true,
      Data: { ConfigurationSetName: 'transactional', Region: 'us-west-2', Arn: ARN },
    });
    expect(ses.calls()).toHaveLength(1);
  });

  test('NotFound right after Create is waited out; after the grace it fails', async () => {
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    expect(await isComplete(created(), ctx)).toEqual({ IsComplete: false });
    clock = T0 + NOT_FOUND_GRACE_MS;
    await expect(isComplete({ ...created(), WaitDeadline: T0 + 600_000 }, ctx)).rejects.toThrow(
      "The SES configuration set 'transactional' in us-west-2 was not found: it was deleted outside CloudFormation or never became visible.");
  });

  test('destinations still pending and their list not found yet: not yet', async () => {
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    ses.on(GetConfigurationSetEventDestinationsCommand).rejects(exception(NotFoundException));
    expect(await isComplete({ ...created(), DestinationsPending: true }, ctx)).toEqual({ IsComplete: false });
  });

  test('throttling is "not yet" until the deadline, then it fails', async () => {
    ses.on(GetConfigurationSetCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    expect(await isComplete(created(), ctx)).toEqual({ IsComplete: false });
    clock = T0 + 60_000;
    await expect(isComplete(created(), ctx)).rejects.toThrow('Rate exceeded');
  });

  test('a failed replacement removes the new set it created if it is ours, gives back one taken over, leaves a foreign one', async () => {
    const replacement = { ...created(), RequestType: 'Update' as const, Replacement: true, CreatedAt: T0 - NOT_FOUND_GRACE_MS };
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours() });
    ses.on(DeleteConfigurationSetCommand).resolves({});
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(ses.commandCalls(DeleteConfigurationSetCommand)).toHaveLength(1);

    const old = `${STACK_ID}/OldSecondary`;
    ses.reset();
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ [OWNER_TAG_KEY]: OWNER, [PREVIOUS_OWNER_TAG_KEY]: old }) });
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(ses.commandCalls(DeleteConfigurationSetCommand)).toHaveLength(0);
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: old }] });

    ses.reset();
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ [OWNER_TAG_KEY]: 'someone else' }) });
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(writes()).toBe(0);

    ses.reset();
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).rejects(exception(BadRequestException, 'boom'));
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'RemoveFailedReplacement', outcome: 'BadRequestException' }));
  });

  test('a Settled update, and a Delete, ask SES nothing', async () => {
    const data = { ConfigurationSetName: 'transactional', Region: 'us-west-2', Arn: ARN };
    expect(await isComplete({ ...created(), RequestType: 'Update', Settled: true, Data: data }, ctx)).toEqual({ IsComplete: true, Data: data });
    expect(await isComplete({ ...created(), RequestType: 'Delete', NothingToDelete: true }, ctx)).toEqual({ IsComplete: true });
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('Update', () => {
  const update = (newProps: Record<string, unknown> = {}) => event('Update', {
    PhysicalResourceId: 'us-west-2/transactional',
    ResourceProperties: props(newProps),
    OldResourceProperties: props(),
  });
  const holds = (set = asWanted(), destinations: any[] = [SES_SNS]) => {
    ses.on(GetConfigurationSetCommand).resolves(set);
    ses.on(GetConfigurationSetEventDestinationsCommand).resolves({ EventDestinations: destinations });
  };

  test('reads the set and its destinations once, writes only the option groups that differ; settled at once', async () => {
    holds({ ...asWanted(), DeliveryOptions: { TlsPolicy: 'REQUIRE', MaxDeliverySeconds: 7200, SendingPoolName: 'pool-a' } as any });
    const result = await onEvent(update({
      SendingEnabled: 'false',
      MaxDeliverySeconds: undefined,
      SuppressedReasons: [],
      EngagementMetrics: 'DISABLED',
    }), ctx);
    expect(result).toEqual({
      PhysicalResourceId: 'us-west-2/transactional',
      WaitDeadline: T0 + 60_000,
      Settled: true,
      Data: { ConfigurationSetName: 'transactional', Region: 'us-west-2', Arn: ARN },
    });
    expect(writeNames()).toEqual([
      'PutConfigurationSetSendingOptionsCommand',
      'PutConfigurationSetDeliveryOptionsCommand',
      'PutConfigurationSetSuppressionOptionsCommand',
      'PutConfigurationSetVdmOptionsCommand',
    ]);
    // An attached dedicated IP pool stays attached.
    expect(ses.commandCalls(PutConfigurationSetDeliveryOptionsCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: 'transactional', TlsPolicy: 'REQUIRE', SendingPoolName: 'pool-a',
    });
    expect(ses.commandCalls(PutConfigurationSetSuppressionOptionsCommand)[0].args[0].input).toEqual({ ConfigurationSetName: 'transactional', SuppressedReasons: [] });
    expect(ses.commandCalls(PutConfigurationSetVdmOptionsCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: 'transactional', VdmOptions: { DashboardOptions: { EngagementMetrics: 'DISABLED' } },
    });
    expect(ses.commandCalls(ListTagsForResourceCommand)).toHaveLength(0); // GetConfigurationSet answered the tags
  });

  test('a set at SES\'s defaults matches a definition without options; auto-validation options are kept', async () => {
    const validation = { ConditionThreshold: { ConditionThresholdEnabled: 'ENABLED' as const } };
    holds({ ConfigurationSetName: 'transactional', SuppressionOptions: { ValidationOptions: validation }, Tags: ours() } as any, []);
    await onEvent(update({
      ReputationMetricsEnabled: undefined,
      TlsPolicy: undefined,
      MaxDeliverySeconds: undefined,
      SuppressedReasons: undefined,
      EventDestinations: [],
    }), ctx);
    expect(writes()).toBe(0);
    await onEvent(update({ ReputationMetricsEnabled: undefined, TlsPolicy: undefined, MaxDeliverySeconds: undefined, EventDestinations: [] }), ctx);
    expect(ses.commandCalls(PutConfigurationSetSuppressionOptionsCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: 'transactional', SuppressedReasons: ['BOUNCE'], ValidationOptions: validation,
    });
  });

  test('destinations: removed ones deleted, changed ones updated, new ones created; same events in another order is no change', async () => {
    holds(asWanted(), [
      { ...SES_SNS, MatchingEventTypes: ['BOUNCE'] },
      { ...BUS_DESTINATION, Enabled: true, MatchingEventTypes: ['SEND', 'DELIVERY'] },
      { Name: 'Old', Enabled: true, MatchingEventTypes: ['SEND'], SnsDestination: { TopicArn: TOPIC } },
    ]);
    const metrics = {
      Name: 'Metrics',
      Enabled: 'true',
      MatchingEventTypes: ['SEND'],
      CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'c', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'none' }] },
    };
    await onEvent(update({ EventDestinations: [SNS_DESTINATION, BUS_DESTINATION, metrics] }), ctx);
    expect(writeNames()).toEqual([
      'DeleteConfigurationSetEventDestinationCommand',
      'UpdateConfigurationSetEventDestinationCommand',
      'CreateConfigurationSetEventDestinationCommand',
    ]);
    expect(ses.commandCalls(UpdateConfigurationSetEventDestinationCommand)[0].args[0].input).toEqual({
      ConfigurationSetName: 'transactional',
      EventDestinationName: 'Bus',
      EventDestination: { Enabled: false, MatchingEventTypes: ['DELIVERY', 'SEND'], EventBridgeDestination: BUS_DESTINATION.EventBridgeDestination },
    });
  });

  test('compares with the set itself, not OldResourceProperties: a rollback to what it holds writes nothing', async () => {
    holds();
    await onEvent({ ...update(), OldResourceProperties: props({ ReputationMetricsEnabled: 'false', EventDestinations: [] }) }, ctx);
    expect(writes()).toBe(0);
  });

  test('a set another owner holds is refused, untouched; an update that would write nothing goes through', async () => {
    const theirs = tagList({ team: 'mail', [OWNER_TAG_KEY]: 'someone' });
    holds(asWanted(theirs));
    await expect(onEvent(update({ TlsPolicy: 'OPTIONAL' }), ctx)).rejects.toThrow(
      "The SES configuration set 'transactional' in us-west-2 is not owned by this resource (its cdk-ses-multi-region-endpoint:owner tag is \"someone\"): "
      + 'it was left untouched. Give this resource another configurationSetName, or remove it from the stack.');
    await expect(onEvent(update({ EventDestinations: [] }), ctx)).rejects.toThrow('is not owned by this resource');
    await expect(onEvent(update({ Tags: [] }), ctx)).rejects.toThrow('is not owned by this resource');
    await expect(onEvent(update(), ctx)).resolves.toMatchObject({ Settled: true });
    expect(writes()).toBe(0);
  });

  test('gone before an update (deleted outside CloudFormation): created again, so its rollback goes through too', async () => {
    ses.on(GetConfigurationSetCommand).rejects(exception(NotFoundException));
    ses.on(CreateConfigurationSetCommand).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).resolves({});
    await expect(onEvent(update({ TlsPolicy: 'OPTIONAL' }), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'us-west-2/transactional' });
    expect(ses.commandCalls(CreateConfigurationSetCommand)[0].args[0].input).toMatchObject({ ConfigurationSetName: 'transactional' });
    expect(logs.some((l) => l.operation === 'RecreateMissingConfigurationSet')).toBe(true);
  });

  test.each([
    ['a new name', { ConfigurationSetName: 'transactional-v2' }, 'us-west-2/transactional-v2'],
    ['a new region', { Region: 'eu-west-1', EventDestinations: [] }, 'eu-west-1/transactional'],
  ])('%s creates a new set (CloudFormation deletes the old one)', async (_what, change, physicalId) => {
    const client = mockClient(SESv2Client);
    client.on(CreateConfigurationSetCommand).resolves({});
    client.on(CreateConfigurationSetEventDestinationCommand).resolves({});
    const any: ConfigurationSetHandlerContext = { ...ctx, ses: () => new SESv2Client({ region: 'x' }) };
    const result = await onEvent(update(change), any);
    expect(result).toMatchObject({ PhysicalResourceId: physicalId, Replacement: true, CreatedAt: T0 });
    expect(client.commandCalls(CreateConfigurationSetCommand)[0].args[0].input.ConfigurationSetName).toBe((change as any).ConfigurationSetName ?? 'transactional');
    client.restore();
  });
});

describe('Delete', () => {
  const del = (physicalId = 'us-west-2/transactional') => event('Delete', { PhysicalResourceId: physicalId });

  test('deletes a set it owns (its destinations with it), and is complete at once', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours() });
    ses.on(DeleteConfigurationSetCommand).resolves({});
    const result = await onEvent(del(), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/transactional', NothingToDelete: true });
    expect(ses.commandCalls(DeleteConfigurationSetCommand)[0].args[0].input).toEqual({ ConfigurationSetName: 'transactional' });
    expect(ses.commandCalls(DeleteConfigurationSetEventDestinationCommand)).toHaveLength(0);
  });

  test('NotFound (on the tags or on the Delete) means gone; another failure fails', async () => {
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(writes()).toBe(0);
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours() });
    ses.on(DeleteConfigurationSetCommand).rejects(exception(NotFoundException));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    ses.on(DeleteConfigurationSetCommand).rejects(exception(BadRequestException, 'in use'));
    await expect(onEvent(del(), ctx)).rejects.toThrow('in use');
    ses.on(ListTagsForResourceCommand).rejects(exception(BadRequestException, 'denied'));
    await expect(onEvent(del(), ctx)).rejects.toThrow('denied');
  });

  test('a foreign set is left alone', async () => {
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ [OWNER_TAG_KEY]: 'someone' }) });
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(writes()).toBe(0);
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'Delete', outcome: 'not created by this resource, left untouched', owner: 'someone' }));
  });

  test('a moved construct: the old resource completes the handover; a rolled-back move gives it back', async () => {
    const old = `${STACK_ID}/OldSecondary`;
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ [OWNER_TAG_KEY]: old, [PREVIOUS_OWNER_TAG_KEY]: OWNER }) });
    await onEvent(del(), ctx);
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: [PREVIOUS_OWNER_TAG_KEY] });
    expect(ses.commandCalls(DeleteConfigurationSetCommand)).toHaveLength(0);

    ses.reset();
    ses.on(ListTagsForResourceCommand).resolves({ Tags: tagList({ [OWNER_TAG_KEY]: OWNER, [PREVIOUS_OWNER_TAG_KEY]: old }) });
    await onEvent(del(), ctx);
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: old }] });
    expect(ses.commandCalls(DeleteConfigurationSetCommand)).toHaveLength(0);
  });

  test('a physical id that is no configuration set id (a failed Create) touches nothing', async () => {
    await expect(onEvent(del('MailStack-SetSecondary-CREATE_FAILED'), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    await expect(onEvent(del('us-west-2/a b'), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(ses.calls()).toHaveLength(0);
  });

  test('an unknown request type fails', async () => {
    await expect(onEvent(event('Other' as any), ctx)).rejects.toThrow('Unknown RequestType: "Other"');
  });
});

describe('throttling, through the Pacer', () => {
  const pacer = (giveUpAt = Number.POSITIVE_INFINITY) => new Pacer({
    schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep: ctx.sleep, random: () => 0, giveUpAt,
  });

  test('a throttled Create is retried at a later turn and succeeds; each attempt logged', async () => {
    ses.on(CreateConfigurationSetCommand).rejectsOnce(exception(TooManyRequestsException, 'Rate exceeded')).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).resolves({});
    const result = await onEvent(event('Create'), { ...ctx, pacer: pacer() });
    expect(result.PhysicalResourceId).toBe('us-west-2/transactional');
    expect(ses.commandCalls(CreateConfigurationSetCommand)).toHaveLength(2);
    expect(logs.map((l) => l.outcome)).toEqual(['TooManyRequestsException', 'ok', 'ok']);
  });

  test.each(['Create', 'Delete'] as const)('a %s throttled for all of onEvent is handed over; isComplete does it', async (requestType) => {
    const physical = requestType === 'Delete' ? { PhysicalResourceId: 'us-west-2/transactional' } : {};
    ses.on(CreateConfigurationSetCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    ses.on(ListTagsForResourceCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    const handedOver = await onEvent(event(requestType, physical), { ...ctx, pacer: pacer(T0 + 10_000) });
    expect(handedOver).toEqual({ PhysicalResourceId: 'us-west-2/transactional', Pending: true, CreatedAt: clock, WaitDeadline: clock + 60_000 });

    ses.reset();
    ses.on(CreateConfigurationSetCommand).resolves({});
    ses.on(CreateConfigurationSetEventDestinationCommand).resolves({});
    ses.on(GetConfigurationSetCommand).resolves(asWanted());
    ses.on(ListTagsForResourceCommand).resolves({ Tags: ours() });
    ses.on(DeleteConfigurationSetCommand).resolves({});
    const done = await isComplete({ ...event(requestType, physical), ...handedOver }, { ...ctx, pacer: pacer() });
    expect(done.IsComplete).toBe(true);
    expect(ses.commandCalls(requestType === 'Create' ? CreateConfigurationSetCommand : DeleteConfigurationSetCommand)).toHaveLength(1);
  });
});
