import * as http from 'http';
import {
  CreateMultiRegionEndpointCommand,
  CreateMultiRegionEndpointCommandInput,
  DeleteMultiRegionEndpointCommand,
  GetAccountCommand,
  GetMultiRegionEndpointCommand,
  ListMultiRegionEndpointsCommand,
  ListTagsForResourceCommand,
  paginateListMultiRegionEndpoints,
  SESv2Client,
  TagResourceCommand,
  UntagResourceCommand,
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
    expect(emulator.calls).toEqual([
      { operation: 'CreateMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'GetMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'GetMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'nope', httpStatus: 404, errorType: 'NotFoundException' },
      { operation: 'TagResource', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
      { operation: 'ListMultiRegionEndpoints', region: 'eu-west-1', endpointName: undefined, httpStatus: 200 },
      { operation: 'DeleteMultiRegionEndpoint', region: 'eu-west-1', endpointName: 'rec', httpStatus: 200 },
    ]);
  });

  test('unknown operations answer 404 UnknownOperationException', async () => {
    await expectError(client().send(new GetAccountCommand({})), 'UnknownOperationException', 404);
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
