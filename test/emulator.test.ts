import * as http from 'http';
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetCommandInput,
  CreateConfigurationSetEventDestinationCommand,
  CreateEmailIdentityCommand,
  CreateEmailTemplateCommand,
  CreateMultiRegionEndpointCommand,
  CreateMultiRegionEndpointCommandInput,
  DeleteConfigurationSetCommand,
  DeleteConfigurationSetEventDestinationCommand,
  DeleteEmailIdentityCommand,
  DeleteEmailTemplateCommand,
  DeleteMultiRegionEndpointCommand,
  EventDestinationDefinition,
  GetAccountCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  GetEmailIdentityCommand,
  GetEmailTemplateCommand,
  GetMultiRegionEndpointCommand,
  ListConfigurationSetsCommand,
  ListContactListsCommand,
  ListEmailTemplatesCommand,
  ListMultiRegionEndpointsCommand,
  ListTagsForResourceCommand,
  paginateListConfigurationSets,
  paginateListEmailTemplates,
  paginateListMultiRegionEndpoints,
  PutConfigurationSetArchivingOptionsCommand,
  PutConfigurationSetDeliveryOptionsCommand,
  PutConfigurationSetReputationOptionsCommand,
  PutConfigurationSetSendingOptionsCommand,
  PutConfigurationSetSuppressionOptionsCommand,
  PutConfigurationSetTrackingOptionsCommand,
  PutConfigurationSetVdmOptionsCommand,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateConfigurationSetEventDestinationCommand,
  UpdateEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import { SesEmulator } from './emulator/ses-emulator';

let emulator: SesEmulator;
const clients: SESv2Client[] = [];
const warningSetting = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

beforeAll(async () => {
  // The SDK warns about node < 22 on its first client; that noise hides test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  emulator = await SesEmulator.start();
});

beforeEach(() => {
  emulator.reset();
  emulator.options = {};
});

afterAll(async () => {
  clients.forEach(c => c.destroy());
  await emulator.stop();
  if (warningSetting === undefined) {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  } else {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = warningSetting;
  }
});

/** A real SDK client pointed at the emulator; one attempt so errors surface at once. */
function client(region = 'us-east-1', maxAttempts = 1): SESv2Client {
  const c = new SESv2Client({
    endpoint: emulator.url,
    region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts,
  });
  clients.push(c);
  return c;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Recorded calls without who made them and when (checked on their own in the quota tests). */
const recorded = () => emulator.calls.map(({ caller, at, ...call }) => call);

function createInput(name: string, secondary = 'us-west-2', extra: Partial<CreateMultiRegionEndpointCommandInput> = {}): CreateMultiRegionEndpointCommandInput {
  return { EndpointName: name, Details: { RoutesDetails: [{ Region: secondary }] }, ...extra };
}

function arn(name: string, region = 'us-east-1'): string {
  return `arn:aws:ses:${region}:123456789012:multi-region-endpoint/${name}`;
}

/** The rejection of a promise, to assert on its name, status and message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err: any) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function expectError(p: Promise<unknown>, name: string, httpStatusCode: number): Promise<void> {
  const err = await failure(p);
  expect(err.name).toBe(name);
  expect(err.$metadata.httpStatusCode).toBe(httpStatusCode);
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, to check wire details the SDK hides. */
function rawRequest(method: string, path: string, headers: http.OutgoingHttpHeaders = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emulator.url}${path}`, { method, headers, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('create and get', () => {
  test('an endpoint is CREATING until the provisioning delay has passed, then READY', async () => {
    emulator.options = { provisioningDelayMs: 100 };
    const ses = client();

    const created = await ses.send(new CreateMultiRegionEndpointCommand(createInput('global', 'eu-west-1')));
    expect(created.Status).toBe('CREATING');

    const creating = await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'global' }));
    expect(creating).toMatchObject({
      EndpointName: 'global',
      EndpointId: created.EndpointId,
      Status: 'CREATING',
      Routes: [{ Region: 'us-east-1' }, { Region: 'eu-west-1' }],
    });
    expect(creating.CreatedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(creating.CreatedTimestamp!.getTime() - Date.now())).toBeLessThan(5_000);

    await sleep(150);
    const ready = await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'global' }));
    expect(ready.Status).toBe('READY');
    expect(ready.LastUpdatedTimestamp!.getTime()).toBeGreaterThan(ready.CreatedTimestamp!.getTime());
    expect(emulator.endpoint('us-east-1', 'global')).toEqual({
      region: 'us-east-1',
      endpointName: 'global',
      endpointId: created.EndpointId,
      routes: ['eu-west-1'],
      status: 'READY',
      tags: {},
      createdAt: ready.CreatedTimestamp,
      updatedAt: ready.LastUpdatedTimestamp,
    });
  });

  test('without a provisioning delay the endpoint is READY at once', async () => {
    const created = await client().send(new CreateMultiRegionEndpointCommand(createInput('instant')));
    expect(created.Status).toBe('READY');
  });

  test('endpoint ids are unique and shaped like abcdef12.g3h', async () => {
    const ses = client();
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { EndpointId } = await ses.send(new CreateMultiRegionEndpointCommand(createInput(`ep-${i}`)));
      expect(EndpointId).toMatch(/^[a-z0-9]{8}\.[a-z0-9]{3}$/);
      ids.add(EndpointId!);
    }
    expect(ids.size).toBe(20);
  });

  test('a second endpoint of the same name in the same region is AlreadyExists', async () => {
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('dup')));
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('dup', 'eu-west-1'))), 'AlreadyExistsException', 400);
  });

  test('maxEndpointsPerRegion is enforced per region', async () => {
    emulator.options = { maxEndpointsPerRegion: 1 };
    await client().send(new CreateMultiRegionEndpointCommand(createInput('one')));
    await expectError(client().send(new CreateMultiRegionEndpointCommand(createInput('two'))), 'LimitExceededException', 400);
    await client('eu-west-1').send(new CreateMultiRegionEndpointCommand(createInput('two')));
  });

  const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  test.each<[string, CreateMultiRegionEndpointCommandInput]>([
    ['an empty name', createInput('')],
    ['a name of 65 characters', createInput('a'.repeat(65))],
    ['a name with a dot', createInput('bad.name')],
    ['a name with a space', createInput('bad name')],
    ['no route', { EndpointName: 'x', Details: { RoutesDetails: [] } }],
    ['two routes', { EndpointName: 'x', Details: { RoutesDetails: [{ Region: 'eu-west-1' }, { Region: 'us-west-2' }] } }],
    ['an empty region', createInput('x', '')],
    ['the primary as secondary', createInput('x', 'us-east-1')],
    ['a reserved aws: tag', createInput('x', 'eu-west-1', { Tags: [{ Key: 'aws:cdk', Value: 'v' }] })],
    ['duplicate tag keys', createInput('x', 'eu-west-1', { Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })],
    ['51 tags', createInput('x', 'eu-west-1', { Tags: tooMany })],
    ['a tag key of 129 characters', createInput('x', 'eu-west-1', { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] })],
    ['a tag value of 257 characters', createInput('x', 'eu-west-1', { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] })],
    ['a tag key with a forbidden character', createInput('x', 'eu-west-1', { Tags: [{ Key: 'a*b', Value: 'v' }] })],
  ])('Create with %s is a BadRequest', async (_why, input) => {
    await expectError(client().send(new CreateMultiRegionEndpointCommand(input)), 'BadRequestException', 400);
    expect(emulator.endpoints()).toEqual([]);
  });

  test('names at the limits and tags at the limits are accepted', async () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`.padEnd(128, 'x'), Value: i === 0 ? '' : 'v'.repeat(256) }));
    await client().send(new CreateMultiRegionEndpointCommand(createInput(`A-${'z'.repeat(61)}_`, 'eu-west-1', { Tags: tags })));
    expect(Object.keys(emulator.endpoints()[0].tags)).toHaveLength(50);
  });
});

describe('not found', () => {
  test('Get, Delete and ListTagsForResource of an unknown endpoint are NotFoundException 404', async () => {
    const ses = client();
    const err = await failure(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'nope' })));
    expect(err.name).toBe('NotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toContain('nope');
    await expectError(ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'nope' })), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('nope') })), 'NotFoundException', 404);
  });

  test('the notFoundAfterCreateMs window hides a new endpoint from Get and ListTagsForResource', async () => {
    emulator.options = { notFoundAfterCreateMs: 100 };
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('shy')));
    await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shy' })), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('shy') })), 'NotFoundException', 404);
    // It exists all the same: a second Create is refused.
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('shy'))), 'AlreadyExistsException', 400);

    await sleep(150);
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shy' }))).Status).toBe('READY');
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('shy') }))).Tags).toEqual([]);
  });
});

describe('delete', () => {
  test('Delete while CREATING is a ConcurrentModificationException 500', async () => {
    emulator.options = { provisioningDelayMs: 100 };
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('busy')));
    const err = await failure(ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'busy' })));
    expect(err.name).toBe('ConcurrentModificationException');
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.message).toBe('Unable to delete resource in PROVISIONING status');

    await sleep(150);
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'busy' }))).Status).toBe('DELETING');
  });

  test('with concurrentModificationWhileCreating false, Delete of a CREATING endpoint is accepted', async () => {
    emulator.options = { provisioningDelayMs: 10_000, deletionDelayMs: 60, stuckNames: ['stuck'], concurrentModificationWhileCreating: false };
    const ses = client();
    expect((await ses.send(new CreateMultiRegionEndpointCommand(createInput('early')))).Status).toBe('CREATING');
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('stuck')));
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'early' }))).Status).toBe('DELETING');
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'stuck' }))).Status).toBe('DELETING');
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'early' }))).Status).toBe('DELETING');

    await sleep(80);
    expect(emulator.endpoints()).toEqual([]);
    expect(emulator.calls.filter(c => c.errorType === 'ConcurrentModificationException')).toEqual([]);
  });

  test('a deleted endpoint is DELETING for deletionDelayMs, then gone', async () => {
    emulator.options = { deletionDelayMs: 100 };
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('bye')));

    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'bye' }))).Status).toBe('DELETING');
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'bye' }))).Status).toBe('DELETING');
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'bye' }))).Status).toBe('DELETING');
    const listed = await ses.send(new ListMultiRegionEndpointsCommand({}));
    expect(listed.MultiRegionEndpoints?.map(e => e.Status)).toEqual(['DELETING']);

    await sleep(150);
    await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'bye' })), 'NotFoundException', 404);
    expect(emulator.endpoints()).toEqual([]);
    // The name is free again.
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('bye')));
  });

  test('without a deletion delay the endpoint is gone at once', async () => {
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('quick')));
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'quick' }))).Status).toBe('DELETING');
    await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'quick' })), 'NotFoundException', 404);
  });
});

describe('provisioning outcomes', () => {
  test('failNames end in FAILED, and a FAILED endpoint can be deleted', async () => {
    emulator.options = { provisioningDelayMs: 50, failNames: ['doomed'] };
    const ses = client();
    expect((await ses.send(new CreateMultiRegionEndpointCommand(createInput('doomed')))).Status).toBe('CREATING');
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('fine')));
    await sleep(80);
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'doomed' }))).Status).toBe('FAILED');
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'fine' }))).Status).toBe('READY');
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'doomed' }))).Status).toBe('DELETING');
  });

  test('stuckNames stay CREATING and cannot be deleted', async () => {
    emulator.options = { stuckNames: ['stuck'] };
    const ses = client();
    expect((await ses.send(new CreateMultiRegionEndpointCommand(createInput('stuck')))).Status).toBe('CREATING');
    await sleep(30);
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'stuck' }))).Status).toBe('CREATING');
    await expectError(ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'stuck' })), 'ConcurrentModificationException', 500);
  });

  test('options changed later do not affect endpoints already created', async () => {
    emulator.options = { provisioningDelayMs: 50 };
    await client().send(new CreateMultiRegionEndpointCommand(createInput('early')));
    emulator.options = { provisioningDelayMs: 10_000 };
    await sleep(80);
    expect(emulator.endpoint('us-east-1', 'early')?.status).toBe('READY');
  });
});

describe('regions', () => {
  test('state is per region: the same name lives independently in two regions', async () => {
    const east = client('us-east-1');
    const west = client('eu-west-1');
    const a = await east.send(new CreateMultiRegionEndpointCommand(createInput('shared', 'us-west-2')));
    const b = await west.send(new CreateMultiRegionEndpointCommand(createInput('shared', 'eu-central-1')));
    expect(a.EndpointId).not.toBe(b.EndpointId);

    expect((await east.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shared' }))).EndpointId).toBe(a.EndpointId);
    const fromWest = await west.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shared' }));
    expect(fromWest).toMatchObject({ EndpointId: b.EndpointId, Routes: [{ Region: 'eu-west-1' }, { Region: 'eu-central-1' }] });

    // The secondary region does not see (or manage) the endpoint.
    const secondary = client('us-west-2');
    await expectError(secondary.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shared' })), 'NotFoundException', 404);
    expect((await secondary.send(new ListMultiRegionEndpointsCommand({}))).MultiRegionEndpoints).toEqual([]);

    await west.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'shared' }));
    expect((await east.send(new GetMultiRegionEndpointCommand({ EndpointName: 'shared' }))).Status).toBe('READY');
    expect(emulator.endpoints('eu-west-1')).toEqual([]);
    expect(emulator.endpoints().map(e => e.region)).toEqual(['us-east-1']);
    expect(emulator.calls.map(c => c.region)).toContain('eu-west-1');
  });

  test('a request without a SigV4 credential scope is refused', async () => {
    const res = await rawRequest('GET', '/v2/email/multi-region-endpoints');
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });
});

describe('list', () => {
  test('pages through all endpoints with PageSize and NextToken', async () => {
    const ses = client();
    for (let i = 0; i < 7; i++) {
      await ses.send(new CreateMultiRegionEndpointCommand(createInput(`ep-${i}`, 'eu-west-1')));
    }
    const first = await ses.send(new ListMultiRegionEndpointsCommand({ PageSize: 3 }));
    expect(first.MultiRegionEndpoints).toHaveLength(3);
    expect(first.NextToken).toBeDefined();
    expect(first.MultiRegionEndpoints![0]).toMatchObject({ EndpointName: 'ep-0', Status: 'READY', Regions: ['us-east-1', 'eu-west-1'] });
    expect(first.MultiRegionEndpoints![0].CreatedTimestamp).toBeInstanceOf(Date);

    const names: string[] = [];
    const sizes: number[] = [];
    for await (const page of paginateListMultiRegionEndpoints({ client: ses, pageSize: 3 }, {})) {
      sizes.push(page.MultiRegionEndpoints!.length);
      names.push(...page.MultiRegionEndpoints!.map(e => e.EndpointName!));
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(names).toEqual(['ep-0', 'ep-1', 'ep-2', 'ep-3', 'ep-4', 'ep-5', 'ep-6']);

    const all = await ses.send(new ListMultiRegionEndpointsCommand({}));
    expect(all.MultiRegionEndpoints).toHaveLength(7);
    expect(all.NextToken).toBeUndefined();
  });

  test('an endpoint deleted between pages does not break the next page', async () => {
    const ses = client();
    for (const name of ['a', 'b', 'c', 'd']) {
      await ses.send(new CreateMultiRegionEndpointCommand(createInput(name)));
    }
    const first = await ses.send(new ListMultiRegionEndpointsCommand({ PageSize: 2 }));
    await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'b' }));
    const second = await ses.send(new ListMultiRegionEndpointsCommand({ PageSize: 2, NextToken: first.NextToken }));
    expect(second.MultiRegionEndpoints?.map(e => e.EndpointName)).toEqual(['c', 'd']);
    expect(second.NextToken).toBeUndefined();
  });

  test.each([0, 1001])('PageSize %d is a BadRequest', async pageSize => {
    await expectError(client().send(new ListMultiRegionEndpointsCommand({ PageSize: pageSize })), 'BadRequestException', 400);
  });

  test('a made-up NextToken is a BadRequest', async () => {
    await expectError(client().send(new ListMultiRegionEndpointsCommand({ NextToken: 'garbage' })), 'BadRequestException', 400);
  });
});

describe('tags', () => {
  test('Create tags, TagResource merges, UntagResource removes several keys, ListTagsForResource shows them', async () => {
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('tagged', 'eu-west-1', {
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: 'env', Value: 'dev' }],
    })));
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('tagged') }))).Tags).toEqual([
      { Key: 'team', Value: 'mail' },
      { Key: 'env', Value: 'dev' },
    ]);

    await ses.send(new TagResourceCommand({
      ResourceArn: arn('tagged'),
      Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'cost center', Value: 'a/b:c=d+e_f.g-h' }],
    }));
    expect(emulator.endpoint('us-east-1', 'tagged')?.tags).toEqual({ 'team': 'mail', 'env': 'prod', 'cost center': 'a/b:c=d+e_f.g-h' });

    // UntagResource sends repeated TagKeys query parameters; unknown keys are ignored.
    await ses.send(new UntagResourceCommand({ ResourceArn: arn('tagged'), TagKeys: ['team', 'cost center', 'missing'] }));
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('tagged') }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
  });

  test('the 50-tag limit applies after merging', async () => {
    const ses = client();
    const tags = Array.from({ length: 30 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('full', 'eu-west-1', { Tags: tags })));
    const more = Array.from({ length: 21 }, (_, i) => ({ Key: `m${i}`, Value: 'v' }));
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: arn('full'), Tags: more })), 'BadRequestException', 400);
    // Overwriting existing keys does not count twice.
    await ses.send(new TagResourceCommand({ ResourceArn: arn('full'), Tags: [...tags.slice(0, 10), ...more.slice(0, 20)] }));
    expect(Object.keys(emulator.endpoint('us-east-1', 'full')!.tags)).toHaveLength(50);
  });

  test('tag operations validate the ARN and the tags', async () => {
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('t')));
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: 'not-an-arn', Tags: [{ Key: 'a', Value: 'b' }] })), 'BadRequestException', 400);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/t' })), 'BadRequestException', 400);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('t', 'eu-west-1') })), 'BadRequestException', 400);
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: arn('t'), Tags: [{ Key: 'aws:x', Value: 'b' }] })), 'BadRequestException', 400);
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: arn('ghost'), Tags: [{ Key: 'a', Value: 'b' }] })), 'NotFoundException', 404);
    await expectError(ses.send(new UntagResourceCommand({ ResourceArn: arn('ghost'), TagKeys: ['a'] })), 'NotFoundException', 404);
    // Other partitions are fine.
    await client('cn-north-1').send(new CreateMultiRegionEndpointCommand(createInput('cn', 'cn-northwest-1')));
    const cnArn = 'arn:aws-cn:ses:cn-north-1:123456789012:multi-region-endpoint/cn';
    expect((await client('cn-north-1').send(new ListTagsForResourceCommand({ ResourceArn: cnArn }))).Tags).toEqual([]);
  });
});

describe('test controls', () => {
  test('failNext answers the injected error for the next `times` calls, then behaves normally', async () => {
    const ses = client();
    emulator.failNext('CreateMultiRegionEndpoint', 'TooManyRequestsException', { times: 2 });
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('x'))), 'TooManyRequestsException', 429);
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('x'))), 'TooManyRequestsException', 429);
    expect(emulator.endpoints()).toEqual([]);
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('x')));
    expect(emulator.endpoints()).toHaveLength(1);
  });

  test('failNext can target one endpoint name and set status and message', async () => {
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('a')));
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('b')));
    emulator.failNext('GetMultiRegionEndpoint', 'InternalServiceErrorException', { endpointName: 'b', httpStatus: 503, message: 'boom' });

    await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'a' }));
    const err = await failure(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'b' })));
    expect(err).toMatchObject({ name: 'InternalServiceErrorException', message: 'boom', $metadata: { httpStatusCode: 503 } });
    await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'b' }));
  });

  test('the SDK retries an injected 500 and succeeds', async () => {
    // A 500 rather than a throttle: the SDK backs off from throttles for ~0.5 s or more.
    await client().send(new CreateMultiRegionEndpointCommand(createInput('r')));
    emulator.failNext('DeleteMultiRegionEndpoint', 'ConcurrentModificationException', { message: 'Unable to delete resource in PROVISIONING status' });
    const deleted = await client('us-east-1', 3).send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'r' }));
    expect(deleted.Status).toBe('DELETING');
    expect(emulator.calls.filter(c => c.operation === 'DeleteMultiRegionEndpoint').map(c => c.httpStatus)).toEqual([500, 200]);
  });

  test('calls records every request in order', async () => {
    const ses = client('eu-west-1');
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('rec', 'us-east-1')));
    await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'rec' }));
    await failure(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'nope' })));
    await ses.send(new TagResourceCommand({ ResourceArn: arn('rec', 'eu-west-1'), Tags: [{ Key: 'a', Value: 'b' }] }));
    await ses.send(new ListMultiRegionEndpointsCommand({}));
    await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'rec' }));
    expect(recorded()).toEqual([
      { operation: 'CreateMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'GetMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'GetMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'nope', httpStatus: 404, errorType: 'NotFoundException' },
      { operation: 'TagResource', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'ListMultiRegionEndpoints', region: 'eu-west-1', endpointName: undefined, httpStatus: 200 },
      { operation: 'DeleteMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
    ]);
  });

  test('unknown operations answer 404 UnknownOperationException', async () => {
    await expectError(client().send(new ListContactListsCommand({})), 'UnknownOperationException', 404);
    expect(emulator.calls[0]).toMatchObject({ operation: 'Unknown', httpStatus: 404, errorType: 'UnknownOperationException' });
  });

  test('errors carry x-amzn-errortype and a JSON message on the wire', async () => {
    const auth = 'AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0';
    const res = await rawRequest('GET', '/v2/email/multi-region-endpoints/we%2Fird', { authorization: auth });
    expect(res.status).toBe(400);
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException');
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ message: expect.stringContaining('we/ird') });
  });

  test('seed creates a foreign endpoint that the API sees; a seeded status is kept', async () => {
    const foreign = emulator.seed({ region: 'us-east-1', endpointName: 'foreign', routes: ['eu-west-1'], tags: { owner: 'someone' } });
    emulator.seed({ region: 'us-east-1', endpointName: 'half', routes: ['eu-west-1'], status: 'CREATING' });
    const ses = client();
    expect(await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'foreign' }))).toMatchObject({ EndpointId: foreign.endpointId, Status: 'READY' });
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('foreign') }))).Tags).toEqual([{ Key: 'owner', Value: 'someone' }]);
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('foreign'))), 'AlreadyExistsException', 400);
    expect((await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'half' }))).Status).toBe('CREATING');

    // Tests may move a seeded endpoint along by hand.
    emulator.endpoint('us-east-1', 'half')!.status = 'READY';
    expect((await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'half' }))).Status).toBe('DELETING');
    expect(() => emulator.seed({ region: 'us-east-1', endpointName: 'foreign', routes: ['eu-west-1'] })).toThrow(/already exists/);
  });

  test('clientEnv points a default-configured SDK client at the emulator', async () => {
    const env = emulator.clientEnv('ap-southeast-2');
    expect(env).toEqual({
      AWS_ENDPOINT_URL_SESV2: emulator.url,
      AWS_REGION: 'ap-southeast-2',
      AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      const ses = new SESv2Client({ maxAttempts: 1 });
      clients.push(ses);
      await ses.send(new CreateMultiRegionEndpointCommand(createInput('from-env', 'ap-northeast-1')));
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
    }
    expect(emulator.endpoint('ap-southeast-2', 'from-env')).toBeDefined();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('reset clears endpoints, calls and injected errors', async () => {
    await client().send(new CreateMultiRegionEndpointCommand(createInput('gone')));
    emulator.failNext('GetMultiRegionEndpoint', 'TooManyRequestsException');
    emulator.reset();
    expect(emulator.endpoints()).toEqual([]);
    expect(emulator.calls).toEqual([]);
    await expectError(client().send(new GetMultiRegionEndpointCommand({ EndpointName: 'gone' })), 'NotFoundException', 404);
  });
});

/** The SDK's standard retry strategy (this version) waits random() * 1 s * 2^n after a throttle
 * and random() * 50 ms * 2^n after a 5xx or network error. Pinning its jitter to 0 keeps these
 * tests fast; the strategy, its 6 attempts and which errors it retries are unchanged. */
function withoutRetryJitter(): void {
  let random: jest.SpyInstance;
  beforeEach(() => {
    random = jest.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(() => random.mockRestore());
}

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0' };

/** Creates `count` endpoints one after another with a 6-attempt client; returns the names. */
async function createSequentially(count: number): Promise<string[]> {
  const ses = client('us-east-1', 6);
  const names = Array.from({ length: count }, (_, i) => `ep-${String(i).padStart(2, '0')}`);
  for (const name of names) {
    const created = await ses.send(new CreateMultiRegionEndpointCommand(createInput(name)));
    expect(created.Status).toBe('READY');
  }
  return names;
}

/** Each Create that succeeded did so on exactly one attempt: no retry ever hit AlreadyExists. */
function expectOneSuccessfulCreateEach(names: string[]): void {
  const creates = emulator.calls.filter(c => c.operation === 'CreateMultiRegionEndpoint');
  expect(creates.filter(c => c.httpStatus === 200).map(c => c.endpointName).sort()).toEqual(names);
  expect(creates.filter(c => c.errorType === 'AlreadyExistsException')).toEqual([]);
}

describe('fault injection', () => {
  withoutRetryJitter();

  test('throttleRate 1: every operation answers TooManyRequestsException 429 and changes nothing', async () => {
    emulator.seed({ region: 'us-east-1', endpointName: 'kept', routes: ['eu-west-1'], tags: { a: '1' } });
    const before = JSON.stringify(emulator.endpoints());
    emulator.options = { throttleRate: 1 };
    const ses = client();
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('new'))), 'TooManyRequestsException', 429);
    await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'kept' })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new ListMultiRegionEndpointsCommand({})), 'TooManyRequestsException', 429);
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: arn('kept'), Tags: [{ Key: 'b', Value: '2' }] })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new UntagResourceCommand({ ResourceArn: arn('kept'), TagKeys: ['a'] })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('kept') })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'kept' })), 'TooManyRequestsException', 429);
    // Faults come before validation, as a real throttle does.
    await expectError(ses.send(new CreateMultiRegionEndpointCommand(createInput('bad.name'))), 'TooManyRequestsException', 429);

    expect(JSON.stringify(emulator.endpoints())).toBe(before);
    expect(emulator.calls).toHaveLength(8);
    expect(emulator.calls.every(c => c.httpStatus === 429 && c.errorType === 'TooManyRequestsException')).toBe(true);
    expect(recorded()[0]).toEqual({ operation: 'CreateMultiRegionEndpoint', region: 'us-east-1', endpointName: 'new', httpStatus: 429, errorType: 'TooManyRequestsException' });
    expect(emulator.faultCounts()).toEqual({ TooManyRequestsException: 8, InternalFailure: 0, DroppedConnection: 0 });

    const raw = await rawRequest('GET', '/v2/email/multi-region-endpoints', SIGNED);
    expect(raw.status).toBe(429);
    expect(raw.headers['x-amzn-errortype']).toBe('TooManyRequestsException');
    expect(JSON.parse(raw.body)).toEqual({ message: expect.any(String) });
  });

  test('requests that cannot be routed or are not signed are never faulted', async () => {
    emulator.options = { dropConnectionRate: 0.5, serverErrorRate: 0.5 };
    for (let i = 0; i < 5; i++) {
      await expectError(client().send(new ListContactListsCommand({})), 'UnknownOperationException', 404);
      expect((await rawRequest('GET', '/v2/email/multi-region-endpoints')).status).toBe(403);
    }
    expect(emulator.faultCounts()).toEqual({ TooManyRequestsException: 0, InternalFailure: 0, DroppedConnection: 0 });
  });

  test('throttleOperations limits throttling to those operations', async () => {
    emulator.options = { throttleRate: 1, throttleOperations: ['DeleteMultiRegionEndpoint'] };
    const ses = client();
    await ses.send(new CreateMultiRegionEndpointCommand(createInput('x')));
    await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'x' }));
    await expectError(ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: 'x' })), 'TooManyRequestsException', 429);
    expect(emulator.endpoint('us-east-1', 'x')?.status).toBe('READY');
  });

  test('a faulted request does not use up a failNext injection', async () => {
    emulator.options = { throttleRate: 1 };
    emulator.failNext('ListMultiRegionEndpoints', 'BadRequestException');
    await expectError(client().send(new ListMultiRegionEndpointsCommand({})), 'TooManyRequestsException', 429);
    emulator.options.throttleRate = 0;
    await expectError(client().send(new ListMultiRegionEndpointsCommand({})), 'BadRequestException', 400);
    await client().send(new ListMultiRegionEndpointsCommand({}));
  });

  test('a seeded fault pattern is reproducible and close to the rate', async () => {
    emulator.options = { throttleRate: 0.3, seed: 42 };
    emulator.seed({ region: 'us-east-1', endpointName: 'e', routes: ['eu-west-1'] });
    const ses = client();
    const calls = [
      () => ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'e' })),
      () => ses.send(new ListMultiRegionEndpointsCommand({})),
      () => ses.send(new ListTagsForResourceCommand({ ResourceArn: arn('e') })),
      () => ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'missing' })),
    ];
    /** `count` calls in a fixed order; true where the call was throttled */
    const pattern = async (count = 50): Promise<boolean[]> => {
      const throttled: boolean[] = [];
      for (let i = 0; i < count; i++) {
        const outcome = await calls[i % calls.length]().then(() => undefined, (err: Error) => err.name);
        expect(outcome === undefined || outcome === 'TooManyRequestsException' || outcome === 'NotFoundException').toBe(true);
        throttled.push(outcome === 'TooManyRequestsException');
      }
      return throttled;
    };

    const first = await pattern();
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThanOrEqual(0.15);
    expect(share).toBeLessThanOrEqual(0.45);

    emulator.reseed(42);
    expect(await pattern()).toEqual(first);
    emulator.reseed(7);
    const other = await pattern(20);
    expect(other).not.toEqual(first.slice(0, 20));
    // Changing the seed option (in place or by assignment) restarts the sequence too.
    emulator.options.seed = 7;
    expect(await pattern(20)).toEqual(other);
    emulator.options = { throttleRate: 0.3, seed: 42 };
    expect(await pattern(20)).toEqual(first.slice(0, 20));
    // reset() restarts from options.seed.
    emulator.reset();
    emulator.seed({ region: 'us-east-1', endpointName: 'e', routes: ['eu-west-1'] });
    expect(await pattern(20)).toEqual(first.slice(0, 20));
  });

  test('the default seed is 1, so an unseeded run is reproducible too', async () => {
    emulator.options = { throttleRate: 0.5 };
    const ses = client();
    const run = async () => {
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        out.push(await ses.send(new ListMultiRegionEndpointsCommand({})).then(() => false, () => true));
      }
      return out;
    };
    const first = await run();
    emulator.reseed(1);
    expect(await run()).toEqual(first);
  });

  test('with the default 6 attempts, the SDK absorbs a 30% throttle rate: 20 creates, 20 endpoints', async () => {
    emulator.options = { throttleRate: 0.3 };
    const names = await createSequentially(20);
    expect(emulator.endpoints().map(e => e.endpointName).sort()).toEqual(names);
    const throttles = emulator.faultCounts().TooManyRequestsException;
    expect(throttles).toBeGreaterThan(0);
    expect(emulator.calls).toHaveLength(20 + throttles);
    expectOneSuccessfulCreateEach(names);
  });

  test('serverErrorRate answers InternalFailure 500; without retries the client sees it, with retries it is absorbed', async () => {
    emulator.options = { serverErrorRate: 1 };
    const err = await failure(client().send(new CreateMultiRegionEndpointCommand(createInput('x'))));
    expect(err).toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    const raw = await rawRequest('GET', '/v2/email/multi-region-endpoints', SIGNED);
    expect(raw.status).toBe(500);
    expect(raw.headers['x-amzn-errortype']).toBe('InternalFailure');
    // All 6 attempts fail: nothing was created.
    await expectError(client('us-east-1', 6).send(new CreateMultiRegionEndpointCommand(createInput('x'))), 'InternalFailure', 500);
    expect(emulator.endpoints()).toEqual([]);
    expect(emulator.faultCounts()).toEqual({ TooManyRequestsException: 0, InternalFailure: 8, DroppedConnection: 0 });

    emulator.reset();
    emulator.options = { serverErrorRate: 0.3 };
    const names = await createSequentially(20);
    expect(emulator.endpoints().map(e => e.endpointName).sort()).toEqual(names);
    expect(emulator.faultCounts().InternalFailure).toBeGreaterThan(0);
    expectOneSuccessfulCreateEach(names);
  });

  test('dropConnectionRate resets the connection without a response, and a dropped request creates nothing', async () => {
    emulator.options = { dropConnectionRate: 1 };
    const err: any = await failure(client().send(new CreateMultiRegionEndpointCommand(createInput('x'))));
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
    // Plain Node: TimeoutError, code ECONNRESET, 'socket hang up'. Under jest the socket error comes
    // from another realm, so the SDK wraps it: 'AWS SDK error wrapper for TimeoutError: socket hang up'.
    expect(`${err.code} ${err.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(emulator.endpoints()).toEqual([]);
    expect(recorded()).toEqual([
      { operation: 'CreateMultiRegionEndpoint', region: 'us-east-1', endpointName: 'x', httpStatus: 0, errorType: 'DroppedConnection' },
    ]);
    // The SDK retries a reset connection; every attempt is dropped, and still nothing exists.
    await failure(client('us-east-1', 6).send(new CreateMultiRegionEndpointCommand(createInput('x'))));
    expect(emulator.faultCounts()).toEqual({ TooManyRequestsException: 0, InternalFailure: 0, DroppedConnection: 7 });
    expect(emulator.endpoints()).toEqual([]);

    emulator.reset();
    emulator.options = { dropConnectionRate: 0.3 };
    const names = await createSequentially(20);
    expect(emulator.endpoints().map(e => e.endpointName).sort()).toEqual(names);
    expect(emulator.faultCounts().DroppedConnection).toBeGreaterThan(0);
    // Had a dropped Create run, its retry would have met AlreadyExistsException.
    expectOneSuccessfulCreateEach(names);
  });

  test('rates are validated', () => {
    expect(() => (emulator.options = { throttleRate: 1.5 })).toThrow(/throttleRate/);
    expect(() => (emulator.options = { serverErrorRate: -0.1 })).toThrow(/serverErrorRate/);
    expect(() => (emulator.options = { throttleRate: 0.6, dropConnectionRate: 0.6 })).toThrow(/must not exceed 1/);
    expect(() => emulator.reseed(NaN)).toThrow(/seed/);
  });
});

describe('the control-plane quota', () => {
  /** A client that signs as `caller` (its access key id), one attempt, so throttling surfaces. */
  function callerClient(caller: string, region = 'us-east-1'): SESv2Client {
    const c = new SESv2Client({ endpoint: emulator.url, region, credentials: { accessKeyId: caller, secretAccessKey: 'y' }, maxAttempts: 1 });
    clients.push(c);
    return c;
  }
  const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);

  test('off by default: 30 calls at once all succeed', async () => {
    const ses = client();
    const results = await Promise.all(Array.from({ length: 30 }, () => outcome(ses.send(new ListMultiRegionEndpointsCommand({})))));
    expect(results.every(r => r === 'ok')).toBe(true);
  });

  test('a burst beyond the bucket answers TooManyRequestsException 429 "Rate exceeded", and changes nothing', async () => {
    emulator.options = { quota: { ratePerSecond: 1, burst: 2 } };
    const ses = client();
    const results: string[] = [];
    for (const name of ['q1', 'q2', 'q3', 'q4']) results.push(await outcome(ses.send(new CreateMultiRegionEndpointCommand(createInput(name)))));
    expect(results).toEqual(['ok', 'ok', 'TooManyRequestsException', 'TooManyRequestsException']);
    expect(emulator.endpoints().map(e => e.endpointName).sort()).toEqual(['q1', 'q2']);
    const throttled = emulator.calls.filter(c => c.httpStatus === 429);
    expect(throttled).toHaveLength(2);
    await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: 'q1' })), 'TooManyRequestsException', 429);
  });

  test('the bucket refills at ratePerSecond and holds at most burst tokens', async () => {
    emulator.options = { quota: { ratePerSecond: 20, burst: 2 } };
    const ses = client();
    const list = () => outcome(ses.send(new ListMultiRegionEndpointsCommand({})));
    expect([await list(), await list(), await list()]).toEqual(['ok', 'ok', 'TooManyRequestsException']);
    await sleep(70); // one token per 50 ms
    expect(await list()).toBe('ok');
    await sleep(500); // ten tokens' worth, but the bucket holds two
    expect([await list(), await list(), await list()]).toEqual(['ok', 'ok', 'TooManyRequestsException']);
  });

  test('one bucket per region, shared by every caller in it; callerStats reports each caller', async () => {
    emulator.options = { quota: { ratePerSecond: 1, burst: 2 } };
    const stack = callerClient('AKIDSTACK');
    const bystander = callerClient('AKIDBYSTANDER');
    const elsewhere = callerClient('AKIDSTACK', 'eu-west-1');
    expect(await outcome(stack.send(new ListMultiRegionEndpointsCommand({})))).toBe('ok');
    expect(await outcome(stack.send(new ListMultiRegionEndpointsCommand({})))).toBe('ok');
    // The stack used the region's burst: the bystander is throttled there, not in another region.
    expect(await outcome(bystander.send(new ListMultiRegionEndpointsCommand({})))).toBe('TooManyRequestsException');
    expect(await outcome(elsewhere.send(new ListMultiRegionEndpointsCommand({})))).toBe('ok');
    expect(emulator.callerStats()).toEqual([
      { caller: 'AKIDBYSTANDER', region: 'us-east-1', calls: 1, throttled: 1 },
      { caller: 'AKIDSTACK', region: 'eu-west-1', calls: 1, throttled: 0 },
      { caller: 'AKIDSTACK', region: 'us-east-1', calls: 2, throttled: 0 },
    ]);
    expect(emulator.callerStats(Date.now() + 1)).toEqual([]);
    expect(emulator.calls.every(c => typeof c.at === 'number')).toBe(true);
  });

  test('clientEnv(region, caller) signs as that caller', async () => {
    const env = emulator.clientEnv('us-east-1', 'AKIDDEPLOY');
    expect(env.AWS_ACCESS_KEY_ID).toBe('AKIDDEPLOY');
    await callerClient(env.AWS_ACCESS_KEY_ID).send(new ListMultiRegionEndpointsCommand({}));
    expect(emulator.calls[0].caller).toBe('AKIDDEPLOY');
  });

  test('reset refills the buckets; the quota is validated', async () => {
    emulator.options = { quota: { ratePerSecond: 1, burst: 1 } };
    const ses = client();
    expect(await outcome(ses.send(new ListMultiRegionEndpointsCommand({})))).toBe('ok');
    expect(await outcome(ses.send(new ListMultiRegionEndpointsCommand({})))).toBe('TooManyRequestsException');
    emulator.reset();
    expect(await outcome(ses.send(new ListMultiRegionEndpointsCommand({})))).toBe('ok');
    expect(() => { emulator.options = { quota: { ratePerSecond: 0, burst: 2 } }; }).toThrow(/ratePerSecond/);
    expect(() => { emulator.options = { quota: { ratePerSecond: 1, burst: 0.5 } }; }).toThrow(/burst/);
  });
});

describe('stalls', () => {
  test('stallNext runs the call but holds its answer back: a client with a request timeout gives up, and the state changed anyway', async () => {
    emulator.stallNext('CreateMultiRegionEndpoint', { ms: 2000 });
    const impatient = new SESv2Client({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 150, throwOnRequestTimeout: true },
    });
    clients.push(impatient);
    const started = Date.now();
    const error = await impatient.send(new CreateMultiRegionEndpointCommand(createInput('slow'))).catch((e) => e);
    expect(error.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(emulator.endpoint('us-east-1', 'slow')).toBeDefined();
    expect(emulator.calls[0]).toMatchObject({ operation: 'CreateMultiRegionEndpoint', stalledMs: 2000, httpStatus: 200 });
    // The next call is answered at once.
    await expectError(client().send(new CreateMultiRegionEndpointCommand(createInput('slow'))), 'AlreadyExistsException', 400);
  });
});

describe('concurrency', () => {
  withoutRetryJitter();
  const WORKERS = 25;
  const workerName = (i: number) => `w-${String(i).padStart(2, '0')}`;

  /**
   * Each worker has its own client and runs Create, Get, TagResource, ListTagsForResource, then
   * (odd workers) Delete and Get (NotFound), interleaved with the others; five paginators list
   * all the while. Resolves to the names the paginators saw, page by page.
   */
  async function runWorkers(maxAttempts: number): Promise<string[][][]> {
    const worker = async (i: number) => {
      const ses = client('us-east-1', maxAttempts);
      const name = workerName(i);
      const created = await ses.send(new CreateMultiRegionEndpointCommand(createInput(name, 'eu-west-1', { Tags: [{ Key: 'worker', Value: String(i) }] })));
      const got = await ses.send(new GetMultiRegionEndpointCommand({ EndpointName: name }));
      expect(got).toMatchObject({ EndpointName: name, EndpointId: created.EndpointId, Status: 'READY' });
      await ses.send(new TagResourceCommand({ ResourceArn: arn(name), Tags: [{ Key: 'step', Value: 'tagged' }] }));
      expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: arn(name) }))).Tags).toEqual([
        { Key: 'worker', Value: String(i) },
        { Key: 'step', Value: 'tagged' },
      ]);
      if (i % 2 === 1) {
        await ses.send(new DeleteMultiRegionEndpointCommand({ EndpointName: name }));
        await expectError(ses.send(new GetMultiRegionEndpointCommand({ EndpointName: name })), 'NotFoundException', 404);
      }
    };
    const paginator = async () => {
      const pages: string[][] = [];
      for await (const page of paginateListMultiRegionEndpoints({ client: client('us-east-1', maxAttempts), pageSize: 3 }, {})) {
        pages.push(page.MultiRegionEndpoints!.map(e => e.EndpointName!));
      }
      return pages;
    };
    const [, ...listings] = await Promise.all([
      Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i))),
      ...Array.from({ length: 5 }, paginator),
    ]);
    return listings;
  }

  function expectFinalState(listings: string[][][]): void {
    const kept = Array.from({ length: WORKERS }, (_, i) => i).filter(i => i % 2 === 0);
    expect(emulator.endpoints().map(e => [e.endpointName, e.tags]).sort()).toEqual(
      kept.map(i => [workerName(i), { worker: String(i), step: 'tagged' }]));
    expect(new Set(emulator.endpoints().map(e => e.endpointId)).size).toBe(kept.length);
    // NextToken is a position, not a snapshot: whatever changed meanwhile, a listing never
    // repeats a name and stays in order.
    for (const pages of listings) {
      const names = pages.flat();
      expect(names).toEqual([...new Set(names)].sort());
    }
  }

  test('25 clients interleaving creates, gets, tags, deletes and paginated lists end in exactly the expected state', async () => {
    const listings = await runWorkers(1);
    expectFinalState(listings);
    const odd = Math.floor(WORKERS / 2);
    const byOperation = (op: string) => emulator.calls.filter(c => c.operation === op);
    expect(byOperation('CreateMultiRegionEndpoint')).toHaveLength(WORKERS);
    expect(byOperation('DeleteMultiRegionEndpoint')).toHaveLength(odd);
    expect(byOperation('GetMultiRegionEndpoint')).toHaveLength(WORKERS + odd);
    expect(emulator.calls.filter(c => c.httpStatus !== 200)).toHaveLength(odd); // the NotFound Gets
  });

  test('failNext counts down exactly under concurrency, and targets only its endpoint', async () => {
    // The first matching injection wins: the targeted one is registered first, so w-07 always
    // takes it, and five of the other 24 Creates take the throttles.
    emulator.failNext('CreateMultiRegionEndpoint', 'LimitExceededException', { endpointName: workerName(7) });
    emulator.failNext('CreateMultiRegionEndpoint', 'TooManyRequestsException', { times: 5 });
    const results = await Promise.allSettled(Array.from({ length: WORKERS }, (_, i) =>
      client().send(new CreateMultiRegionEndpointCommand(createInput(workerName(i))))));
    const errors = results.flatMap(r => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(errors.sort()).toEqual(['LimitExceededException', ...Array(5).fill('TooManyRequestsException')]);
    expect(emulator.endpoints()).toHaveLength(WORKERS - 6);
    expect(emulator.endpoint('us-east-1', workerName(7))).toBeUndefined();
    // Both injections are used up.
    await client().send(new CreateMultiRegionEndpointCommand(createInput(workerName(7))));
  });

  test('25 clients with random faults and retries still end in exactly the expected state', async () => {
    emulator.options = { throttleRate: 0.05, serverErrorRate: 0.03, dropConnectionRate: 0.02, seed: 2024 };
    const listings = await runWorkers(6);
    expectFinalState(listings);
    const faults = emulator.faultCounts();
    expect(faults.TooManyRequestsException + faults.InternalFailure + faults.DroppedConnection).toBeGreaterThan(0);
    expectOneSuccessfulCreateEach(Array.from({ length: WORKERS }, (_, i) => workerName(i)));
    expect(emulator.calls.filter(c => c.operation === 'DeleteMultiRegionEndpoint' && c.httpStatus === 200)).toHaveLength(Math.floor(WORKERS / 2));
  });
});

describe('email identities (DEED)', () => {
  const identityArn = (name: string, region = 'us-east-1') => `arn:aws:ses:${region}:123456789012:identity/${name}`;
  const replicate = (name: string, region: string, origin = 'AWS_SES_US_EAST_1', extra: Record<string, unknown> = {}) =>
    client(region).send(new CreateEmailIdentityCommand({ EmailIdentity: name, DkimSigningAttributes: { DomainSigningAttributesOrigin: origin as never, ...extra }, Tags: [{ Key: 'k', Value: 'v' }] }));
  const get = (name: string, region = 'us-east-1') => client(region).send(new GetEmailIdentityCommand({ EmailIdentity: name }));

  test('an Easy DKIM identity created through the API has three tokens and stays PENDING (no DNS here)', async () => {
    const created = await client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com', Tags: [{ Key: 'team', Value: 'mail' }] }));
    expect(created).toMatchObject({ IdentityType: 'DOMAIN', VerifiedForSendingStatus: false, DkimAttributes: { Status: 'PENDING', SigningAttributesOrigin: 'AWS_SES' } });
    const got = await get('example.com');
    expect(got).toMatchObject({
      IdentityType: 'DOMAIN',
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: false,
      VerificationStatus: 'PENDING',
      DkimAttributes: { SigningEnabled: true, Status: 'PENDING', SigningAttributesOrigin: 'AWS_SES' },
      Tags: [{ Key: 'team', Value: 'mail' }],
    });
    expect(got.DkimAttributes!.Tokens).toHaveLength(3);
    expect(got.DkimAttributes!.Tokens!.every(t => /^[a-z0-9]{32}$/.test(t))).toBe(true);
    await sleep(30);
    expect(emulator.identity('us-east-1', 'example.com')).toMatchObject({ dkimStatus: 'PENDING', verifiedForSending: false });
  });

  test('with identityVerificationDelayMs, API-created identities are verified after the delay', async () => {
    emulator.options = { identityVerificationDelayMs: 40 };
    await client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    expect((await get('example.com')).VerifiedForSendingStatus).toBe(false);
    await sleep(60);
    expect(await get('example.com')).toMatchObject({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS' } });
  });

  test('a DEED replica has its parent\'s tokens and origin AWS_SES_<PARENT REGION>; it is verified after replicaVerificationDelayMs', async () => {
    emulator.options = { replicaVerificationDelayMs: 60 };
    const parent = emulator.seedIdentity({ region: 'us-east-1', name: 'example.com' });
    const { $metadata, ...created } = await replicate('example.com', 'us-west-2');
    expect($metadata.httpStatusCode).toBe(200);
    expect(created).toEqual({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: false,
      DkimAttributes: { SigningEnabled: true, Status: 'PENDING', Tokens: parent.dkimTokens, SigningAttributesOrigin: 'AWS_SES_US_EAST_1' },
    });
    expect((await get('example.com', 'us-west-2')).VerifiedForSendingStatus).toBe(false);
    await sleep(80);
    expect(await get('example.com', 'us-west-2')).toMatchObject({
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      DkimAttributes: { Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES_US_EAST_1', Tokens: parent.dkimTokens },
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    expect(emulator.identities().map(i => [i.region, i.identityName, i.dkimOrigin]).sort()).toEqual([
      ['us-east-1', 'example.com', 'AWS_SES'], ['us-west-2', 'example.com', 'AWS_SES_US_EAST_1'],
    ]);
  });

  test('a replica of an unverified parent stays PENDING until the parent is verified', async () => {
    const parent = emulator.seedIdentity({ region: 'us-east-1', name: 'example.com', verified: false });
    await replicate('example.com', 'eu-west-1');
    await sleep(20);
    expect(emulator.identity('eu-west-1', 'example.com')).toMatchObject({ dkimStatus: 'PENDING', verifiedForSending: false });
    parent.verifiedForSending = true;
    parent.dkimStatus = 'SUCCESS';
    expect(await get('example.com', 'eu-west-1')).toMatchObject({ VerifiedForSendingStatus: true, DkimAttributes: { Status: 'SUCCESS' } });
  });

  test('replicaFailNames end in DKIM status FAILED', async () => {
    emulator.options = { replicaFailNames: ['doomed.com'] };
    emulator.seedIdentity({ region: 'us-east-1', name: 'doomed.com' });
    await replicate('doomed.com', 'us-west-2');
    expect(await get('doomed.com', 'us-west-2')).toMatchObject({ VerifiedForSendingStatus: false, DkimAttributes: { Status: 'FAILED' } });
  });

  test.each([
    ['the parent is missing', () => undefined, 'AWS_SES_US_EAST_1', {}, 'Parent identity example.com does not exist in us-east-1'],
    ['the parent uses BYODKIM', () => emulator.seedIdentity({ region: 'us-east-1', name: 'example.com', dkimOrigin: 'EXTERNAL' }), 'AWS_SES_US_EAST_1', {}, 'uses Bring Your Own DKIM'],
    ['the parent is itself a replica', () => emulator.seedIdentity({ region: 'us-east-1', name: 'example.com', dkimOrigin: 'AWS_SES_EU_WEST_1' }), 'AWS_SES_US_EAST_1', {}, 'is a replica (AWS_SES_EU_WEST_1) and cannot be a parent'],
    ['the origin is AWS_SES', () => undefined, 'AWS_SES', {}, 'Invalid DomainSigningAttributesOrigin for CreateEmailIdentity: "AWS_SES"'],
    ['the origin is EXTERNAL', () => undefined, 'EXTERNAL', {}, 'Invalid DomainSigningAttributesOrigin'],
    ['the origin is no region', () => undefined, 'AWS_SES_MARS_1', {}, 'Invalid DomainSigningAttributesOrigin'],
    ['the origin is the replica\'s own region', () => undefined, 'AWS_SES_US_WEST_2', {}, "A replica cannot be created in its parent's region us-west-2"],
    ['an origin comes with a BYODKIM key', () => undefined, 'AWS_SES_US_EAST_1', { DomainSigningSelector: 's1', DomainSigningPrivateKey: 'a2V5' }, 'cannot be combined'],
  ])('CreateEmailIdentity refuses a replica when %s (BadRequestException)', async (_, seed, origin, extra, message) => {
    seed();
    const err = await failure(replicate('example.com', 'us-west-2', origin, extra));
    expect(err).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
    expect(err.message).toContain(message);
    expect(emulator.identities('us-west-2')).toEqual([]);
  });

  test('an email address identity cannot be replicated; a malformed name is refused', async () => {
    emulator.seedIdentity({ region: 'us-east-1', name: 'me@example.com' });
    await expectError(replicate('me@example.com', 'us-west-2'), 'BadRequestException', 400);
    await expectError(client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'not a domain' })), 'BadRequestException', 400);
  });

  test('BYODKIM identities have origin EXTERNAL; a selector without a key is refused', async () => {
    await client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'own.com', DkimSigningAttributes: { DomainSigningSelector: 'sel', DomainSigningPrivateKey: 'a2V5' } }));
    expect((await get('own.com')).DkimAttributes).toMatchObject({ SigningAttributesOrigin: 'EXTERNAL', Tokens: ['sel'] });
    await expectError(client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'half.com', DkimSigningAttributes: { DomainSigningSelector: 'sel' } })), 'BadRequestException', 400);
  });

  test('AlreadyExists, NotFound and the identityNotFoundAfterCreateMs window', async () => {
    emulator.options = { identityNotFoundAfterCreateMs: 50 };
    await client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    await expectError(client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' })), 'AlreadyExistsException', 400);
    await expectError(get('example.com'), 'NotFoundException', 404);
    await expectError(client().send(new ListTagsForResourceCommand({ ResourceArn: identityArn('example.com') })), 'NotFoundException', 404);
    await sleep(70);
    expect((await get('example.com')).IdentityType).toBe('DOMAIN');
    await expectError(get('nope.com'), 'NotFoundException', 404);
    await expectError(client().send(new DeleteEmailIdentityCommand({ EmailIdentity: 'nope.com' })), 'NotFoundException', 404);
    // Identities are per region.
    await expectError(get('example.com', 'eu-west-1'), 'NotFoundException', 404);
  });

  test('a parent with replicas cannot be deleted; once the replicas are gone it can', async () => {
    emulator.seedIdentity({ region: 'us-east-1', name: 'example.com' });
    await replicate('example.com', 'us-west-2');
    await replicate('example.com', 'eu-west-1');
    const err = await failure(client().send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' })));
    expect(err).toMatchObject({ name: 'BadRequestException', message: 'Identity example.com is the parent of replicas in eu-west-1, us-west-2: delete them first' });
    await client('us-west-2').send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    await client('eu-west-1').send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    await client().send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    expect(emulator.identities()).toEqual([]);
  });

  test('with identityDeletionDelayMs a deleted identity is still seen for a while, then gone', async () => {
    emulator.options = { identityDeletionDelayMs: 50 };
    emulator.seedIdentity({ region: 'us-east-1', name: 'example.com' });
    await client().send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' }));
    expect((await get('example.com')).IdentityType).toBe('DOMAIN');
    await client().send(new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' })); // idempotent meanwhile
    await sleep(70);
    await expectError(get('example.com'), 'NotFoundException', 404);
  });

  test('tag operations work on identity ARNs (and check the ARN region)', async () => {
    emulator.seedIdentity({ region: 'us-east-1', name: 'example.com', tags: { a: '1' } });
    const ses = client();
    await ses.send(new TagResourceCommand({ ResourceArn: identityArn('example.com'), Tags: [{ Key: 'b', Value: '2' }] }));
    await ses.send(new UntagResourceCommand({ ResourceArn: identityArn('example.com'), TagKeys: ['a'] }));
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: identityArn('example.com') }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    expect(emulator.identity('us-east-1', 'example.com')!.tags).toEqual({ b: '2' });
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: identityArn('example.com', 'us-west-2') })), 'BadRequestException', 400);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: identityArn('nope.com') })), 'NotFoundException', 404);
  });

  test('email address identities are reached through their encoded path', async () => {
    await client().send(new CreateEmailIdentityCommand({ EmailIdentity: 'me@example.com' }));
    expect(await get('me@example.com')).toMatchObject({ IdentityType: 'EMAIL_ADDRESS', DkimAttributes: { SigningEnabled: false, Status: 'NOT_STARTED' } });
  });

  test('calls name the identity; failNext can target one identity', async () => {
    emulator.seedIdentity({ region: 'us-east-1', name: 'a.com' });
    emulator.seedIdentity({ region: 'us-east-1', name: 'b.com' });
    emulator.failNext('GetEmailIdentity', 'TooManyRequestsException', { identityName: 'b.com' });
    await get('a.com');
    await expectError(get('b.com'), 'TooManyRequestsException', 429);
    await get('b.com');
    await client().send(new ListTagsForResourceCommand({ ResourceArn: identityArn('a.com') }));
    expect(recorded()).toEqual([
      { operation: 'GetEmailIdentity', region: 'us-east-1', identityName: 'a.com', httpStatus: 200 },
      { operation: 'GetEmailIdentity', region: 'us-east-1', identityName: 'b.com', httpStatus: 429, errorType: 'TooManyRequestsException' },
      { operation: 'GetEmailIdentity', region: 'us-east-1', identityName: 'b.com', httpStatus: 200 },
      { operation: 'ListTagsForResource', region: 'us-east-1', identityName: 'a.com', httpStatus: 200 },
    ]);
  });

  test('seedIdentity refuses duplicates; reset clears identities', async () => {
    emulator.seedIdentity({ region: 'us-east-1', name: 'example.com' });
    expect(() => emulator.seedIdentity({ region: 'us-east-1', name: 'example.com' })).toThrow(/already exists/);
    emulator.reset();
    expect(emulator.identities()).toEqual([]);
  });
});

describe('account (GetAccount)', () => {
  test('every region starts out of the sandbox: production access, sending, 50,000 a day at 14 a second', async () => {
    const { $metadata, ...account } = await client('eu-west-1').send(new GetAccountCommand({}));
    expect($metadata.httpStatusCode).toBe(200);
    expect(account).toEqual({
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
      EnforcementStatus: 'HEALTHY',
      DedicatedIpAutoWarmupEnabled: false,
    });
    expect(emulator.account('eu-west-1')).toEqual(account);
    expect(recorded()).toEqual([{ operation: 'GetAccount', region: 'eu-west-1', httpStatus: 200 }]);
  });

  test('seedAccount sets one region\'s state (SendQuota field by field); other regions keep theirs; reset restores the defaults', async () => {
    const seeded = emulator.seedAccount('us-west-2', {
      ProductionAccessEnabled: false,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1 },
      Details: { MailType: 'TRANSACTIONAL', WebsiteURL: 'https://example.com', ReviewDetails: { Status: 'PENDING', CaseId: 'c-1' } },
    });
    expect(seeded).toBe(emulator.account('us-west-2'));
    const west = await client('us-west-2').send(new GetAccountCommand({}));
    expect(west).toMatchObject({
      ProductionAccessEnabled: false,
      SendingEnabled: true,
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 0 },
      Details: { MailType: 'TRANSACTIONAL', WebsiteURL: 'https://example.com', ReviewDetails: { Status: 'PENDING', CaseId: 'c-1' } },
    });
    const east = await client('us-east-1').send(new GetAccountCommand({}));
    expect(east).toMatchObject({ ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 50000, MaxSendRate: 14 } });
    expect(east.Details).toBeUndefined();

    // A second seed merges over the first; the live object may be changed too.
    emulator.seedAccount('us-west-2', { SendQuota: { SentLast24Hours: 150 }, EnforcementStatus: 'PROBATION' });
    emulator.account('us-west-2').SendingEnabled = false;
    expect(await client('us-west-2').send(new GetAccountCommand({}))).toMatchObject({
      ProductionAccessEnabled: false,
      SendingEnabled: false,
      EnforcementStatus: 'PROBATION',
      SendQuota: { Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 150 },
    });

    emulator.reset();
    expect(await client('us-west-2').send(new GetAccountCommand({}))).toMatchObject({ ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 50000 } });
  });
});

describe('configuration sets', () => {
  const setArn = (name: string, region = 'us-east-1') => `arn:aws:ses:${region}:123456789012:configuration-set/${name}`;
  const archiveArn = (region = 'us-east-1') => `arn:aws:ses:${region}:123456789012:mailmanager-archive/a-0123456789abcdef`;
  const create = (name: string, extra: Partial<CreateConfigurationSetCommandInput> = {}, region = 'us-east-1') =>
    client(region).send(new CreateConfigurationSetCommand({ ConfigurationSetName: name, ...extra }));
  const get = async (name: string, region = 'us-east-1') => {
    const { $metadata, ...set } = await client(region).send(new GetConfigurationSetCommand({ ConfigurationSetName: name }));
    return set;
  };

  test('a set created without options reads back with SES\'s defaults, and nothing else', async () => {
    const { $metadata, ...created } = await create('plain');
    expect($metadata.httpStatusCode).toBe(200);
    expect(created).toEqual({});
    expect(await get('plain')).toEqual({
      ConfigurationSetName: 'plain',
      DeliveryOptions: { TlsPolicy: 'OPTIONAL' },
      ReputationOptions: { ReputationMetricsEnabled: false },
      SendingOptions: { SendingEnabled: true },
      Tags: [],
    });
    expect(emulator.configurationSet('us-east-1', 'plain')).toEqual({
      region: 'us-east-1',
      configurationSetName: 'plain',
      deliveryOptions: { TlsPolicy: 'OPTIONAL' },
      reputationOptions: { ReputationMetricsEnabled: false },
      sendingOptions: { SendingEnabled: true },
      tags: {},
      eventDestinations: [],
    });
  });

  test('every option given at create reads back exactly, LastFreshStart as a Date; tags are visible to ListTagsForResource', async () => {
    const lastFreshStart = new Date('2026-01-02T03:04:05Z');
    await create('full', {
      TrackingOptions: { CustomRedirectDomain: 'track.example.com', HttpsPolicy: 'REQUIRE' },
      DeliveryOptions: { TlsPolicy: 'REQUIRE', SendingPoolName: 'pool', MaxDeliverySeconds: 600, SharedPoolDeliveryMode: 'REGIONAL' },
      ReputationOptions: { ReputationMetricsEnabled: true, LastFreshStart: lastFreshStart },
      SendingOptions: { SendingEnabled: false },
      SuppressionOptions: {
        SuppressedReasons: ['BOUNCE', 'COMPLAINT'],
        SuppressionScope: 'ACCOUNT',
        ValidationOptions: { ConditionThreshold: { ConditionThresholdEnabled: 'ENABLED', OverallConfidenceThreshold: { ConfidenceVerdictThreshold: 'HIGH' } } },
      },
      VdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' }, GuardianOptions: { OptimizedSharedDelivery: 'DISABLED' } },
      ArchivingOptions: { ArchiveArn: archiveArn() },
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: 'env', Value: 'prod' }],
    });
    expect(await get('full')).toEqual({
      ConfigurationSetName: 'full',
      TrackingOptions: { CustomRedirectDomain: 'track.example.com', HttpsPolicy: 'REQUIRE' },
      DeliveryOptions: { TlsPolicy: 'REQUIRE', SendingPoolName: 'pool', MaxDeliverySeconds: 600, SharedPoolDeliveryMode: 'REGIONAL' },
      ReputationOptions: { ReputationMetricsEnabled: true, LastFreshStart: lastFreshStart },
      SendingOptions: { SendingEnabled: false },
      SuppressionOptions: {
        SuppressedReasons: ['BOUNCE', 'COMPLAINT'],
        SuppressionScope: 'ACCOUNT',
        ValidationOptions: { ConditionThreshold: { ConditionThresholdEnabled: 'ENABLED', OverallConfidenceThreshold: { ConfidenceVerdictThreshold: 'HIGH' } } },
      },
      VdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' }, GuardianOptions: { OptimizedSharedDelivery: 'DISABLED' } },
      ArchivingOptions: { ArchiveArn: archiveArn() },
      Tags: [{ Key: 'team', Value: 'mail' }, { Key: 'env', Value: 'prod' }],
    });
    expect(emulator.configurationSet('us-east-1', 'full')).toMatchObject({
      reputationOptions: { ReputationMetricsEnabled: true, LastFreshStart: lastFreshStart },
      tags: { team: 'mail', env: 'prod' },
    });
    expect((await client().send(new ListTagsForResourceCommand({ ResourceArn: setArn('full') }))).Tags).toEqual([
      { Key: 'team', Value: 'mail' },
      { Key: 'env', Value: 'prod' },
    ]);
  });

  test('the Put*Options operations change what GetConfigurationSet shows', async () => {
    const ses = client();
    const name = { ConfigurationSetName: 'opts' };
    await create('opts', { DeliveryOptions: { SharedPoolDeliveryMode: 'GLOBAL' }, ReputationOptions: { LastFreshStart: new Date(1_700_000_000_000) } });

    await ses.send(new PutConfigurationSetDeliveryOptionsCommand({ ...name, TlsPolicy: 'REQUIRE', MaxDeliverySeconds: 50400 }));
    await ses.send(new PutConfigurationSetReputationOptionsCommand({ ...name, ReputationMetricsEnabled: true }));
    await ses.send(new PutConfigurationSetSendingOptionsCommand({ ...name, SendingEnabled: false }));
    await ses.send(new PutConfigurationSetSuppressionOptionsCommand({ ...name, SuppressedReasons: ['BOUNCE'] }));
    await ses.send(new PutConfigurationSetTrackingOptionsCommand({ ...name, CustomRedirectDomain: 'click.example.com', HttpsPolicy: 'REQUIRE_OPEN_ONLY' }));
    await ses.send(new PutConfigurationSetVdmOptionsCommand({ ...name, VdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' } } }));
    await ses.send(new PutConfigurationSetArchivingOptionsCommand({ ...name, ArchiveArn: archiveArn() }));
    expect(await get('opts')).toEqual({
      ConfigurationSetName: 'opts',
      // SharedPoolDeliveryMode: "If you don't specify a value, the current value doesn't change."
      DeliveryOptions: { TlsPolicy: 'REQUIRE', MaxDeliverySeconds: 50400, SharedPoolDeliveryMode: 'GLOBAL' },
      ReputationOptions: { ReputationMetricsEnabled: true, LastFreshStart: new Date(1_700_000_000_000) },
      SendingOptions: { SendingEnabled: false },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE'] },
      TrackingOptions: { CustomRedirectDomain: 'click.example.com', HttpsPolicy: 'REQUIRE_OPEN_ONLY' },
      VdmOptions: { DashboardOptions: { EngagementMetrics: 'ENABLED' } },
      ArchivingOptions: { ArchiveArn: archiveArn() },
      Tags: [],
    });

    // Left out, they turn off: tracking, VDM and archiving options go; TlsPolicy goes back to OPTIONAL.
    await ses.send(new PutConfigurationSetTrackingOptionsCommand(name));
    await ses.send(new PutConfigurationSetVdmOptionsCommand(name));
    await ses.send(new PutConfigurationSetArchivingOptionsCommand(name));
    await ses.send(new PutConfigurationSetDeliveryOptionsCommand(name));
    await ses.send(new PutConfigurationSetSendingOptionsCommand({ ...name, SendingEnabled: true }));
    const after = await get('opts');
    expect(after).toMatchObject({ DeliveryOptions: { TlsPolicy: 'OPTIONAL', SharedPoolDeliveryMode: 'GLOBAL' }, SendingOptions: { SendingEnabled: true } });
    expect(after.TrackingOptions).toBeUndefined();
    expect(after.VdmOptions).toBeUndefined();
    expect(after.ArchivingOptions).toBeUndefined();
    expect(emulator.calls.map(c => c.operation).filter(op => op.startsWith('Put'))).toEqual([
      'PutConfigurationSetDeliveryOptions', 'PutConfigurationSetReputationOptions', 'PutConfigurationSetSendingOptions',
      'PutConfigurationSetSuppressionOptions', 'PutConfigurationSetTrackingOptions', 'PutConfigurationSetVdmOptions',
      'PutConfigurationSetArchivingOptions', 'PutConfigurationSetTrackingOptions', 'PutConfigurationSetVdmOptions',
      'PutConfigurationSetArchivingOptions', 'PutConfigurationSetDeliveryOptions', 'PutConfigurationSetSendingOptions',
    ]);
  });

  test('AlreadyExists on a duplicate name; NotFound from Get, Delete and every Put for a missing set', async () => {
    const ses = client();
    await create('dup');
    const err = await failure(create('dup'));
    expect(err).toMatchObject({ name: 'AlreadyExistsException', $metadata: { httpStatusCode: 400 } });
    expect(err.message).toContain('dup');
    const missing = { ConfigurationSetName: 'ghost' };
    await expectError(ses.send(new GetConfigurationSetCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new DeleteConfigurationSetCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetDeliveryOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetReputationOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetSendingOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetSuppressionOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetTrackingOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetVdmOptionsCommand(missing)), 'NotFoundException', 404);
    await expectError(ses.send(new PutConfigurationSetArchivingOptionsCommand(missing)), 'NotFoundException', 404);
  });

  test.each<[string, Partial<CreateConfigurationSetCommandInput>]>([
    ['an empty name', { ConfigurationSetName: '' }],
    ['a name of 65 characters', { ConfigurationSetName: 'a'.repeat(65) }],
    ['a name with a dot', { ConfigurationSetName: 'bad.name' }],
    ['an unknown TlsPolicy', { DeliveryOptions: { TlsPolicy: 'MAYBE' as never } }],
    ['MaxDeliverySeconds below 300', { DeliveryOptions: { MaxDeliverySeconds: 299 } }],
    ['MaxDeliverySeconds above 50400', { DeliveryOptions: { MaxDeliverySeconds: 50401 } }],
    ['TrackingOptions without a CustomRedirectDomain', { TrackingOptions: { HttpsPolicy: 'REQUIRE' } as never }],
    ['an unknown suppression reason', { SuppressionOptions: { SuppressedReasons: ['SPAM' as never] } }],
    ['an archive that is no Mail Manager archive', { ArchivingOptions: { ArchiveArn: 'arn:aws:s3:::bucket' } }],
    ['an archive in another region', { ArchivingOptions: { ArchiveArn: archiveArn('us-west-2') } }],
    ['a reserved aws: tag', { Tags: [{ Key: 'aws:x', Value: 'v' }] }],
  ])('Create with %s is a BadRequest', async (_why, input) => {
    await expectError(create('ok', input), 'BadRequestException', 400);
    expect(emulator.configurationSets()).toEqual([]);
  });

  test('names at the limit are accepted; Put validates its input too', async () => {
    const name = `A-${'z'.repeat(61)}_`;
    await create(name);
    const ses = client();
    await expectError(ses.send(new PutConfigurationSetTrackingOptionsCommand({ ConfigurationSetName: name, CustomRedirectDomain: 'x.com', HttpsPolicy: 'NO' as never })), 'BadRequestException', 400);
    await expectError(ses.send(new PutConfigurationSetVdmOptionsCommand({ ConfigurationSetName: name, VdmOptions: { GuardianOptions: { OptimizedSharedDelivery: 'ON' as never } } })), 'BadRequestException', 400);
    await expectError(ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'bad.name' })), 'BadRequestException', 400);
    expect(await get(name)).toMatchObject({ ConfigurationSetName: name, SendingOptions: { SendingEnabled: true } });
  });

  test('maxConfigurationSetsPerRegion: LimitExceededException beyond it, per region; the default is 10000', async () => {
    emulator.options = { maxConfigurationSetsPerRegion: 2 };
    await create('one');
    await create('two');
    await expectError(create('three'), 'LimitExceededException', 400);
    await create('three', {}, 'eu-west-1');
    await client().send(new DeleteConfigurationSetCommand({ ConfigurationSetName: 'one' }));
    await create('three');

    emulator.reset();
    emulator.options = {};
    for (let i = 0; i < 10_000; i++) emulator.seedConfigurationSet({ region: 'us-east-1', name: `s${i}` });
    await expectError(create('more'), 'LimitExceededException', 400);
  });

  test('ListConfigurationSets pages with PageSize and NextToken and filters by CONFIGURATION_SET_NAME_CONTAINS', async () => {
    for (const name of ['beta', 'alpha', 'prod-mail', 'prod-bulk', 'gamma']) await create(name);
    const ses = client();
    const first = await ses.send(new ListConfigurationSetsCommand({ PageSize: 2 }));
    expect(first).toMatchObject({ ConfigurationSets: ['alpha', 'beta'], NextToken: expect.any(String) });
    const pages: string[][] = [];
    for await (const page of paginateListConfigurationSets({ client: ses, pageSize: 2 }, {})) pages.push(page.ConfigurationSets!);
    expect(pages).toEqual([['alpha', 'beta'], ['gamma', 'prod-bulk'], ['prod-mail']]);

    const filtered = await ses.send(new ListConfigurationSetsCommand({ Filter: { CONFIGURATION_SET_NAME_CONTAINS: 'prod' } }));
    expect(filtered.ConfigurationSets).toEqual(['prod-bulk', 'prod-mail']);
    expect(filtered.NextToken).toBeUndefined();
    await expectError(ses.send(new ListConfigurationSetsCommand({ PageSize: 0 })), 'BadRequestException', 400);
    await expectError(ses.send(new ListConfigurationSetsCommand({ NextToken: 'garbage' })), 'BadRequestException', 400);
    await expectError(ses.send(new ListConfigurationSetsCommand({ Filter: { NAME_STARTS_WITH: 'p' } as never })), 'BadRequestException', 400);
  });

  test('this SDK lists configuration sets with POST /v2/email/list-configuration-sets, not GET /v2/email/configuration-sets', async () => {
    await create('wire');
    const listed = await rawRequest('POST', '/v2/email/list-configuration-sets', SIGNED);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({ ConfigurationSets: ['wire'] });
    const old = await rawRequest('GET', '/v2/email/configuration-sets', SIGNED);
    expect(old.status).toBe(404);
    expect(old.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });

  test('sets are per region: one created in us-west-2 is not visible in us-east-1', async () => {
    await create('regional', { Tags: [{ Key: 'r', Value: 'west' }] }, 'us-west-2');
    const east = client('us-east-1');
    await expectError(east.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'regional' })), 'NotFoundException', 404);
    expect((await east.send(new ListConfigurationSetsCommand({}))).ConfigurationSets).toEqual([]);
    await expectError(east.send(new ListTagsForResourceCommand({ ResourceArn: setArn('regional') })), 'NotFoundException', 404);
    // The ARN names the region: a us-west-2 ARN is refused in us-east-1.
    await expectError(east.send(new ListTagsForResourceCommand({ ResourceArn: setArn('regional', 'us-west-2') })), 'BadRequestException', 400);
    expect((await get('regional', 'us-west-2')).Tags).toEqual([{ Key: 'r', Value: 'west' }]);

    // The same name lives independently in us-east-1.
    await create('regional', { SendingOptions: { SendingEnabled: false } });
    expect((await get('regional')).SendingOptions).toEqual({ SendingEnabled: false });
    expect((await get('regional', 'us-west-2')).SendingOptions).toEqual({ SendingEnabled: true });
    expect(emulator.configurationSets('us-west-2').map(s => s.configurationSetName)).toEqual(['regional']);
    expect(emulator.configurationSets().map(s => s.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(recorded().filter(c => c.operation === 'CreateConfigurationSet').map(c => c.region)).toEqual(['us-west-2', 'us-east-1']);
  });

  test('tag operations work on configuration-set ARNs; NotFound for a missing set', async () => {
    const ses = client();
    await create('tagged', { Tags: [{ Key: 'a', Value: '1' }] });
    await ses.send(new TagResourceCommand({ ResourceArn: setArn('tagged'), Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
    expect((await get('tagged')).Tags).toEqual([{ Key: 'a', Value: 'one' }, { Key: 'b', Value: '2' }]);
    await ses.send(new UntagResourceCommand({ ResourceArn: setArn('tagged'), TagKeys: ['a'] }));
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: setArn('tagged') }))).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    expect(emulator.configurationSet('us-east-1', 'tagged')!.tags).toEqual({ b: '2' });

    await expectError(ses.send(new TagResourceCommand({ ResourceArn: setArn('ghost'), Tags: [{ Key: 'a', Value: 'b' }] })), 'NotFoundException', 404);
    await expectError(ses.send(new UntagResourceCommand({ ResourceArn: setArn('ghost'), TagKeys: ['a'] })), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: setArn('ghost') })), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: setArn('bad.name') })), 'BadRequestException', 400);
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: setArn('tagged'), Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })), 'BadRequestException', 400);
    expect(recorded().filter(c => c.operation === 'TagResource').map(c => c.configurationSetName)).toEqual(['tagged', 'ghost', 'tagged']);
  });

  test('configurationSetNotFoundAfterCreateMs hides a new set from Get, GetConfigurationSetEventDestinations and ListTagsForResource', async () => {
    emulator.options = { configurationSetNotFoundAfterCreateMs: 100 };
    const ses = client();
    const name = { ConfigurationSetName: 'shy' };
    await create('shy');
    await expectError(ses.send(new GetConfigurationSetCommand(name)), 'NotFoundException', 404);
    await expectError(ses.send(new GetConfigurationSetEventDestinationsCommand(name)), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: setArn('shy') })), 'NotFoundException', 404);
    // It exists all the same: a second Create is refused, and it can be configured.
    await expectError(create('shy'), 'AlreadyExistsException', 400);
    await ses.send(new PutConfigurationSetSendingOptionsCommand({ ...name, SendingEnabled: false }));
    expect(emulator.configurationSet('us-east-1', 'shy')).toBeDefined();

    await sleep(150);
    expect((await get('shy')).SendingOptions).toEqual({ SendingEnabled: false });
    expect((await ses.send(new GetConfigurationSetEventDestinationsCommand(name))).EventDestinations).toEqual([]);
  });

  test('Delete removes the set with its event destinations; the name is free again', async () => {
    const ses = client();
    await create('gone', { Tags: [{ Key: 'a', Value: '1' }] });
    await ses.send(new CreateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: 'gone',
      EventDestinationName: 'sns',
      EventDestination: { MatchingEventTypes: ['BOUNCE'], SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t' } },
    }));
    await ses.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: 'gone' }));
    expect(emulator.configurationSet('us-east-1', 'gone')).toBeUndefined();
    await expectError(ses.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: 'gone' })), 'NotFoundException', 404);
    await create('gone');
    expect((await ses.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: 'gone' }))).EventDestinations).toEqual([]);
    expect((await get('gone')).Tags).toEqual([]);
  });

  test('seedConfigurationSet creates a set the API sees; duplicates are refused; reset clears sets', async () => {
    emulator.seedConfigurationSet({ region: 'us-west-2', name: 'foreign', sendingOptions: { SendingEnabled: false }, tags: { owner: 'x' } });
    expect(await get('foreign', 'us-west-2')).toEqual({
      ConfigurationSetName: 'foreign',
      DeliveryOptions: { TlsPolicy: 'OPTIONAL' },
      ReputationOptions: { ReputationMetricsEnabled: false },
      SendingOptions: { SendingEnabled: false },
      Tags: [{ Key: 'owner', Value: 'x' }],
    });
    await expectError(create('foreign', {}, 'us-west-2'), 'AlreadyExistsException', 400);
    expect(() => emulator.seedConfigurationSet({ region: 'us-west-2', name: 'foreign' })).toThrow(/already exists/);
    emulator.reset();
    expect(emulator.configurationSets()).toEqual([]);
  });
});

describe('configuration set event destinations', () => {
  const sns: EventDestinationDefinition = { MatchingEventTypes: ['BOUNCE', 'COMPLAINT'], SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:events' } };
  const bus: EventDestinationDefinition = {
    Enabled: true,
    MatchingEventTypes: ['SEND', 'DELIVERY'],
    EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
  };
  const cloudWatch: EventDestinationDefinition = {
    Enabled: true,
    MatchingEventTypes: ['SEND'],
    CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'campaign', DimensionValueSource: 'MESSAGE_TAG', DefaultDimensionValue: 'none' }] },
  };
  const addDestination = (name: string, definition: EventDestinationDefinition, set = 'events', region = 'us-east-1') =>
    client(region).send(new CreateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: set,
      EventDestinationName: name,
      EventDestination: definition,
    }));
  const destinations = async (set = 'events', region = 'us-east-1') =>
    (await client(region).send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: set }))).EventDestinations;

  beforeEach(() => {
    emulator.seedConfigurationSet({ region: 'us-east-1', name: 'events' });
  });

  test('Create, Get (in creation order; Enabled defaults to false), Update (replaces the definition), Delete', async () => {
    const ses = client();
    await addDestination('to-sns', sns);
    await addDestination('to-bus', bus);
    await addDestination('to-cw', cloudWatch);
    expect(await destinations()).toEqual([
      { Name: 'to-sns', Enabled: false, ...sns },
      { Name: 'to-bus', ...bus },
      { Name: 'to-cw', ...cloudWatch },
    ]);

    const firehose = {
      IamRoleArn: 'arn:aws:iam::123456789012:role/ses',
      DeliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
    };
    await ses.send(new UpdateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: 'events',
      EventDestinationName: 'to-sns',
      EventDestination: { Enabled: true, MatchingEventTypes: ['REJECT'], KinesisFirehoseDestination: firehose },
    }));
    await ses.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'events', EventDestinationName: 'to-bus' }));
    expect(await destinations()).toEqual([
      { Name: 'to-sns', Enabled: true, MatchingEventTypes: ['REJECT'], KinesisFirehoseDestination: firehose },
      { Name: 'to-cw', ...cloudWatch },
    ]);
    expect(emulator.configurationSet('us-east-1', 'events')!.eventDestinations.map(d => d.Name)).toEqual(['to-sns', 'to-cw']);
    expect(recorded().map(c => [c.operation, c.configurationSetName])).toContainEqual(['DeleteConfigurationSetEventDestination', 'events']);
  });

  test('AlreadyExists for a duplicate destination name; NotFound for a missing set or destination', async () => {
    const ses = client();
    await addDestination('d', sns);
    await expectError(addDestination('d', bus), 'AlreadyExistsException', 400);
    await expectError(addDestination('d', sns, 'ghost'), 'NotFoundException', 404);
    await expectError(destinations('ghost'), 'NotFoundException', 404);
    await expectError(ses.send(new UpdateConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'events', EventDestinationName: 'nope', EventDestination: sns })), 'NotFoundException', 404);
    await expectError(ses.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'events', EventDestinationName: 'nope' })), 'NotFoundException', 404);
    await expectError(ses.send(new DeleteConfigurationSetEventDestinationCommand({ ConfigurationSetName: 'ghost', EventDestinationName: 'd' })), 'NotFoundException', 404);
    // Destinations belong to the set in its region.
    emulator.seedConfigurationSet({ region: 'us-west-2', name: 'events' });
    expect(await destinations('events', 'us-west-2')).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['no MatchingEventTypes', { SnsDestination: sns.SnsDestination }],
    ['empty MatchingEventTypes', { MatchingEventTypes: [], SnsDestination: sns.SnsDestination }],
    ['an unknown event type', { MatchingEventTypes: ['BOUNCED'], SnsDestination: sns.SnsDestination }],
    ['no destination', { MatchingEventTypes: ['SEND'] }],
    ['two destinations', { ...sns, EventBridgeDestination: bus.EventBridgeDestination }],
    ['an event bus that is not the default one', { MatchingEventTypes: ['SEND'], EventBridgeDestination: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/custom' } }],
    ['a topic that is no SNS ARN', { MatchingEventTypes: ['SEND'], SnsDestination: { TopicArn: 'events' } }],
    ['CloudWatch without dimensions', { MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [] } }],
    ['a dimension with an unknown source', { MatchingEventTypes: ['SEND'], CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'a', DimensionValueSource: 'X', DefaultDimensionValue: 'b' }] } }],
    ['no definition at all', undefined],
  ])('an event destination with %s is a BadRequest (Create and Update)', async (_why, definition) => {
    await expectError(addDestination('bad', definition as EventDestinationDefinition), 'BadRequestException', 400);
    await addDestination('good', sns);
    await expectError(client().send(new UpdateConfigurationSetEventDestinationCommand({
      ConfigurationSetName: 'events', EventDestinationName: 'good', EventDestination: definition as EventDestinationDefinition,
    })), 'BadRequestException', 400);
    expect(await destinations()).toEqual([{ Name: 'good', Enabled: false, ...sns }]);
  });

  test('an invalid destination name is a BadRequest; maxEventDestinationsPerConfigurationSet gives LimitExceeded (default 10)', async () => {
    await expectError(addDestination('bad name', sns), 'BadRequestException', 400);
    for (let i = 0; i < 10; i++) await addDestination(`d${i}`, sns);
    await expectError(addDestination('d10', sns), 'LimitExceededException', 400);
    emulator.options = { maxEventDestinationsPerConfigurationSet: 11 };
    await addDestination('d10', sns);
    expect(await destinations()).toHaveLength(11);
  });
});

describe('email templates', () => {
  const templateArn = (name: string, region = 'us-east-1') => `arn:aws:ses:${region}:123456789012:template/${name}`;
  const content = { Subject: 'Hello {{name}}', Text: 'Hi {{name}}', Html: '<p>Hi {{name}}</p>' };
  const createTemplate = (name: string, region = 'us-east-1', extra: Record<string, unknown> = {}) =>
    client(region).send(new CreateEmailTemplateCommand({ TemplateName: name, TemplateContent: content, ...extra }));
  const getTemplate = async (name: string, region = 'us-east-1') => {
    const { $metadata, ...t } = await client(region).send(new GetEmailTemplateCommand({ TemplateName: name }));
    return t;
  };

  test('Create, Get, Update (replaces the content, keeps the tags), Delete', async () => {
    const ses = client();
    await createTemplate('welcome', 'us-east-1', { Tags: [{ Key: 'team', Value: 'mail' }] });
    expect(await getTemplate('welcome')).toEqual({ TemplateName: 'welcome', TemplateContent: content, Tags: [{ Key: 'team', Value: 'mail' }] });
    expect(emulator.template('us-east-1', 'welcome')).toEqual({
      region: 'us-east-1', templateName: 'welcome', content, tags: { team: 'mail' }, createdAt: expect.any(Date),
    });

    await ses.send(new UpdateEmailTemplateCommand({ TemplateName: 'welcome', TemplateContent: { Subject: 'New', Html: '<b>new</b>' } }));
    expect(await getTemplate('welcome')).toEqual({
      TemplateName: 'welcome', TemplateContent: { Subject: 'New', Html: '<b>new</b>' }, Tags: [{ Key: 'team', Value: 'mail' }],
    });
    await ses.send(new DeleteEmailTemplateCommand({ TemplateName: 'welcome' }));
    expect(emulator.templates()).toEqual([]);
    await expectError(getTemplate('welcome'), 'NotFoundException', 404);
    expect(recorded().map(c => [c.operation, c.templateName])).toEqual([
      ['CreateEmailTemplate', 'welcome'], ['GetEmailTemplate', 'welcome'], ['UpdateEmailTemplate', 'welcome'],
      ['GetEmailTemplate', 'welcome'], ['DeleteEmailTemplate', 'welcome'], ['GetEmailTemplate', 'welcome'],
    ]);
  });

  test('AlreadyExists on a duplicate; NotFound from Get, Update and Delete of a missing template', async () => {
    const ses = client();
    await createTemplate('t');
    await expectError(createTemplate('t'), 'AlreadyExistsException', 400);
    await expectError(getTemplate('ghost'), 'NotFoundException', 404);
    await expectError(ses.send(new UpdateEmailTemplateCommand({ TemplateName: 'ghost', TemplateContent: content })), 'NotFoundException', 404);
    await expectError(ses.send(new DeleteEmailTemplateCommand({ TemplateName: 'ghost' })), 'NotFoundException', 404);
  });

  test.each<[string, Record<string, unknown>]>([
    ['no Subject', { TemplateName: 'x', TemplateContent: { Text: 'body' } }],
    ['an empty Subject', { TemplateName: 'x', TemplateContent: { Subject: '', Text: 'body' } }],
    ['neither Text nor Html', { TemplateName: 'x', TemplateContent: { Subject: 's' } }],
    ['no TemplateContent', { TemplateName: 'x' }],
    ['an empty name', { TemplateName: '', TemplateContent: content }],
    ['a name of 65 characters', { TemplateName: 't'.repeat(65), TemplateContent: content }],
    ['a name with a space', { TemplateName: 'bad name', TemplateContent: content }],
    ['a reserved aws: tag', { TemplateName: 'x', TemplateContent: content, Tags: [{ Key: 'aws:x', Value: 'v' }] }],
  ])('Create with %s is a BadRequest', async (_why, input) => {
    await expectError(client().send(new CreateEmailTemplateCommand(input as never)), 'BadRequestException', 400);
    expect(emulator.templates()).toEqual([]);
  });

  test('Update validates the content; Text alone or Html alone is enough', async () => {
    await client().send(new CreateEmailTemplateCommand({ TemplateName: 'text', TemplateContent: { Subject: 's', Text: 't' } }));
    await client().send(new CreateEmailTemplateCommand({ TemplateName: 'html', TemplateContent: { Subject: 's', Html: '<p/>' } }));
    await expectError(client().send(new UpdateEmailTemplateCommand({ TemplateName: 'text', TemplateContent: { Subject: 's' } })), 'BadRequestException', 400);
    expect(emulator.template('us-east-1', 'text')!.content).toEqual({ Subject: 's', Text: 't' });
  });

  test('maxTemplatesPerRegion: LimitExceededException beyond it, per region', async () => {
    emulator.options = { maxTemplatesPerRegion: 1 };
    await createTemplate('one');
    await expectError(createTemplate('two'), 'LimitExceededException', 400);
    await createTemplate('two', 'eu-west-1');
  });

  test('ListEmailTemplates pages (PageSize 1-100) and answers names with CreatedTimestamp', async () => {
    for (const name of ['c', 'a', 'e', 'b', 'd']) await createTemplate(name);
    const ses = client();
    const first = await ses.send(new ListEmailTemplatesCommand({ PageSize: 2 }));
    expect(first.TemplatesMetadata!.map(t => t.TemplateName)).toEqual(['a', 'b']);
    expect(first.TemplatesMetadata![0].CreatedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(first.TemplatesMetadata![0].CreatedTimestamp!.getTime() - Date.now())).toBeLessThan(5_000);
    const names: string[][] = [];
    for await (const page of paginateListEmailTemplates({ client: ses, pageSize: 2 }, {})) {
      names.push(page.TemplatesMetadata!.map(t => t.TemplateName!));
    }
    expect(names).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect((await ses.send(new ListEmailTemplatesCommand({}))).NextToken).toBeUndefined();
    await ses.send(new ListEmailTemplatesCommand({ PageSize: 100 }));
    await expectError(ses.send(new ListEmailTemplatesCommand({ PageSize: 101 })), 'BadRequestException', 400);
    await expectError(ses.send(new ListEmailTemplatesCommand({ PageSize: 0 })), 'BadRequestException', 400);
    expect((await client('eu-west-1').send(new ListEmailTemplatesCommand({}))).TemplatesMetadata).toEqual([]);
  });

  test('templates are taggable in this SDK model: tag operations work on template ARNs', async () => {
    const ses = client();
    await createTemplate('tagged', 'us-east-1', { Tags: [{ Key: 'a', Value: '1' }] });
    expect((await ses.send(new ListTagsForResourceCommand({ ResourceArn: templateArn('tagged') }))).Tags).toEqual([{ Key: 'a', Value: '1' }]);
    await ses.send(new TagResourceCommand({ ResourceArn: templateArn('tagged'), Tags: [{ Key: 'b', Value: '2' }] }));
    await ses.send(new UntagResourceCommand({ ResourceArn: templateArn('tagged'), TagKeys: ['a'] }));
    expect((await getTemplate('tagged')).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    await expectError(ses.send(new TagResourceCommand({ ResourceArn: templateArn('ghost'), Tags: [{ Key: 'a', Value: 'b' }] })), 'NotFoundException', 404);
    await expectError(ses.send(new ListTagsForResourceCommand({ ResourceArn: templateArn('tagged', 'eu-west-1') })), 'BadRequestException', 400);
    // Templates are per region too.
    await expectError(client('eu-west-1').send(new ListTagsForResourceCommand({ ResourceArn: templateArn('tagged', 'eu-west-1') })), 'NotFoundException', 404);
    await expectError(getTemplate('tagged', 'eu-west-1'), 'NotFoundException', 404);
    expect(recorded().filter(c => c.operation === 'TagResource').map(c => c.templateName)).toEqual(['tagged', 'ghost']);
  });

  test('seedTemplate creates a template the API sees; duplicates are refused; reset clears templates', async () => {
    emulator.seedTemplate({ region: 'us-west-2', name: 'seeded', tags: { owner: 'x' } });
    expect(await getTemplate('seeded', 'us-west-2')).toEqual({
      TemplateName: 'seeded', TemplateContent: { Subject: 'Subject', Text: 'Text' }, Tags: [{ Key: 'owner', Value: 'x' }],
    });
    await expectError(createTemplate('seeded', 'us-west-2'), 'AlreadyExistsException', 400);
    expect(() => emulator.seedTemplate({ region: 'us-west-2', name: 'seeded' })).toThrow(/already exists/);
    emulator.reset();
    expect(emulator.templates()).toEqual([]);
  });
});

describe('the shared machinery applies to account, configuration-set and template operations', () => {
  withoutRetryJitter();

  test('the quota: they spend and are refused from the same per-region bucket, and change nothing when throttled', async () => {
    emulator.options = { quota: { ratePerSecond: 1, burst: 2 } };
    const ses = client();
    await ses.send(new GetAccountCommand({}));
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'first' }));
    await expectError(ses.send(new CreateEmailTemplateCommand({ TemplateName: 't', TemplateContent: { Subject: 's', Text: 't' } })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'second' })), 'TooManyRequestsException', 429);
    await expectError(ses.send(new GetAccountCommand({})), 'TooManyRequestsException', 429);
    expect(emulator.templates()).toEqual([]);
    expect(emulator.configurationSets().map(s => s.configurationSetName)).toEqual(['first']);
    // Another region has its own bucket.
    await client('us-west-2').send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'second' }));
    expect(emulator.callerStats()).toEqual([
      { caller: 'x', region: 'us-east-1', calls: 5, throttled: 3 },
      { caller: 'x', region: 'us-west-2', calls: 1, throttled: 0 },
    ]);
  });

  test('throttleRate 1: every new operation answers TooManyRequestsException 429 and changes nothing', async () => {
    emulator.seedConfigurationSet({ region: 'us-east-1', name: 'kept', tags: { a: '1' } });
    emulator.seedTemplate({ region: 'us-east-1', name: 'kept' });
    const before = JSON.stringify([emulator.configurationSets(), emulator.templates(), emulator.account('us-east-1')]);
    emulator.options = { throttleRate: 1 };
    const ses = client();
    const set = { ConfigurationSetName: 'kept' };
    const destination = { ...set, EventDestinationName: 'd', EventDestination: { MatchingEventTypes: ['SEND' as const], SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t' } } };
    const commands = [
      new GetAccountCommand({}),
      new CreateConfigurationSetCommand({ ConfigurationSetName: 'new' }),
      new GetConfigurationSetCommand(set),
      new ListConfigurationSetsCommand({}),
      new PutConfigurationSetDeliveryOptionsCommand({ ...set, TlsPolicy: 'REQUIRE' }),
      new PutConfigurationSetReputationOptionsCommand({ ...set, ReputationMetricsEnabled: true }),
      new PutConfigurationSetSendingOptionsCommand({ ...set, SendingEnabled: false }),
      new PutConfigurationSetSuppressionOptionsCommand({ ...set, SuppressedReasons: ['BOUNCE'] }),
      new PutConfigurationSetTrackingOptionsCommand({ ...set, CustomRedirectDomain: 'a.example.com' }),
      new PutConfigurationSetVdmOptionsCommand({ ...set, VdmOptions: {} }),
      new PutConfigurationSetArchivingOptionsCommand({ ...set, ArchiveArn: 'arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a' }),
      new CreateConfigurationSetEventDestinationCommand(destination),
      new GetConfigurationSetEventDestinationsCommand(set),
      new UpdateConfigurationSetEventDestinationCommand(destination),
      new DeleteConfigurationSetEventDestinationCommand(destination),
      new DeleteConfigurationSetCommand(set),
      new CreateEmailTemplateCommand({ TemplateName: 'new', TemplateContent: { Subject: 's', Text: 't' } }),
      new GetEmailTemplateCommand({ TemplateName: 'kept' }),
      new UpdateEmailTemplateCommand({ TemplateName: 'kept', TemplateContent: { Subject: 'changed', Text: 't' } }),
      new ListEmailTemplatesCommand({}),
      new DeleteEmailTemplateCommand({ TemplateName: 'kept' }),
      new TagResourceCommand({ ResourceArn: 'arn:aws:ses:us-east-1:123456789012:configuration-set/kept', Tags: [{ Key: 'b', Value: '2' }] }),
    ];
    for (const command of commands) await expectError(ses.send(command as never), 'TooManyRequestsException', 429);
    expect(JSON.stringify([emulator.configurationSets(), emulator.templates(), emulator.account('us-east-1')])).toBe(before);
    // Each command reached the operation of its name (the routes match the SDK's method and path).
    expect(emulator.calls.map(c => c.operation)).toEqual(commands.map(c => c.constructor.name.replace(/Command$/, '')));
    expect(emulator.faultCounts().TooManyRequestsException).toBe(commands.length);
  });

  test('throttleOperations names the new operations too; a 6-attempt client absorbs a 30% throttle rate on them', async () => {
    emulator.options = { throttleRate: 1, throttleOperations: ['CreateEmailTemplate'] };
    await client().send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'fine' }));
    await expectError(client().send(new CreateEmailTemplateCommand({ TemplateName: 't', TemplateContent: { Subject: 's', Text: 't' } })), 'TooManyRequestsException', 429);

    emulator.reset();
    emulator.options = { throttleRate: 0.3 };
    const ses = client('us-east-1', 6);
    for (let i = 0; i < 15; i++) {
      await ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: `s${i}` }));
      await ses.send(new CreateEmailTemplateCommand({ TemplateName: `t${i}`, TemplateContent: { Subject: 's', Text: 't' } }));
    }
    expect(emulator.configurationSets()).toHaveLength(15);
    expect(emulator.templates()).toHaveLength(15);
    expect(emulator.faultCounts().TooManyRequestsException).toBeGreaterThan(0);
    expect(emulator.calls.filter(c => c.errorType === 'AlreadyExistsException')).toEqual([]);
  });

  test('failNext and stallNext can target a configuration set or a template; calls name them', async () => {
    emulator.seedConfigurationSet({ region: 'us-east-1', name: 'a' });
    emulator.seedConfigurationSet({ region: 'us-east-1', name: 'b' });
    emulator.seedTemplate({ region: 'us-east-1', name: 't' });
    emulator.failNext('GetConfigurationSet', 'TooManyRequestsException', { configurationSetName: 'b' });
    emulator.failNext('GetEmailTemplate', 'InternalServiceErrorException', { templateName: 't', message: 'boom' });
    emulator.failNext('GetAccount', 'BadRequestException');
    const ses = client();
    await ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'a' }));
    await expectError(ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'b' })), 'TooManyRequestsException', 429);
    await ses.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'b' }));
    const err = await failure(ses.send(new GetEmailTemplateCommand({ TemplateName: 't' })));
    expect(err).toMatchObject({ name: 'InternalServiceErrorException', message: 'boom', $metadata: { httpStatusCode: 500 } });
    await expectError(ses.send(new GetAccountCommand({})), 'BadRequestException', 400);
    await ses.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:ses:us-east-1:123456789012:template/t' }));
    expect(recorded()).toEqual([
      { operation: 'GetConfigurationSet', region: 'us-east-1', configurationSetName: 'a', httpStatus: 200 },
      { operation: 'GetConfigurationSet', region: 'us-east-1', configurationSetName: 'b', httpStatus: 429, errorType: 'TooManyRequestsException' },
      { operation: 'GetConfigurationSet', region: 'us-east-1', configurationSetName: 'b', httpStatus: 200 },
      { operation: 'GetEmailTemplate', region: 'us-east-1', templateName: 't', httpStatus: 500, errorType: 'InternalServiceErrorException' },
      { operation: 'GetAccount', region: 'us-east-1', httpStatus: 400, errorType: 'BadRequestException' },
      { operation: 'ListTagsForResource', region: 'us-east-1', templateName: 't', httpStatus: 200 },
    ]);

    emulator.reset();
    emulator.stallNext('CreateConfigurationSet', { configurationSetName: 'slow', ms: 2000 });
    const impatient = new SESv2Client({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 150, throwOnRequestTimeout: true },
    });
    clients.push(impatient);
    await client().send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'quick' }));
    const error = await impatient.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'slow' })).catch((e) => e);
    expect(error.name).toBe('TimeoutError');
    expect(emulator.configurationSet('us-east-1', 'slow')).toBeDefined();
    expect(emulator.calls.map(c => c.stalledMs)).toEqual([undefined, 2000]);
  });
});
