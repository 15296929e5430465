/**
 * CloudFormation lifecycles of MultiRegionEmailTemplate: synthesized stacks played by the
 * driver, running the BUNDLED handler staged in the cloud assembly through the real SES v2 SDK,
 * against the local SESv2 emulator. Every scenario asserts what exists in the emulator, in BOTH
 * regions, at the end: nothing orphaned, nothing foreign touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { SesEmulator } from './emulator/ses-emulator';
import { CloudFormationDriver } from './support/cloudformation-driver';
import { MultiRegionEmailTemplate, MultiRegionEmailTemplateProps } from '../lib/email-template';
import { OWNER_TAG_KEY } from '../lib/private/rules';

const BUNDLE = path.join(__dirname, '..', 'assets', 'lambda', 'provider', 'index', 'index.js');
const PRIMARY = 'us-east-1';
const SECONDARY = 'us-west-2';
const STACK = 'MailStack';
const CALLER = 'AKIDSTACK';
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

type Props = Partial<MultiRegionEmailTemplateProps>;

function synth(templates: Record<string, Props>): CloudAssembly {
  const app = new App();
  const stack = new Stack(app, STACK, { env: { region: PRIMARY, account: '123456789012' } });
  for (const [id, props] of Object.entries(templates)) {
    const t = new MultiRegionEmailTemplate(stack, id, { secondaryRegion: SECONDARY, subject: 'Hello {{name}}', text: 'Hi {{name}}', ...props });
    new CfnOutput(stack, `${id}Name`, { value: t.templateName });
    new CfnOutput(stack, `${id}Arn`, { value: t.templateArn });
  }
  return app.synth();
}

function driver(periodMs = 20): CloudFormationDriver {
  return new CloudFormationDriver({
    stackName: STACK,
    region: PRIMARY,
    lambdaEnv: { ...emulator.clientEnv(PRIMARY, CALLER), SES_CALL_PERIOD_MS: String(periodMs) },
  });
}

/** Every template, as [region, name, content, tags], sorted. */
const templates = () => emulator.templates()
  .map((t) => [t.region, t.templateName, t.content, t.tags] as const)
  .sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`));
const ownedBy = (extra: Record<string, string> = {}) => ({
  ...extra,
  [OWNER_TAG_KEY]: expect.stringMatching(new RegExp(`^arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK}/[^/]+/Welcome(Primary|Secondary)[0-9A-F]+$`)),
});
const templateWrites = () => emulator.calls.filter((c) => /^(CreateEmailTemplate|UpdateEmailTemplate|DeleteEmailTemplate|TagResource|UntagResource)$/.test(c.operation)
  && c.httpStatus === 200);

test('create -> update content and tags -> rename -> destroy, in both regions', async () => {
  const cfn = driver();
  const created = await cfn.deploy(synth({ Welcome: { templateName: 'welcome', tags: { team: 'mail' } } }));
  expect(created).toMatchObject({
    status: 'CREATE_COMPLETE',
    outputs: { WelcomeName: 'welcome', WelcomeArn: 'arn:aws:ses:us-east-1:123456789012:template/welcome' },
  });
  const content = { Subject: 'Hello {{name}}', Text: 'Hi {{name}}' };
  expect(templates()).toEqual([
    [PRIMARY, 'welcome', content, ownedBy({ team: 'mail' })],
    [SECONDARY, 'welcome', content, ownedBy({ team: 'mail' })],
  ]);
  // Each region's template carries its own resource's owner tag.
  expect(emulator.template(PRIMARY, 'welcome')!.tags[OWNER_TAG_KEY]).toMatch(/WelcomePrimary/);
  expect(emulator.template(SECONDARY, 'welcome')!.tags[OWNER_TAG_KEY]).toMatch(/WelcomeSecondary/);
  // The secondary region first: the primary's attributes mean "in both regions".
  const creates = emulator.calls.filter((c) => c.operation === 'CreateEmailTemplate').map((c) => c.region);
  expect(creates).toEqual([SECONDARY, PRIMARY]);
  // One JSON log line per SES call, naming the region and the template.
  expect(logLines.filter((l) => l.operation === 'CreateEmailTemplate')).toEqual([
    { operation: 'CreateEmailTemplate', region: SECONDARY, templateName: 'welcome', outcome: 'ok' },
    { operation: 'CreateEmailTemplate', region: PRIMARY, templateName: 'welcome', outcome: 'ok' },
  ]);

  const newContent = { Subject: 'Welcome, {{name}}', Text: 'Hi {{name}}', Html: '<p>Hi {{name}}</p>' };
  const updated = await cfn.deploy(synth({ Welcome: { templateName: 'welcome', subject: newContent.Subject, html: newContent.Html, tags: { team: 'billing' } } }));
  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(templates()).toEqual([
    [PRIMARY, 'welcome', newContent, ownedBy({ team: 'billing' })],
    [SECONDARY, 'welcome', newContent, ownedBy({ team: 'billing' })],
  ]);
  expect(emulator.calls.filter((c) => c.operation === 'UpdateEmailTemplate').map((c) => c.region).sort()).toEqual([PRIMARY, SECONDARY]);

  const renamed = await cfn.deploy(synth({ Welcome: { templateName: 'welcome-v2', subject: newContent.Subject, html: newContent.Html } }));
  expect(renamed).toMatchObject({ status: 'UPDATE_COMPLETE', outputs: { WelcomeName: 'welcome-v2' } });
  expect(templates()).toEqual([
    [PRIMARY, 'welcome-v2', newContent, ownedBy()],
    [SECONDARY, 'welcome-v2', newContent, ownedBy()],
  ]);

  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  expect(templates()).toEqual([]);
});

test('a new secondary region: created there, then the old one deleted; the primary untouched', async () => {
  const cfn = driver();
  expect((await cfn.deploy(synth({ Welcome: { templateName: 'welcome' } }))).status).toBe('CREATE_COMPLETE');
  const before = emulator.template(PRIMARY, 'welcome');
  expect((await cfn.deploy(synth({ Welcome: { templateName: 'welcome', secondaryRegion: 'eu-west-1' } }))).status).toBe('UPDATE_COMPLETE');
  expect(templates().map(([region, name]) => `${region}/${name}`)).toEqual(['eu-west-1/welcome', 'us-east-1/welcome']);
  expect(emulator.template(PRIMARY, 'welcome')).toBe(before);
  expect(emulator.calls.filter((c) => c.region === PRIMARY && /^(Create|Update|Delete)EmailTemplate$/.test(c.operation))).toHaveLength(1);
  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  expect(templates()).toEqual([]);
});

test('a foreign template of the same name in the primary region: the deploy fails naming it, the foreign one is untouched, nothing left', async () => {
  const foreign = emulator.seedTemplate({ region: PRIMARY, name: 'welcome', content: { Subject: 'theirs', Text: 'theirs' }, tags: { team: 'other' } });
  const snapshot = JSON.stringify(foreign);
  const result = await driver().deploy(synth({ Welcome: { templateName: 'welcome' } }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toMatch(new RegExp('^An SES email template named \'welcome\' already exists in us-east-1 and was not created by this stack: '
    + 'choose another templateName, or delete that template if this stack should own it\\. It was left untouched\\.'));
  expect(JSON.stringify(emulator.template(PRIMARY, 'welcome'))).toBe(snapshot);
  // The secondary region's template, created first, was removed by the rollback.
  expect(templates().map(([region, name]) => `${region}/${name}`)).toEqual(['us-east-1/welcome']);
  expect(templateWrites().filter((c) => c.region === PRIMARY)).toEqual([]);
});

test('a template someone else made in the secondary region only: untouched, the deploy fails before the primary is created', async () => {
  emulator.seedTemplate({ region: SECONDARY, name: 'welcome', content: { Subject: 'theirs', Html: '<p>theirs</p>' } });
  const snapshot = JSON.stringify(emulator.template(SECONDARY, 'welcome'));
  const result = await driver().deploy(synth({ Welcome: { templateName: 'welcome' } }));
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.reason).toMatch(/^An SES email template named 'welcome' already exists in us-west-2 and was not created by this stack/);
  expect(JSON.stringify(emulator.template(SECONDARY, 'welcome'))).toBe(snapshot);
  expect(templates().map(([region, name]) => `${region}/${name}`)).toEqual(['us-west-2/welcome']);
  expect(templateWrites()).toEqual([]);
});

test('throttled calls (30 %, seeded) succeed at later turns: create, update, destroy', async () => {
  emulator.options = { throttleRate: 0.3, seed: 7 };
  const cfn = driver();
  expect((await cfn.deploy(synth({ Welcome: { templateName: 'welcome' }, Receipt: { templateName: 'receipt' } }))).status).toBe('CREATE_COMPLETE');
  expect((await cfn.deploy(synth({ Welcome: { templateName: 'welcome', subject: 'New' }, Receipt: { templateName: 'receipt' } }))).status).toBe('UPDATE_COMPLETE');
  expect(templates().map(([region, name, content]) => [region, name, content.Subject])).toEqual([
    [PRIMARY, 'receipt', 'Hello {{name}}'],
    [PRIMARY, 'welcome', 'New'],
    [SECONDARY, 'receipt', 'Hello {{name}}'],
    [SECONDARY, 'welcome', 'New'],
  ]);
  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  expect(templates()).toEqual([]);
  const throttled = emulator.calls.filter((c) => c.errorType === 'TooManyRequestsException');
  expect(throttled.length).toBeGreaterThan(0);
  expect(logLines.filter((l) => l.outcome === 'TooManyRequestsException').length).toBe(throttled.length);
});

test('the stack\'s calls, in both regions together, stay within the schedule: at most one per period', async () => {
  const periodMs = 100;
  const cfn = driver(periodMs);
  const start = Date.now();
  expect((await cfn.deploy(synth({ A: { templateName: 'a' }, B: { templateName: 'b' }, C: { templateName: 'c' } }))).status).toBe('CREATE_COMPLETE');
  expect((await cfn.destroy()).status).toBe('DELETE_COMPLETE');
  const ours = emulator.calls.filter((c) => c.caller === CALLER && c.at! >= start);
  expect(ours.length).toBeGreaterThanOrEqual(6 * 3); // each of the 6 resources: create, get, list tags, delete
  const window = 10 * periodMs;
  const busiest = Math.max(...ours.map((c) => ours.filter((o) => o.at! >= c.at! && o.at! < c.at! + window).length));
  // 11 at exact turns in a window of 10 periods; one straggler more allowed (one CPU for all).
  expect(busiest).toBeLessThanOrEqual(12);
  expect(templates()).toEqual([]);
});
