/**
 * Unit tests of every branch of the email template handler, with the SES clients of both
 * regions mocked. The same handler, bundled, runs against the local emulator in
 * email-template-lifecycle.test.ts.
 */
import {
  AlreadyExistsException,
  BadRequestException,
  CreateEmailTemplateCommand,
  DeleteEmailTemplateCommand,
  GetEmailTemplateCommand,
  LimitExceededException,
  ListTagsForResourceCommand,
  NotFoundException,
  SESv2Client,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
  UpdateEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { isComplete, NOT_FOUND_GRACE_MS, onEvent, parseProperties, TemplateEvent, TemplateHandlerContext } from '../lambda/email-template/handler';
import { Pacer } from '../lambda/shared/pacer';
import { OWNER_TAG_KEY, PREVIOUS_OWNER_TAG_KEY } from '../lib/private/rules';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MailStack/0f1e2d3c-aaaa-bbbb-cccc-000000000001';
const OWNER = `${STACK_ID}/WelcomeSecondary`;
const ARN = 'arn:aws:ses:us-west-2:123456789012:template/welcome';
const T0 = 1_700_000_000_000;

const primaryClient = new SESv2Client({ region: 'us-east-1' });
const secondaryClient = new SESv2Client({ region: 'us-west-2' });
const primary = mockClient(primaryClient);
const ses = mockClient(secondaryClient);
let clock = T0;
let logs: Array<Record<string, unknown>> = [];
const ctx: TemplateHandlerContext = {
  ses: (region) => (region === 'us-east-1' ? primaryClient : secondaryClient),
  now: () => clock,
  log: (e) => logs.push(e),
  sleep: async (ms) => { clock += ms; },
};

const props = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:fw',
  Region: 'us-west-2',
  Secondary: 'true',
  TemplateName: 'welcome',
  Subject: 'Hello {{name}}',
  Text: 'Hi {{name}}',
  Tags: [{ Key: 'team', Value: 'mail' }],
  TimeoutSeconds: '60',
  ...overrides,
});

function event(requestType: TemplateEvent['RequestType'], extra: Partial<TemplateEvent> = {}): TemplateEvent {
  return { RequestType: requestType, StackId: STACK_ID, LogicalResourceId: 'WelcomeSecondary', RequestId: 'req-1', ResourceProperties: props(), ...extra };
}

const exception = <T>(Ctor: new (args: any) => T, message = 'x') => new Ctor({ message, $metadata: {} });
const CONTENT = { Subject: 'Hello {{name}}', Text: 'Hi {{name}}' };
const tagList = (tags: Record<string, string>) => ({ Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
const ours = (extra: Record<string, string> = {}) => tagList({ team: 'mail', [OWNER_TAG_KEY]: OWNER, ...extra });
const writes = () => [CreateEmailTemplateCommand, UpdateEmailTemplateCommand, DeleteEmailTemplateCommand, TagResourceCommand, UntagResourceCommand]
  .reduce((n, command) => n + ses.commandCalls(command as any).length + primary.commandCalls(command as any).length, 0);

beforeEach(() => {
  primary.reset();
  ses.reset();
  clock = T0;
  logs = [];
});

describe('properties', () => {
  test('valid ones, with the defaults', () => {
    expect(parseProperties(props({ TimeoutSeconds: undefined, Html: '<p>x</p>' }), 'us-east-1')).toEqual({
      region: 'us-west-2',
      templateName: 'welcome',
      content: { Subject: 'Hello {{name}}', Text: 'Hi {{name}}', Html: '<p>x</p>' },
      tags: [{ Key: 'team', Value: 'mail' }],
      timeoutSeconds: 300,
    });
  });

  test('every problem at once, named by its property, before any SES call', async () => {
    const bad = props({ TemplateName: 'a b', Region: 'us-east-1', Subject: '', Text: undefined, Tags: [{ Key: 'aws:x', Value: 'y' }], Other: 1 });
    await expect(onEvent(event('Create', { ResourceProperties: bad }), ctx)).rejects.toThrow(
      "Invalid properties for the SES email template: unknown property 'Other'; "
      + "`TemplateName` must match ^[A-Za-z0-9_-]+$ and be 1-64 characters, got: 'a b'; "
      + "`secondaryRegion` must differ from the primary region (the stack's region, where the primary template is created), got: 'us-east-1'; "
      + "`Subject` must be a non-empty string, got: ''; "
      + '`Text` or `Html` must be a non-empty string (SES needs a text or an HTML part), got neither; '
      + "`Tags` keys must not start with 'aws:' (reserved by AWS), got: 'aws:x'");
    expect(ses.calls()).toHaveLength(0);
  });

  test('the primary resource may be in the stack\'s region; content over 500 KB is refused', () => {
    expect(parseProperties(props({ Region: 'us-east-1', Secondary: undefined }), 'us-east-1').region).toBe('us-east-1');
    expect(() => parseProperties(props({ Text: 'x'.repeat(500_000) }), 'us-east-1')).toThrow('must together be at most 500000 bytes');
  });
});

describe('Create', () => {
  test('creates the template with the content, the user\'s tags and the ownership tag; one log line per call', async () => {
    ses.on(CreateEmailTemplateCommand).resolves({});
    const result = await onEvent(event('Create'), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/welcome', CreatedAt: T0, WaitDeadline: T0 + 60_000 });
    expect(ses.commandCalls(CreateEmailTemplateCommand)[0].args[0].input).toEqual({
      TemplateName: 'welcome',
      TemplateContent: CONTENT,
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: OWNER_TAG_KEY, Value: OWNER }],
    });
    expect(primary.calls()).toHaveLength(0);
    expect(logs).toEqual([{ operation: 'CreateEmailTemplate', region: 'us-west-2', templateName: 'welcome', outcome: 'ok' }]);
  });

  test('AlreadyExists, ours (a retried Create): adopted, content and tags brought to the wanted ones', async () => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves(tagList({ team: 'old', stale: 'x', [OWNER_TAG_KEY]: OWNER }));
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: { Subject: 'old', Text: 'old' } });
    ses.on(UpdateEmailTemplateCommand).resolves({});
    ses.on(UntagResourceCommand).resolves({});
    ses.on(TagResourceCommand).resolves({});
    const result = await onEvent(event('Create'), ctx);
    expect(result.PhysicalResourceId).toBe('us-west-2/welcome');
    expect(ses.commandCalls(UpdateEmailTemplateCommand)[0].args[0].input).toEqual({ TemplateName: 'welcome', TemplateContent: CONTENT });
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: ['stale'] });
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: 'team', Value: 'mail' }] });
    expect(logs).toContainEqual({ operation: 'AdoptOwnTemplate', region: 'us-west-2', templateName: 'welcome', outcome: 'ok' });
  });

  test('AlreadyExists, ours and already as wanted: no write at all', async () => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves(ours());
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    await onEvent(event('Create'), ctx);
    expect(writes()).toBe(1); // the Create itself
  });

  test('AlreadyExists, made by another resource of this stack (a moved construct): taken over, remembering the old owner', async () => {
    const old = `${STACK_ID}/OldSecondary`;
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves(tagList({ team: 'mail', [OWNER_TAG_KEY]: old }));
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    ses.on(TagResourceCommand).resolves({});
    await onEvent(event('Create'), ctx);
    expect(ses.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: OWNER }, { Key: PREVIOUS_OWNER_TAG_KEY, Value: old }] },
    ]);
    expect(ses.commandCalls(UntagResourceCommand)).toHaveLength(0); // the previous-owner tag stays until the handover completes
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'TakeOverMovedTemplate', from: old }));
  });

  test.each([
    ['another stack', { [OWNER_TAG_KEY]: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Other/1/WelcomeSecondary' }],
    ['nobody (made by hand)', { team: 'x' }],
  ])('AlreadyExists, owned by %s: fails naming it, and writes nothing', async (_who, tags) => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).resolves(tagList(tags));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "An SES email template named 'welcome' already exists in us-west-2 and was not created by this stack: choose another templateName, "
      + 'or delete that template if this stack should own it. It was left untouched.');
    expect(writes()).toBe(1);
    expect(ses.commandCalls(GetEmailTemplateCommand)).toHaveLength(0);
  });

  test('AlreadyExists but not found yet: asked again for a minute, then fails', async () => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).rejectsOnce(exception(NotFoundException)).resolves(ours());
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    await expect(onEvent(event('Create'), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'us-west-2/welcome' });
    ses.reset();
    ses.on(CreateEmailTemplateCommand).rejects(exception(AlreadyExistsException));
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "SES says an email template named 'welcome' already exists in us-west-2 but cannot find it: it may be being deleted. Deploy again in a few minutes.");
  });

  test('the account\'s template quota, and a BadRequest, fail with SES\'s message', async () => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(LimitExceededException, 'Maximum number of email templates'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow(
      "Cannot create the SES email template 'welcome' in us-west-2: the account's quota of email templates there is reached (Maximum number of email templates). "
      + 'Delete unused templates or request a quota increase.');
    ses.on(CreateEmailTemplateCommand).rejects(exception(BadRequestException, 'bad'));
    await expect(onEvent(event('Create'), ctx)).rejects.toThrow("SES refused to create the email template 'welcome' in us-west-2: bad");
  });
});

describe('isComplete after Create or Update', () => {
  const created = () => event('Create', { PhysicalResourceId: 'us-west-2/welcome', CreatedAt: T0, WaitDeadline: T0 + 60_000 });

  test('complete once visible with the wanted content, with the attributes', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    expect(await isComplete(created(), ctx)).toEqual({
      IsComplete: true,
      Data: { TemplateName: 'welcome', Region: 'us-west-2', Arn: ARN },
    });
  });

  test('NotFound right after Create is waited out; after the grace it fails', async () => {
    ses.on(GetEmailTemplateCommand).rejects(exception(NotFoundException));
    expect(await isComplete(created(), ctx)).toEqual({ IsComplete: false });
    clock = T0 + NOT_FOUND_GRACE_MS;
    await expect(isComplete({ ...created(), WaitDeadline: T0 + 600_000 }, ctx)).rejects.toThrow(
      "The SES email template 'welcome' in us-west-2 was not found: it was deleted outside CloudFormation or never became visible.");
  });

  test('NotFound, then visible: complete', async () => {
    ses.on(GetEmailTemplateCommand).rejectsOnce(exception(NotFoundException)).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    expect((await isComplete(created(), ctx)).IsComplete).toBe(false);
    expect((await isComplete(created(), ctx)).IsComplete).toBe(true);
  });

  test('other content: waits, and past the timeout fails', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: { Subject: 'old', Text: 'old' } });
    expect(await isComplete(created(), ctx)).toEqual({ IsComplete: false });
    clock = T0 + 60_000;
    await expect(isComplete(created(), ctx)).rejects.toThrow(
      "Timed out after 60 seconds waiting for the SES email template 'welcome' in us-west-2 to show the content this stack wrote: "
      + 'SES still returns other content. Is something else writing this template? Deploy again, or raise `timeout`.');
  });

  test('throttling is "not yet" until the deadline, then it fails', async () => {
    ses.on(GetEmailTemplateCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    expect(await isComplete(created(), ctx)).toEqual({ IsComplete: false });
    clock = T0 + 60_000;
    await expect(isComplete(created(), ctx)).rejects.toThrow('Rate exceeded');
  });

  test('a failed replacement removes the new template it created, only if it is ours', async () => {
    const replacement = { ...created(), RequestType: 'Update' as const, Replacement: true, CreatedAt: T0 - NOT_FOUND_GRACE_MS };
    ses.on(GetEmailTemplateCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves(ours());
    ses.on(DeleteEmailTemplateCommand).resolves({});
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(ses.commandCalls(DeleteEmailTemplateCommand)).toHaveLength(1);

    ses.reset();
    ses.on(GetEmailTemplateCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves(tagList({ [OWNER_TAG_KEY]: 'someone else' }));
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(writes()).toBe(0);
  });

  test('a failed replacement that had taken a template over from a moved resource gives it back, never deletes it', async () => {
    const old = `${STACK_ID}/OldSecondary`;
    const replacement = { ...created(), RequestType: 'Update' as const, Replacement: true, CreatedAt: T0 - NOT_FOUND_GRACE_MS };
    ses.on(GetEmailTemplateCommand).rejects(exception(NotFoundException));
    ses.on(ListTagsForResourceCommand).resolves(tagList({ [OWNER_TAG_KEY]: OWNER, [PREVIOUS_OWNER_TAG_KEY]: old }));
    await expect(isComplete(replacement, ctx)).rejects.toThrow('was not found');
    expect(ses.commandCalls(DeleteEmailTemplateCommand)).toHaveLength(0);
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: old }] });
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: [PREVIOUS_OWNER_TAG_KEY] });
  });

  test('a Settled update asks SES nothing', async () => {
    const data = { TemplateName: 'welcome', Region: 'us-west-2', Arn: ARN };
    expect(await isComplete({ ...created(), RequestType: 'Update', Settled: true, Data: data }, ctx)).toEqual({ IsComplete: true, Data: data });
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('Update', () => {
  const update = (newProps: Record<string, unknown> = {}) => event('Update', {
    PhysicalResourceId: 'us-west-2/welcome',
    ResourceProperties: props(newProps),
    OldResourceProperties: props(),
  });

  test('new content: read the template first, write it, then isComplete waits for it', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    ses.on(ListTagsForResourceCommand).resolves(ours());
    ses.on(UpdateEmailTemplateCommand).resolves({});
    const result = await onEvent(update({ Subject: 'New', Html: '<p>new</p>' }), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/welcome', WaitDeadline: T0 + 60_000 });
    expect(ses.commandCalls(UpdateEmailTemplateCommand)[0].args[0].input).toEqual({
      TemplateName: 'welcome',
      TemplateContent: { Subject: 'New', Text: 'Hi {{name}}', Html: '<p>new</p>' },
    });
    expect(writes()).toBe(1);
  });

  test('tags only: Untag/Tag in place, no content write, settled at once', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    ses.on(ListTagsForResourceCommand).resolves(ours({ old: '1' }));
    const result = await onEvent(update({ Tags: [{ Key: 'team', Value: 'billing' }] }), ctx);
    expect(result).toMatchObject({ Settled: true, Data: { TemplateName: 'welcome', Region: 'us-west-2', Arn: ARN } });
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: ['old'] });
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: 'team', Value: 'billing' }] });
    expect(ses.commandCalls(UpdateEmailTemplateCommand)).toHaveLength(0);
  });

  test('compares with the template itself, not OldResourceProperties: a rollback to what it holds writes nothing', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    ses.on(ListTagsForResourceCommand).resolves(ours());
    await onEvent({ ...update(), OldResourceProperties: props({ Subject: 'the failed change' }) }, ctx);
    expect(writes()).toBe(0);
  });

  test('a template another owner holds is refused, untouched; an update that would write nothing goes through', async () => {
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    ses.on(ListTagsForResourceCommand).resolves(tagList({ team: 'mail', [OWNER_TAG_KEY]: 'someone' }));
    await expect(onEvent(update({ Subject: 'New' }), ctx)).rejects.toThrow(
      "The SES email template 'welcome' in us-west-2 is not owned by this resource (its cdk-ses-multi-region-endpoint:owner tag is \"someone\"): "
      + 'it was left untouched. Give this resource another templateName, or remove it from the stack.');
    await expect(onEvent(update(), ctx)).resolves.toMatchObject({ Settled: true });
    expect(writes()).toBe(0);
  });

  test('gone before an update (deleted outside CloudFormation): created again, so its rollback goes through too', async () => {
    ses.on(GetEmailTemplateCommand).rejects(exception(NotFoundException));
    ses.on(CreateEmailTemplateCommand).resolves({});
    await expect(onEvent(update({ Subject: 'New' }), ctx)).resolves.toMatchObject({ PhysicalResourceId: 'us-west-2/welcome' });
    expect(ses.commandCalls(CreateEmailTemplateCommand)[0].args[0].input).toMatchObject({ TemplateName: 'welcome', TemplateContent: { Subject: 'New' } });
  });

  test.each([
    ['a new name', { TemplateName: 'welcome-v2' }, 'us-west-2/welcome-v2'],
    ['a new region', { Region: 'eu-west-1' }, 'eu-west-1/welcome'],
  ])('%s creates a new template (CloudFormation deletes the old one)', async (_what, change, physicalId) => {
    const client = mockClient(SESv2Client);
    client.on(CreateEmailTemplateCommand).resolves({});
    const any: TemplateHandlerContext = { ...ctx, ses: () => new SESv2Client({ region: 'x' }) };
    const result = await onEvent(update(change), any);
    expect(result).toMatchObject({ PhysicalResourceId: physicalId, Replacement: true, CreatedAt: T0 });
    expect(client.commandCalls(CreateEmailTemplateCommand)[0].args[0].input.TemplateName).toBe((change as any).TemplateName ?? 'welcome');
    client.restore();
  });
});

describe('Delete', () => {
  const del = (physicalId = 'us-west-2/welcome') => event('Delete', { PhysicalResourceId: physicalId });

  test('deletes a template it owns, and is complete at once', async () => {
    ses.on(ListTagsForResourceCommand).resolves(ours());
    ses.on(DeleteEmailTemplateCommand).resolves({});
    const result = await onEvent(del(), ctx);
    expect(result).toEqual({ PhysicalResourceId: 'us-west-2/welcome', NothingToDelete: true });
    expect(ses.commandCalls(DeleteEmailTemplateCommand)[0].args[0].input).toEqual({ TemplateName: 'welcome' });
    expect(await isComplete({ ...del(), ...result }, ctx)).toEqual({ IsComplete: true });
  });

  test('NotFound (on the tags or on the Delete) means gone', async () => {
    ses.on(ListTagsForResourceCommand).rejects(exception(NotFoundException));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(writes()).toBe(0);
    ses.on(ListTagsForResourceCommand).resolves(ours());
    ses.on(DeleteEmailTemplateCommand).rejects(exception(NotFoundException));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
  });

  test('a foreign template is left alone', async () => {
    ses.on(ListTagsForResourceCommand).resolves(tagList({ [OWNER_TAG_KEY]: 'someone' }));
    await expect(onEvent(del(), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(writes()).toBe(0);
    expect(logs).toContainEqual(expect.objectContaining({ operation: 'Delete', outcome: 'not created by this resource, left untouched', owner: 'someone' }));
  });

  test('a moved construct: the old resource completes the handover; a rolled-back move gives it back', async () => {
    const old = `${STACK_ID}/OldSecondary`;
    ses.on(ListTagsForResourceCommand).resolves(tagList({ [OWNER_TAG_KEY]: old, [PREVIOUS_OWNER_TAG_KEY]: OWNER }));
    await onEvent(del(), ctx);
    expect(ses.commandCalls(UntagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagKeys: [PREVIOUS_OWNER_TAG_KEY] });
    expect(ses.commandCalls(DeleteEmailTemplateCommand)).toHaveLength(0);

    ses.reset();
    ses.on(ListTagsForResourceCommand).resolves(tagList({ [OWNER_TAG_KEY]: OWNER, [PREVIOUS_OWNER_TAG_KEY]: old }));
    await onEvent(del(), ctx);
    expect(ses.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, Tags: [{ Key: OWNER_TAG_KEY, Value: old }] });
    expect(ses.commandCalls(DeleteEmailTemplateCommand)).toHaveLength(0);
  });

  test('a physical id that is no template id (a failed Create) touches nothing', async () => {
    await expect(onEvent(del('MailStack-WelcomeSecondary-CREATE_FAILED'), ctx)).resolves.toMatchObject({ NothingToDelete: true });
    expect(ses.calls()).toHaveLength(0);
  });
});

describe('throttling, through the Pacer', () => {
  const pacer = (giveUpAt = Number.POSITIVE_INFINITY) => new Pacer({
    schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep: ctx.sleep, random: () => 0, giveUpAt,
  });

  test('a throttled Create is retried at a later turn and succeeds; each attempt logged', async () => {
    ses.on(CreateEmailTemplateCommand).rejectsOnce(exception(TooManyRequestsException, 'Rate exceeded')).resolves({});
    const result = await onEvent(event('Create'), { ...ctx, pacer: pacer() });
    expect(result.PhysicalResourceId).toBe('us-west-2/welcome');
    expect(ses.commandCalls(CreateEmailTemplateCommand)).toHaveLength(2);
    expect(logs.map((l) => l.outcome)).toEqual(['TooManyRequestsException', 'ok']);
    expect(ses.commandCalls(ListTagsForResourceCommand)).toHaveLength(0); // nothing taken for an existing template
  });

  test('a Create throttled for all of onEvent is handed over; isComplete creates it and waits', async () => {
    ses.on(CreateEmailTemplateCommand).rejects(exception(TooManyRequestsException, 'Rate exceeded'));
    const handedOver = await onEvent(event('Create'), { ...ctx, pacer: pacer(T0 + 10_000) });
    expect(handedOver).toEqual({ PhysicalResourceId: 'us-west-2/welcome', Pending: true, CreatedAt: clock, WaitDeadline: clock + 60_000 });
    expect(ses.commandCalls(CreateEmailTemplateCommand).length).toBeGreaterThan(1);

    ses.reset();
    ses.on(CreateEmailTemplateCommand).resolves({});
    ses.on(GetEmailTemplateCommand).resolves({ TemplateName: 'welcome', TemplateContent: CONTENT });
    const done = await isComplete({ ...event('Create'), ...handedOver }, { ...ctx, pacer: pacer() });
    expect(done).toEqual({ IsComplete: true, Data: { TemplateName: 'welcome', Region: 'us-west-2', Arn: ARN } });
    expect(ses.commandCalls(CreateEmailTemplateCommand)).toHaveLength(1);
  });
});
