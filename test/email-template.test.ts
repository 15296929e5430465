/**
 * The MultiRegionEmailTemplate construct (issue #13, item 2): one definition, two custom
 * resources (the stack's region and the secondary region) served by the stack's one provider,
 * each with its turn in the schedule, synth-time validation, and least-privilege grants.
 */
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MultiRegionEmailTemplate, MultiRegionEmailTemplateProps, MultiRegionEndpoint, ReplicaEmailIdentity } from '../lib';
import { encodeSlots } from '../lib/private/schedule';
import { EMAIL_TEMPLATE_RESOURCE_TYPE, TEMPLATE_MAX_BYTES } from '../lib/private/template-rules';

const TYPE = 'Custom::SESEmailTemplate';
const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

function stackIn(region?: string, app = new App()): Stack {
  return new Stack(app, 'TestStack', region ? { env: { region, account: '123456789012' } } : undefined);
}

function templateIn(stack: Stack, props: Partial<MultiRegionEmailTemplateProps> = {}, id = 'Welcome'): MultiRegionEmailTemplate {
  return new MultiRegionEmailTemplate(stack, id, { secondaryRegion: 'us-west-2', subject: 'Hello {{name}}', text: 'Hi {{name}}', ...props });
}

/** The template resources, by logical id. */
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
  test('one per region, with the same name, content and tags; the resource type is exported', () => {
    expect(MultiRegionEmailTemplate.RESOURCE_TYPE).toBe(TYPE);
    expect(EMAIL_TEMPLATE_RESOURCE_TYPE).toBe(TYPE);
    const stack = stackIn('us-east-1');
    templateIn(stack, { templateName: 'welcome', html: '<p>Hi {{name}}</p>', tags: { team: 'mail' }, timeout: Duration.minutes(2) });
    const { primary, secondary } = bothOf(stack);
    const common = {
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^cdksesmultiregionendpointProviderframeworkonEvent/), 'Arn'] },
      TemplateName: 'welcome',
      Subject: 'Hello {{name}}',
      Text: 'Hi {{name}}',
      Html: '<p>Hi {{name}}</p>',
      Tags: [{ Key: 'team', Value: 'mail' }],
      TimeoutSeconds: 120,
      ServiceTimeout: '420',
    };
    expect(primary[1].Properties).toEqual({ ...common, Region: 'us-east-1' });
    expect(secondary[1].Properties).toEqual({ ...common, Region: 'us-west-2', Secondary: true });
    // The primary waits for the secondary: its attributes mean "in both regions".
    expect(primary[1].DependsOn).toContain(secondary[0]);
    expect(primary[1].DeletionPolicy).toBe('Delete');
  });

  test('defaults: a generated name, stable across synths and unique per construct; 5 minutes; no tags', () => {
    const names = () => {
      const stack = stackIn('us-east-1');
      templateIn(stack);
      templateIn(stack, {}, 'Other');
      return Object.values(resourcesOf(stack)).map((r) => r.Properties.TemplateName as string);
    };
    const first = names();
    expect(first).toEqual(names());
    expect(new Set(first).size).toBe(2);
    for (const name of first) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(first[0]).toMatch(/^TestStack-Welcome-[0-9a-f]{8}$/);
    const stack = stackIn('us-east-1');
    templateIn(stack);
    for (const r of Object.values(resourcesOf(stack))) {
      expect(r.Properties.TimeoutSeconds).toBe(300);
      expect(r.Properties.Tags).toEqual([]);
      expect(r.Properties.Html).toBeUndefined();
    }
  });

  test('attributes come from the primary resource; templateArnIn gives either region', () => {
    const stack = stackIn('us-east-1');
    const t = templateIn(stack, { templateName: 'welcome' });
    const { primary } = bothOf(stack);
    expect(stack.resolve(t.templateName)).toEqual({ 'Fn::GetAtt': [primary[0], 'TemplateName'] });
    expect(stack.resolve(t.templateArn)).toEqual({ 'Fn::GetAtt': [primary[0], 'Arn'] });
    const west = JSON.stringify(stack.resolve(t.templateArnIn('us-west-2')));
    expect(west).toContain(':ses:us-west-2:123456789012:template/');
    expect(west).toContain(`"${primary[0]}","TemplateName"`);
    expect(t.primaryRegion).toBe('us-east-1');
    expect(t.secondaryRegion).toBe('us-west-2');
  });

  test('Tags.of() reaches both regions, merged with props.tags; removal policy applies to both', () => {
    const stack = stackIn('us-east-1');
    const t = templateIn(stack, { tags: { team: 'mail' } });
    Tags.of(stack).add('cost-center', 'mail-platform');
    t.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const r of Object.values(resourcesOf(stack))) {
      expect(r.Properties.Tags).toEqual([{ Key: 'cost-center', Value: 'mail-platform' }, { Key: 'team', Value: 'mail' }]);
      expect(r.DeletionPolicy).toBe('Retain');
      expect(r.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('a new secondary region is a new logical id (replacement with its policy); the primary keeps its id', () => {
    const ids = (secondaryRegion: string) => {
      const { primary, secondary } = bothOf((() => { const s = stackIn('us-east-1'); templateIn(s, { secondaryRegion }); return s; })());
      return [primary[0], secondary[0]];
    };
    const [p1, s1] = ids('us-west-2');
    const [p2, s2] = ids('eu-west-1');
    expect(p1).toBe(p2);
    expect(s1).not.toBe(s2);
  });
});

describe('one provider, one schedule', () => {
  test('templates, endpoints and replicas share the stack\'s provider; each resource has its own slot', () => {
    const stack = stackIn('us-east-1');
    const endpoint = new MultiRegionEndpoint(stack, 'Global', { secondaryRegion: 'us-west-2' });
    new ReplicaEmailIdentity(stack, 'Replica', { parentIdentityName: 'example.com', replicaRegion: 'us-west-2' });
    templateIn(stack, { secondaryRegion: endpoint.secondaryRegion });
    templateIn(stack, { secondaryRegion: 'eu-west-1' }, 'Receipt');
    const template = Template.fromStack(stack).toJSON();
    const handlers = Object.values<any>(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.SES_CALL_SLOTS !== undefined);
    expect(handlers).toHaveLength(2); // onEvent and isComplete of the one provider
    const scheduled = Object.entries<any>(template.Resources)
      .filter(([, r]) => /^Custom::SES/.test(r.Type)).map(([id]) => id);
    expect(scheduled).toHaveLength(1 + 1 + 4);
    for (const handler of handlers) expect(handler.Properties.Environment.Variables.SES_CALL_SLOTS).toBe(encodeSlots(scheduled));
    // Every template resource talks to the one provider.
    for (const r of Object.values<any>(template.Resources).filter((x) => x.Type === TYPE)) {
      expect(r.Properties.ServiceToken).toEqual(Object.values<any>(template.Resources).find((x) => x.Type === 'Custom::SESMultiRegionEndpoint').Properties.ServiceToken);
    }
  });
});

describe('synth-time validation names the prop and the value', () => {
  const fails = (props: Partial<MultiRegionEmailTemplateProps>, region = 'us-east-1') => () => templateIn(stackIn(region), props);

  test.each([
    [{ templateName: 'a b' }, "`templateName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'"],
    [{ templateName: 'x'.repeat(65) }, '`templateName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters'],
    [{ subject: '' }, "`subject` must be a non-empty string, got: ''"],
    [{ text: undefined, html: undefined }, '`text` or `html` must be a non-empty string (SES needs a text or an HTML part), got neither'],
    [{ text: '', html: '' }, '`text` or `html` must be a non-empty string'],
    [{ text: 'é'.repeat(TEMPLATE_MAX_BYTES / 2) }, `must together be at most ${TEMPLATE_MAX_BYTES} bytes (SES's limit for one template, 500 KB), got: ${TEMPLATE_MAX_BYTES + 14} bytes`],
    [{ secondaryRegion: 'us-east-1' }, "`secondaryRegion` must differ from the primary region (the stack's region, where the primary template is created), got: 'us-east-1'"],
    [{ secondaryRegion: 'mars' }, "`secondaryRegion` must be an AWS region name such as 'us-west-2', got: 'mars'"],
    [{ tags: { 'aws:x': 'y' } }, "`tags` keys must not start with 'aws:' (reserved by AWS), got: 'aws:x'"],
    [{ timeout: Duration.seconds(2) }, '`timeout` must be a whole number of seconds between 5 seconds and 55 minutes'],
  ] as Array<[Partial<MultiRegionEmailTemplateProps>, string]>)('%j', (props, message) => {
    expect(fails(props)).toThrow(message);
  });

  test('html alone is enough; text alone too; exactly the limit is accepted', () => {
    expect(fails({ text: undefined, html: '<p>Hi</p>' })).not.toThrow();
    expect(fails({ subject: 'S', text: 'x'.repeat(TEMPLATE_MAX_BYTES - 1) })).not.toThrow();
    expect(fails({ subject: 'S', text: 'x'.repeat(TEMPLATE_MAX_BYTES) })).toThrow('got: 500001 bytes');
  });

  test('explicit names are unique in the stack', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack, { templateName: 'welcome' });
    expect(() => templateIn(stack, { templateName: 'welcome' }, 'Again')).toThrow("`templateName` must be unique in the stack, got: 'welcome' (already used by TestStack/Welcome)");
  });

  test('tags added by Tags.of() are validated before synthesis', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack);
    Tags.of(stack).add('bad!', 'x');
    expect(() => Template.fromStack(stack)).toThrow('`tags` and `Tags.of()` keys must be 1-128 characters');
  });

  test('tokens are skipped at synth (the handler checks them) and passed through', () => {
    const stack = stackIn('us-east-1');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const subject = new CfnParameter(stack, 'Subject').valueAsString;
    const html = new CfnParameter(stack, 'Html').valueAsString;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    templateIn(stack, { templateName: name, subject, text: undefined, html, secondaryRegion: region });
    const { primary, secondary } = bothOf(stack);
    expect(primary[1].Properties).toMatchObject({ TemplateName: { Ref: 'Name' }, Subject: { Ref: 'Subject' }, Html: { Ref: 'Html' }, Region: 'us-east-1' });
    expect(secondary[1].Properties.Region).toEqual({ Ref: 'Region' });
  });

  test('an env-agnostic stack: the primary region is the stack\'s at deploy time', () => {
    const stack = stackIn();
    templateIn(stack);
    expect(bothOf(stack).primary[1].Properties.Region).toEqual({ Ref: 'AWS::Region' });
  });
});

describe('permissions: least privilege, once per region', () => {
  const ACTIONS = ['ses:CreateEmailTemplate', 'ses:GetEmailTemplate', 'ses:UpdateEmailTemplate', 'ses:DeleteEmailTemplate',
    'ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'];

  /** Every statement of every policy, with the policy's logical id. */
  function statements(stack: Stack): Array<{ policy: string; Action: string[]; Resource: any }> {
    const template = Template.fromStack(stack).toJSON();
    return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .flatMap(([id, r]) => r.Properties.PolicyDocument.Statement.map((s: any) => ({ policy: id, ...s, Action: [s.Action].flat() })));
  }
  const templateStatements = (stack: Stack) => statements(stack).filter((s) => s.Action.includes('ses:CreateEmailTemplate'));

  test('the template actions on the templates of the primary and the secondary region only, nothing on *', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack);
    const found = templateStatements(stack);
    expect(found).toHaveLength(2);
    expect(found.map((s) => [s.Action, s.Resource])).toEqual(expect.arrayContaining([
      [ACTIONS, partitionArn(':ses:us-east-1:123456789012:template/*')],
      [ACTIONS, partitionArn(':ses:us-west-2:123456789012:template/*')],
    ]));
    // Nothing else about templates, and no template action on '*'.
    for (const s of statements(stack).filter((x) => x.Action.some((a) => /EmailTemplate/.test(a)))) expect(s.Resource).not.toBe('*');
    // The primary region's on the provider role's own policy; the secondary's in a policy of that region.
    expect(found.find((s) => JSON.stringify(s.Resource).includes('us-east-1'))!.policy).toMatch(/HandlerRoleDefaultPolicy/);
    expect(found.find((s) => JSON.stringify(s.Resource).includes('us-west-2'))!.policy).toMatch(/EmailTemplatesuswest2/);
  });

  test('many templates: granted once per region, every region used covered', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack, {}, 'A');
    templateIn(stack, {}, 'B');
    templateIn(stack, { secondaryRegion: 'eu-west-1' }, 'C');
    const found = templateStatements(stack).map((s) => JSON.stringify(s.Resource).match(/:ses:([a-z0-9-]+):/)![1]).sort();
    expect(found).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
  });

  test('each resource depends on the policy of its region, so permissions outlive it', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack);
    const template = Template.fromStack(stack).toJSON();
    const { primary, secondary } = bothOf(stack);
    const policyId = Object.keys(template.Resources).find((id) => /EmailTemplatesuswest2/.test(id))!;
    expect(secondary[1].DependsOn).toContain(policyId);
    expect(primary[1].DependsOn.some((id: string) => /HandlerRoleDefaultPolicy/.test(id))).toBe(true);
  });

  test('a secondary region given as a token: its own policy, and cleanup in any region', () => {
    const stack = stackIn('us-east-1');
    templateIn(stack, { secondaryRegion: new CfnParameter(stack, 'Region').valueAsString });
    const cleanup = statements(stack).find((s) => s.Action.includes('ses:DeleteEmailTemplate') && !s.Action.includes('ses:CreateEmailTemplate'))!;
    expect(cleanup.Action).toEqual(['ses:GetEmailTemplate', 'ses:DeleteEmailTemplate', 'ses:ListTagsForResource', 'ses:TagResource', 'ses:UntagResource']);
    expect(cleanup.Resource).toEqual(partitionArn(':ses:*:123456789012:template/*'));
  });
});
