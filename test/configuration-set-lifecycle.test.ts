/**
 * CloudFormation lifecycles of MultiRegionConfigurationSet: synthesized stacks played by the
 * driver, running the BUNDLED handler staged in the cloud assembly through the real SES v2 SDK,
 * against the local SESv2 emulator. Every scenario asserts what exists in the emulator, in BOTH
 * regions, at the end: nothing orphaned, nothing foreign touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { MultiRegionConfigurationSet, MultiRegionConfigurationSetProps, MultiRegionEventDestination } from '../lib/configuration-set';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const PRIMARY = 'us-east-1';
const SECONDARY = 'us-west-2';
const STACK = 'MailStack';
const CALLER = 'AKIDSTACK';
const ACCOUNT = '123456789012';
let emulator: SesEmulator;
let logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  if (!fs.existsSync(BUNDLE)) {
    throw new Error(`The bundled handler ${BUNDLE} is missing: run 'npx projen bundle' (npm test does it first).`);
  }
  emulator = await SesEmulator.start();
});
afterAll(async () => emulator?.stop());
beforeEach(() => {
  emulator.reset();
  emulator.options = {};
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => { logLines.push(JSON.parse(line)); });
});
afterEach(() => jest.restoreAllMocks());

type Props = Partial<MultiRegionConfigurationSetProps>;
const topic = (region: string) => `arn:aws:sns:${region}:${ACCOUNT}:mail-events`;
const stream = (region: string) => ({
  deliveryStreamArn: `arn:aws:firehose:${region}:${ACCOUNT}:deliverystream/mail-events`,
  iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ses-to-firehose`,
});

/** A stack with one configuration set; `bounceEvents` changes the SNS destination's events. */
function synth(props: Props, options: { destinations?: boolean; bounceEvents?: ses.EmailSendingEvent[] } = {}): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: PRIMARY, account: ACCOUNT } });
  const set = new MultiRegionConfigurationSet(stack, 'Transactional', { secondaryRegion: SECONDARY, ...props });
  if (options.destinations ?? true) {
    set.addEventDestination('Metrics', {
      destination: MultiRegionEventDestination.cloudWatchDimensions([
        { name: 'campaign', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
    });
    set.addEventDestination('Bus', { destination: MultiRegionEventDestination.eventBridge(), events: [ses.EmailSendingEvent.DELIVERY] });
    set.addEventDestination('Bounces', {
      destination: MultiRegionEventDestination.snsTopicArns(topic(PRIMARY), topic(SECONDARY)),
      events: options.bounceEvents ?? [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    set.addEventDestination('Archive', {
      destination: MultiRegionEventDestination.firehoseDeliveryStreams(stream(PRIMARY), stream(SECONDARY)),
      events: [ses.EmailSendingEvent.SEND],
      enabled: false,
    });
  }
  new CfnOutput(stack, 'Name', { value: set.configurationSetName });
  new CfnOutput(stack, 'Arn', { value: set.configurationSetArn });
  return app.synth();
}

function driver(periodMs = 20): CloudFormationDriver {
  return new CloudFormationDriver({
    stackName: STACK,
    region: PRIMARY,
    lambdaEnv: { ...emulator.clientEnv(PRIMARY, CALLER), SES_CALL_PERIOD_MS: String(periodMs) },
  });
}

/** Every configuration set, as `<region>/<name>`, sorted. */
const sets = () => emulator.configurationSets().map((s) => `${s.region}/${s.configurationSetName}`).sort();
const ownedBy = (extra: Record<string, string> = {}) => ({
  ...extra,
  [OWNER_TAG_KEY]: expect.stringMatching(new RegExp(`^arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${STACK}/[^/]+/Transactional(Primary|Secondary)[0-9A-F]*$`)),
});
const SET_WRITES = /^(CreateConfigurationSet|DeleteConfigurationSet|PutConfigurationSet\w+|(Create|Update|Delete)ConfigurationSetEventDestination|TagResource|UntagResource)$/;
const writesSince = (start: number) => emulator.calls.slice(start).filter((c) => SET_WRITES.test(c.operation) && c.httpStatus === 200);

/** The destinations SES holds in `region`, as SES v2 holds them. */
function expectedDestinations(region: string, bounceEvents = ['BOUNCE', 'COMPLAINT']) {
  return [
    {
      Name: 'Metrics',
      Enabled: true,
      MatchingEventTypes: expect.arrayContaining(['SEND', 'DELIVERY', 'BOUNCE', 'RENDERING_FAILURE', 'DELIVERY_DELAY']),
      CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'campaign', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'none' }] },
    },
    { Name: 'Bus', Enabled: true, MatchingEventTypes: ['DELIVERY'], EventBridgeDestination: { EventBusArn: `arn:aws:events:${region}:${ACCOUNT}:event-bus/default` } },
    { Name: 'Bounces', Enabled: true, MatchingEventTypes: bounceEvents, SnsDestination: { TopicArn: topic(region) } },
    { Name: 'Archive', Enabled: false, MatchingEventTypes: ['SEND'], KinesisFirehoseDestination: { IamRoleArn: stream(region).iamRoleArn, DeliveryStreamArn: stream(region).deliveryStreamArn } },
  ];
}

const OPTIONS: Props = {
  configurationSetName: 'transactional',
  reputationMetrics: true,
  suppressionReasons: ses.SuppressionReasons.BOUNCES_ONLY,
  tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
  maxDeliveryDuration: Duration.hours(2),
  customTrackingRedirectDomain: 'track.example.com',
  customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE,
  vdmOptions: { engagementMetrics: true, optimizedSharedDelivery: false },
  tags: { team: 'mail' },
};

test('create with every option and four destination kinds -> change options and a destination -> rename -> destroy, in both regions', async () => {
  const cfn = driver();
  const created = await cfn.deploy(synth(OPTIONS));
  expect(created).toMatchObject({
    status: 'CREATE_COMPLETE',
    outputs: { Name: 'transactional', Arn: `arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/transactional` },
  });
  expect(sets()).toEqual([`${PRIMARY}/transactional`, `${SECONDARY}/transactional`]);
  for (const region of [PRIMARY, SECONDARY]) {
    const set = emulator.configurationSet(region, 'transactional')!;
    expect(set).toMatchObject({
      sendingOptions: { SendingEnabled: true },
      reputationOptions: { ReputationMetricsEnabled: true },
      deliveryOptions: { TlsPolicy: 'REQUIRE', MaxDeliverySeconds: 7200 },
      suppressionOptions: { SuppressedReasons: ['BOUNCE'] },
      trackingOptions: { CustomRedirectDomain: 'track.example.com', HttpsPolicy: 'REQUIRE' },
      vdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' }, GuardianOptions: { OptimizedSharedDelivery: 'DISABLED' } },
      tags: ownedBy({ team: 'mail' }),
    });
    expect(set.eventDestinations).toEqual(expectedDestinations(region));
  }
  // The secondary region first; one JSON log line per call, naming the region and the set.
  expect(emulator.calls.filter((c) => c.operation === 'CreateConfigurationSet').map((c) => c.region)).toEqual([SECONDARY, PRIMARY]);
  expect(logLines).toContainEqual({ operation: 'CreateConfigurationSet', region: SECONDARY, configurationSetName: 'transactional', outcome: 'ok' });
  expect(logLines).toContainEqual({
    operation: 'CreateConfigurationSetEventDestination', region: PRIMARY, configurationSetName: 'transactional', eventDestinationName: 'Bounces', outcome: 'ok',
  });

  // Change one option group and one destination: only those are written, in each region.
  const before = emulator.calls.length;
  const changed = await cfn.deploy(synth({ ...OPTIONS, reputationMetrics: false }, { bounceEvents: [ses.EmailSendingEvent.BOUNCE] }));
  expect(changed.status).toBe('UPDATE_COMPLETE');
  expect(writesSince(before).map((c) => `${c.region} ${c.operation}`).sort()).toEqual([
    `${PRIMARY} PutConfigurationSetReputationOptions`,
    `${PRIMARY} UpdateConfigurationSetEventDestination`,
    `${SECONDARY} PutConfigurationSetReputationOptions`,
    `${SECONDARY} UpdateConfigurationSetEventDestination`,
  ]);
  // Read once per region: the set and its destinations.
  expect(emulator.calls.slice(before).filter((c) => /^Get/.test(c.operation)).map((c) => c.operation).sort()).toEqual([
    'GetConfigurationSet', 'GetConfigurationSet', 'GetConfigurationSetEventDestinations', 'GetConfigurationSetEventDestinations',
  ]);
  for (const region of [PRIMARY, SECONDARY]) {
    const set = emulator.configurationSet(region, 'transactional')!;
    expect(set.reputationOptions.ReputationMetricsEnabled).toBe(false);
    expect(set.eventDestinations).toEqual(expectedDestinations(region, ['BOUNCE']));
  }

  // Fewer destinations and default options: removed destinations are deleted, options reset.
  const reset = await cfn.deploy(synth({ configurationSetName: 'transactional' }, { destinations: false }));
  expect(reset.status).toBe('UPDATE_COMPLETE');
  for (const region of [PRIMARY, SECONDARY]) {
    const set = emulator.configurationSet(region, 'transactional')!;
    expect(set.eventDestinations).toEqual([]);
    expect(set.trackingOptions).toBeUndefined();
    expect(set.vdmOptions).toBeUndefined();
    expect(set.deliveryOptions).toEqual({ TlsPolicy: 'OPTIONAL' });
    expect(set.suppressionOptions?.SuppressedReasons).toBeUndefined();
    expect(set.tags).toEqual(ownedBy());
  }

  const renamed = await cfn.deploy(synth({ ...OPTIONS, configurationSetName: 'transactional-v2' }));
  expect(renamed).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: { Name: 'transactional-v2' } });
  expect(sets()).toEqual([`${PRIMARY}/transactional-v2`, `${SECONDARY}/transactional-v2`]);
  expect(emulator.configurationSet(SECONDARY, 'transactional-v2')!.eventDestinations).toEqual(expectedDestinations(SECONDARY));

  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  expect(sets()).toEqual([]);
});

test('a foreign configuration set of the same name in the primary region: the deploy fails naming it, the foreign one is untouched, nothing left', async () => {
  emulator.seedConfigurationSet({ region: PRIMARY, name: 'transactional', tags: { team: 'other' }, reputationOptions: { ReputationMetricsEnabled: true } });
  const snapshot = JSON.stringify(emulator.configurationSet(PRIMARY, 'transactional'));
  const before = emulator.calls.length;
  const result = await driver().deploy(synth(OPTIONS));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toMatch(new RegExp('^An SES configuration set named \'transactional\' already exists in us-east-1 and was not created by this stack: '
    + 'choose another configurationSetName, or delete that configuration set if this stack should own it\\. It was left untouched\\.'));
  expect(JSON.stringify(emulator.configurationSet(PRIMARY, 'transactional'))).toBe(snapshot);
  // The secondary region's set, created first, was removed by the rollback.
  expect(sets()).toEqual([`${PRIMARY}/transactional`]);
  expect(writesSince(before).filter((c) => c.region === PRIMARY)).toEqual([]);
});

test('throttled calls succeed at later turns, and NotFound right after create is waited out', async () => {
  emulator.options = { configurationSetNotFoundAfterCreateMs: 300 };
  emulator.failNext('CreateConfigurationSet', 'TooManyRequestsException');
  emulator.failNext('CreateConfigurationSetEventDestination', 'TooManyRequestsException', { times: 2 });
  emulator.failNext('GetConfigurationSet', 'TooManyRequestsException');
  const cfn = driver();
  expect((await cfn.deploy(synth(OPTIONS))).status).toBe('CREATE_COMPLETE');
  for (const region of [PRIMARY, SECONDARY]) {
    expect(emulator.configurationSet(region, 'transactional')!.eventDestinations).toEqual(expectedDestinations(region));
  }
  const throttled = emulator.calls.filter((c) => c.errorType === 'TooManyRequestsException');
  expect(throttled.length).toBe(4);
  expect(logLines.filter((l) => l.outcome === 'TooManyRequestsException').length).toBe(4);
  // SES answered NotFound to a Get right after a Create, and the deploy waited.
  expect(emulator.calls.some((c) => c.operation === 'GetConfigurationSet' && c.errorType === 'NotFoundException')).toBe(true);

  emulator.failNext('PutConfigurationSetReputationOptions', 'TooManyRequestsException');
  expect((await cfn.deploy(synth({ ...OPTIONS, reputationMetrics: false }))).status).toBe('UPDATE_COMPLETE');
  emulator.failNext('DeleteConfigurationSet', 'TooManyRequestsException');
  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  expect(sets()).toEqual([]);
});
