/**
 * The MultiRegionConfigurationSet construct (issue #13, item 1): one definition, two custom
 * resources (the stack's region and the secondary region) with every option and per-region
 * event destinations, served by the stack's one provider, synth-time validation, and
 * least-privilege grants.
 */
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  MultiRegionConfigurationSet,
  MultiRegionConfigurationSetProps,
  MultiRegionEmailTemplate,
  MultiRegionEventDestination,
  MultiRegionEventDestinationOptions,
} from '../lib';
import { CONFIGURATION_SET_RESOURCE_TYPE } from '../lib/private/configuration-set-rules';

const TYPE = 'Custom::SESConfigurationSet';
const ACCOUNT = '123456789012';
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });
const topicArn = (region: string) => `arn:aws:sns:${region}:${ACCOUNT}:events`;
const stream = (region: string) => ({
  deliveryStreamArn: `arn:aws:firehose:${region}:${ACCOUNT}:deliverystream/events`,
  iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ses-firehose-${region}`,
});

function stackIn(region?: string, app = new App()): Stack {
  return new Stack(app, 'TestStack', region ? { env: { region, account: ACCOUNT } } : undefined);
}

function setIn(stack: Stack, props: Partial<MultiRegionConfigurationSetProps> = {}, id = 'Transactional'): MultiRegionConfigurationSet {
  return new MultiRegionConfigurationSet(stack, id, { secondaryRegion: 'us-west-2', ...props });
}

const resourcesOf = (stack: Stack) => Template.fromStack(stack).findResources(TYPE) as Record<string, any>;

function bothOf(stack: Stack): { primary: [string, any]; secondary: [string, any] } {
  const entries = Object.entries(resourcesOf(stack));
  expect(entries).toHaveLength(2);
  return {
    primary: entries.find(([, r]) => r.Properties.Secondary === undefined)!,
    secondary: entries.find(([, r]) => r.Properties.Secondary === true)!,
  };
}

describe('the custom resources', () => {
  test('one per region, with the same name, every option and tags; the resource type is exported', () => {
    expect(MultiRegionConfigurationSet.RESOURCE_TYPE).toBe(TYPE);
    expect(CONFIGURATION_SET_RESOURCE_TYPE).toBe(TYPE);
    const stack = stackIn('us-east-1');
    setIn(stack, {
      configurationSetName: 'transactional',
      sendingEnabled: false,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      maxDeliveryDuration: Duration.hours(14),
      customTrackingRedirectDomain: 'track.example.com',
      customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE_OPEN_ONLY,
      vdmOptions: { engagementMetrics: true, optimizedSharedDelivery: false },
      tags: { team: 'mail' },
      timeout: Duration.minutes(2),
    });
    const { primary, secondary } = bothOf(stack);
    const common = {
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^cdksesmultiregionendpointProviderframeworkonEvent/), 'Arn'] },
      ConfigurationSetName: 'transactional',
      SendingEnabled: false,
      ReputationMetricsEnabled: true,
      TlsPolicy: 'REQUIRE',
      MaxDeliverySeconds: 50400,
      SuppressedReasons: ['BOUNCE', 'COMPLAINT'],
      CustomRedirectDomain: 'track.example.com',
      HttpsPolicy: 'REQUIRE_OPEN_ONLY',
      EngagementMetrics: 'ENABLED',
      OptimizedSharedDelivery: 'DISABLED',
      EventDestinations: [],
      Tags: [{ Key: 'team', Value: 'mail' }],
      TimeoutSeconds: 120,
      ServiceTimeout: '420',
    };
    expect(primary[1].Properties).toEqual({ ...common, Region: 'us-east-1' });
    expect(secondary[1].Properties).toEqual({ ...common, Region: 'us-west-2', Secondary: true });
    expect(primary[1].DependsOn).toContain(secondary[0]);
    expect(primary[1].DeletionPolicy).toBe('Delete');
  });

  test('defaults: a generated, stable name; SES\'s defaults written out; disableSuppressionList is an empty list', () => {
    const names = () => {
      const stack = stackIn('us-east-1');
      setIn(stack);
      setIn(stack, {}, 'Other');
      return Object.values(resourcesOf(stack)).map((r) => r.Properties.ConfigurationSetName as string);
    };
    const first = names();
    expect(first).toEqual(names());
    expect(new Set(first).size).toBe(2);
    expect(first[0]).toMatch(/^TestStack-Transactional-[0-9a-f]{8}$/);
    const stack = stackIn('us-east-1');
    setIn(stack, { disableSuppressionList: true });
    for (const r of Object.values(resourcesOf(stack))) {
      expect(r.Properties).toMatchObject({ SendingEnabled: true, ReputationMetricsEnabled: false, TlsPolicy: 'OPTIONAL', SuppressedReasons: [], TimeoutSeconds: 300 });
      expect(r.Properties.MaxDeliverySeconds).toBeUndefined();
      expect(r.Properties.CustomRedirectDomain).toBeUndefined();
    }
  });

  test('event destinations: each region gets its own targets; events in SES v2\'s names, all by default', () => {
    const stack = stackIn('us-east-1');
    const set = setIn(stack);
    set.addEventDestination('Metrics', {
      destination: MultiRegionEventDestination.cloudWatchDimensions([{ name: 'campaign', source: ses.CloudWatchDimensionSource.EMAIL_HEADER, defaultValue: 'none' }]),
      events: [ses.EmailSendingEvent.RENDERING_FAILURE, ses.EmailSendingEvent.DELIVERY_DELAY],
    });
    set.addEventDestination('Bus', { destination: MultiRegionEventDestination.eventBridge(), enabled: false });
    set.addEventDestination('Topic', { destination: MultiRegionEventDestination.snsTopicArns(topicArn('us-east-1'), topicArn('us-west-2')), eventDestinationName: 'sns' });
    set.addEventDestination('Stream', { destination: MultiRegionEventDestination.firehoseDeliveryStreams(stream('us-east-1'), stream('us-west-2')) });
    const { primary, secondary } = bothOf(stack);
    const all = Object.values(ses.EmailSendingEvent).map((e) => e.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase());
    const expected = (region: string) => [
      {
        Name: 'Metrics',
        Enabled: true,
        MatchingEventTypes: ['RENDERING_FAILURE', 'DELIVERY_DELAY'],
        CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'campaign', DimensionValueSource: 'EMAIL_HEADER', DefaultDimensionValue: 'none' }] },
      },
      { Name: 'Bus', Enabled: false, MatchingEventTypes: all, EventBridgeDestination: { EventBusArn: partitionArn(`:events:${region}:${ACCOUNT}:event-bus/default`) } },
      { Name: 'sns', Enabled: true, MatchingEventTypes: all, SnsDestination: { TopicArn: topicArn(region) } },
      {
        Name: 'Stream',
        Enabled: true,
        MatchingEventTypes: all,
        KinesisFirehoseDestination: { DeliveryStreamArn: stream(region).deliveryStreamArn, IamRoleArn: stream(region).iamRoleArn },
      },
    ];
    expect(primary[1].Properties.EventDestinations).toEqual(expected('us-east-1'));
    expect(secondary[1].Properties.EventDestinations).toEqual(expected('us-west-2'));
    expect(all).toContain('DELIVERY_DELAY');
  });

  test('an SNS topic of the stack: SES may publish to it for this configuration set', () => {
    const stack = stackIn('us-east-1');
    const topic = new sns.Topic(stack, 'Events');
    setIn(stack, { configurationSetName: 'transactional' }).addEventDestination('Topic', {
      destination: MultiRegionEventDestination.snsTopic(topic, topicArn('us-west-2')),
    });
    const policy = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Sid: '0',
      Action: 'sns:Publish',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Resource: { Ref: expect.stringMatching(/^Events/) },
      Condition: { StringEquals: { 'AWS:SourceAccount': ACCOUNT, 'AWS:SourceArn': partitionArn(`:ses:us-east-1:${ACCOUNT}:configuration-set/transactional`) } },
    }]);
    expect(bothOf(stack).primary[1].Properties.EventDestinations[0].SnsDestination).toEqual({ TopicArn: { Ref: expect.stringMatching(/^Events/) } });
  });

  test('attributes come from the primary resource; Tags.of() reaches both; removal policy applies to both', () => {
    const stack = stackIn('us-east-1');
    const set = setIn(stack, { tags: { team: 'mail' } });
    Tags.of(stack).add('cost-center', 'mail-platform');
    set.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const { primary } = bothOf(stack);
    expect(stack.resolve(set.configurationSetName)).toEqual({ 'Fn::GetAtt': [primary[0], 'ConfigurationSetName'] });
    expect(stack.resolve(set.configurationSetArn)).toEqual({ 'Fn::GetAtt': [primary[0], 'Arn'] });
    expect(JSON.stringify(stack.resolve(set.configurationSetArnIn('us-west-2')))).toContain(':ses:us-west-2:123456789012:configuration-set/');
    expect([set.primaryRegion, set.secondaryRegion]).toEqual(['us-east-1', 'us-west-2']);
    for (const r of Object.values(resourcesOf(stack))) {
      expect(r.Properties.Tags).toEqual([{ Key: 'cost-center', Value: 'mail-platform' }, { Key: 'team', Value: 'mail' }]);
      expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  test('a new secondary region is a new logical id; templates and configuration sets share the provider', () => {
    const ids = (secondaryRegion: string) => {
      const s = stackIn('us-east-1');
      setIn(s, { secondaryRegion });
      const { primary, secondary } = bothOf(s);
      return [primary[0], secondary[0]];
    };
    const [p1, s1] = ids('us-west-2');
    const [p2, s2] = ids('eu-west-1');
    expect(p1).toBe(p2);
    expect(s1).not.toBe(s2);
    const stack = stackIn('us-east-1');
    setIn(stack);
    new MultiRegionEmailTemplate(stack, 'Welcome', { secondaryRegion: 'us-west-2', subject: 's', text: 't' });
    const handlers = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.SES_CALL_SLOTS !== undefined);
    expect(handlers).toHaveLength(2);
  });
});

describe('synth-time validation names the prop and the value', () => {
  const fails = (props: Partial<MultiRegionConfigurationSetProps>) => () => setIn(stackIn('us-east-1'), props);

  test.each([
    [{ configurationSetName: 'a b' }, "`configurationSetName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'"],
    [{ secondaryRegion: 'us-east-1' }, "`secondaryRegion` must differ from the primary region (the stack's region, where the primary configuration set is created), got: 'us-east-1'"],
    [{ secondaryRegion: 'mars' }, "`secondaryRegion` must be an AWS region name such as 'us-west-2', got: 'mars'"],
    [{ maxDeliveryDuration: Duration.minutes(4) }, "`maxDeliveryDuration` must be a whole number of seconds between 5 minutes and 14 hours (SES's MaxDeliverySeconds, 300-50400), got: 240 seconds"],
    [{ maxDeliveryDuration: Duration.hours(15) }, 'got: 54000 seconds'],
    [{ maxDeliveryDuration: Duration.millis(300_500) }, 'got: 300.5 seconds'],
    [{ customTrackingRedirectDomain: 'not a domain' }, "`customTrackingRedirectDomain` must be a domain name such as 'track.example.com', got: 'not a domain'"],
    [{ customTrackingHttpsPolicy: ses.HttpsPolicy.REQUIRE }, "`customTrackingHttpsPolicy` needs `customTrackingRedirectDomain` (it is the policy of that tracking domain), got: 'REQUIRE' without a domain"],
    [{ disableSuppressionList: true, suppressionReasons: ses.SuppressionReasons.BOUNCES_ONLY },
      "`suppressionReasons` must not be given with `disableSuppressionList` (no suppression list at all), got: 'BOUNCES_ONLY'"],
    [{ tags: { 'aws:x': 'y' } }, "`tags` keys must not start with 'aws:' (reserved by AWS), got: 'aws:x'"],
    [{ timeout: Duration.seconds(2) }, '`timeout` must be a whole number of seconds between 5 seconds and 55 minutes'],
  ] as Array<[Partial<MultiRegionConfigurationSetProps>, string]>)('%j', (props, message) => {
    expect(fails(props)).toThrow(message);
  });

  test('explicit names are unique in the stack; Tags.of() tags are validated before synthesis', () => {
    const stack = stackIn('us-east-1');
    setIn(stack, { configurationSetName: 'transactional' });
    expect(() => setIn(stack, { configurationSetName: 'transactional' }, 'Again'))
      .toThrow("`configurationSetName` must be unique in the stack, got: 'transactional' (already used by TestStack/Transactional)");
    Tags.of(stack).add('bad!', 'x');
    expect(() => Template.fromStack(stack)).toThrow('`tags` and `Tags.of()` keys must be 1-128 characters');
  });

  const destinationFails = (options: MultiRegionEventDestinationOptions, id = 'Dest') => () => setIn(stackIn('us-east-1')).addEventDestination(id, options);
  test.each([
    [{ destination: MultiRegionEventDestination.eventBridge(), events: [] }, "`addEventDestination('Dest').events` must list at least one event, got: []"],
    [{ destination: MultiRegionEventDestination.eventBridge(), eventDestinationName: 'a b' },
      "`addEventDestination('Dest').eventDestinationName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'"],
    [{ destination: MultiRegionEventDestination.cloudWatchDimensions([]) }, "`addEventDestination('Dest').destination` must have at least one CloudWatch dimension, got none"],
    [{ destination: MultiRegionEventDestination.cloudWatchDimensions([{ name: 'a b', source: ses.CloudWatchDimensionSource.LINK_TAG, defaultValue: 'x' }]) },
      "`addEventDestination('Dest').destination.dimensions[0].name` must be 1-256 characters of ASCII letters, digits or _ - . @ :, got: 'a b'"],
    [{ destination: MultiRegionEventDestination.snsTopicArns(topicArn('us-west-2'), topicArn('us-west-2')) },
      "`addEventDestination('Dest').destination.primaryTopicArn` must be in us-east-1 (SES publishes a region's events only to targets in that region), "
      + "got: 'arn:aws:sns:us-west-2:123456789012:events'"],
    [{ destination: MultiRegionEventDestination.snsTopicArns(topicArn('us-east-1'), 'events') },
      "`addEventDestination('Dest').destination.secondaryTopicArn` must be an SNS topic ARN, got: 'events'"],
    [{ destination: MultiRegionEventDestination.firehoseDeliveryStreams(stream('us-east-1'), stream('eu-west-1')) },
      "`addEventDestination('Dest').destination.secondary.deliveryStreamArn` must be in us-west-2"],
    [{ destination: MultiRegionEventDestination.firehoseDeliveryStreams(stream('us-east-1'), { ...stream('us-west-2'), iamRoleArn: 'role' }) },
      "`addEventDestination('Dest').destination.secondary.iamRoleArn` must be an IAM role ARN, got: 'role'"],
  ] as Array<[MultiRegionEventDestinationOptions, string]>)('destination %#', (options, message) => {
    expect(destinationFails(options)).toThrow(message);
  });

  test('a destination id that is no valid name, a topic of another region, duplicates and more than 10 destinations are refused', () => {
    expect(destinationFails({ destination: MultiRegionEventDestination.eventBridge() }, 'a b'))
      .toThrow("`addEventDestination('a b') id` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'");
    const stack = stackIn('us-east-1');
    const set = setIn(stack);
    const west = sns.Topic.fromTopicArn(stack, 'West', topicArn('us-west-2'));
    expect(() => set.addEventDestination('T', { destination: MultiRegionEventDestination.snsTopic(west, topicArn('us-west-2')) }))
      .toThrow("`addEventDestination('T').destination.primaryTopic` must be in us-east-1 (SES publishes a region's events only to targets in that region), got a topic in us-west-2");
    set.addEventDestination('Bus', { destination: MultiRegionEventDestination.eventBridge() });
    expect(() => set.addEventDestination('Other', { destination: MultiRegionEventDestination.eventBridge(), eventDestinationName: 'Bus' }))
      .toThrow("`eventDestinationName` must be unique in the configuration set, got: 'Bus' twice");
    for (let i = 1; i < 10; i++) set.addEventDestination(`D${i}`, { destination: MultiRegionEventDestination.eventBridge() });
    expect(() => set.addEventDestination('D10', { destination: MultiRegionEventDestination.eventBridge() }))
      .toThrow("A configuration set may have at most 10 event destinations (SES's quota), got: 11");
  });

  test('tokens are skipped at synth (the handler checks them) and passed through', () => {
    const stack = stackIn('us-east-1');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    const secondaryTopic = new CfnParameter(stack, 'Topic').valueAsString;
    const domain = new CfnParameter(stack, 'Domain').valueAsString;
    const set = setIn(stack, { configurationSetName: name, secondaryRegion: region, customTrackingRedirectDomain: domain });
    set.addEventDestination('Topic', { destination: MultiRegionEventDestination.snsTopicArns(topicArn('us-east-1'), secondaryTopic) });
    const { primary, secondary } = bothOf(stack);
    expect(primary[1].Properties).toMatchObject({ ConfigurationSetName: { Ref: 'Name' }, CustomRedirectDomain: { Ref: 'Domain' }, Region: 'us-east-1' });
    expect(secondary[1].Properties.Region).toEqual({ Ref: 'Region' });
    expect(secondary[1].Properties.EventDestinations[0].SnsDestination).toEqual({ TopicArn: { Ref: 'Topic' } });
  });
});

describe('permissions: least privilege, once per region', () => {
  function statements(stack: Stack): Array<{ policy: string; Action: string[]; Resource: any; Condition?: any }> {
    const template = Template.fromStack(stack).toJSON();
    return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .flatMap(([id, r]) => r.Properties.PolicyDocument.Statement.map((s: any) => ({ policy: id, ...s, Action: [s.Action].flat() })));
  }
  const setStatements = (stack: Stack) => statements(stack).filter((s) => s.Action.includes('ses:CreateConfigurationSet'));

  test('the configuration set actions on the sets of the primary and the secondary region only, once per region', () => {
    const stack = stackIn('us-east-1');
    setIn(stack, {}, 'A');
    setIn(stack, {}, 'B');
    setIn(stack, { secondaryRegion: 'eu-west-1' }, 'C');
    const found = setStatements(stack);
    expect(found.map((s) => JSON.stringify(s.Resource).match(/:ses:([a-z0-9-]+):/)![1]).sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    for (const s of found) {
      expect(s.Action).toHaveLength(16);
      expect(JSON.stringify(s.Resource)).toMatch(/:configuration-set\/\*"/);
    }
    expect(found.find((s) => JSON.stringify(s.Resource).includes('us-east-1'))!.policy).toMatch(/HandlerRoleDefaultPolicy/);
    expect(found.find((s) => JSON.stringify(s.Resource).includes('us-west-2'))!.policy).toMatch(/ConfigurationSetsuswest2/);
    const pools = statements(stack).filter((s) => JSON.stringify(s.Resource).includes('dedicated-ip-pool'));
    expect(pools.map((s) => s.Action)).toEqual([['ses:PutConfigurationSetDeliveryOptions'], ['ses:PutConfigurationSetDeliveryOptions'], ['ses:PutConfigurationSetDeliveryOptions']]);
    const template = Template.fromStack(stack).toJSON();
    const { secondary } = bothOf((() => { const s = stackIn('us-east-1'); setIn(s); return s; })());
    expect(secondary[1].DependsOn.some((id: string) => /ConfigurationSetsuswest2/.test(id))).toBe(true);
    expect(template).toBeDefined();
  });

  test('Firehose roles may be passed to SES only; a token region gets its own policy and cleanup in any region', () => {
    const stack = stackIn('us-east-1');
    setIn(stack, { secondaryRegion: new CfnParameter(stack, 'Region').valueAsString }).addEventDestination('Stream', {
      destination: MultiRegionEventDestination.firehoseDeliveryStreams(stream('us-east-1'), stream('us-west-2')),
    });
    const passRole = statements(stack).find((s) => s.Action.includes('iam:PassRole'))!;
    expect(passRole.Resource).toEqual([stream('us-east-1').iamRoleArn, stream('us-west-2').iamRoleArn]);
    expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ses.amazonaws.com' } });
    const cleanup = statements(stack).find((s) => s.Action.includes('ses:DeleteConfigurationSet') && !s.Action.includes('ses:CreateConfigurationSet'))!;
    expect(cleanup.Resource).toEqual(partitionArn(':ses:*:123456789012:configuration-set/*'));
  });
});
