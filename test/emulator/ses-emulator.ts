/**
 * A local emulator of the SES v2 multi-region endpoint (global endpoint) API.
 *
 * It is a real HTTP server speaking restJson1, so the real `SESv2Client` (and the bundled
 * Lambda handler, via `clientEnv()`) can be pointed at it. Facts it follows are in
 * /work/shared/reference/ses-global-endpoints.md; wire details follow the serializers of
 * @aws-sdk/client-sesv2.
 *
 * State changes (CREATING -> READY/FAILED, DELETING -> gone) are computed lazily from
 * timestamps on every access, so no timer keeps the process alive.
 *
 * Fault injection (`throttleRate`, `serverErrorRate`, `dropConnectionRate`) draws from a seeded
 * PRNG, so a run is reproducible: the k-th faultable request always gets the k-th draw. With
 * concurrent clients, which request is k-th depends on arrival order (the sequence of draws
 * does not), so make assertions that hold whichever request a fault hits.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

export type EndpointStatus = 'CREATING' | 'READY' | 'FAILED' | 'DELETING';

export interface EmulatedEndpoint {
  /** the primary region (where it was created) */
  readonly region: string;
  readonly endpointName: string;
  /** looks like 'abcdef12.g3h'; unique for the life of the emulator */
  readonly endpointId: string;
  /** the secondary region(s) given at create */
  readonly routes: string[];
  status: EndpointStatus;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface SesEmulatorOptions {
  /** ms an endpoint stays CREATING before it becomes READY (or FAILED). Default 0: the Create response already says READY. */
  provisioningDelayMs?: number;
  /** ms an endpoint stays DELETING after DeleteMultiRegionEndpoint before it disappears. Default 0. */
  deletionDelayMs?: number;
  /** for this many ms after a successful Create, Get/ListTagsForResource for that endpoint answer NotFoundException. Default 0. */
  notFoundAfterCreateMs?: number;
  /** endpoint names whose provisioning ends in FAILED instead of READY */
  failNames?: string[];
  /** endpoint names that stay CREATING forever */
  stuckNames?: string[];
  /** endpoints per region; Create beyond it answers LimitExceededException. Default: no limit. */
  maxEndpointsPerRegion?: number;
  /**
   * Whether DeleteMultiRegionEndpoint of a CREATING endpoint answers ConcurrentModificationException
   * 500 ("Unable to delete resource in PROVISIONING status"), as SES does. Default true.
   * When false, such a Delete is accepted: the endpoint moves to DELETING (and is gone after
   * `deletionDelayMs`) without ever becoming READY. Read at Delete time.
   */
  concurrentModificationWhileCreating?: boolean;

  // ---- fault injection (all off by default) ----
  //
  // One draw u in [0, 1) per faultable request (routable and signed) decides its fault:
  // u < drop: dropped connection; u < drop + serverError: server error; u < drop + serverError +
  // throttle: throttle. So each rate is exactly that fault's probability; the rates must not add
  // up to more than 1. A faulted request is decided before the operation runs, so it never
  // changes state, and it does not use up a `failNext` injection. Requests the emulator cannot
  // route (UnknownOperationException) or that are not signed are never faulted.

  /** probability (0..1) that a request answers TooManyRequestsException 429. Default 0. */
  throttleRate?: number;
  /** only these operations (e.g. 'CreateMultiRegionEndpoint') are throttled. Default: all operations. */
  throttleOperations?: string[];
  /**
   * probability (0..1) that a request answers a server error: `x-amzn-errortype: InternalFailure`,
   * HTTP 500 (the AWS common error; not in the SES v2 model, so the SDK throws a plain
   * SESv2ServiceException named InternalFailure, which its retry strategy treats as transient). Default 0.
   */
  serverErrorRate?: number;
  /**
   * probability (0..1) that the emulator destroys the socket without any response; the SDK sees a
   * network error (ECONNRESET, "socket hang up"). Recorded in `calls` with httpStatus 0 and
   * errorType 'DroppedConnection'. Default 0.
   */
  dropConnectionRate?: number;
  /**
   * seed of the fault PRNG (an integer). Default 1. The PRNG restarts from it when `options` is
   * assigned, when `seed` changes, and on `reset()`; `reseed()` restarts it from any seed.
   */
  seed?: number;
}

export interface RecordedCall {
  operation: string;
  /** the region of the SigV4 credential scope ('' when the request was not signed) */
  region: string;
  endpointName?: string;
  /** 0 when the connection was dropped (`dropConnectionRate`): no response was sent */
  httpStatus: number;
  /** the x-amzn-errortype answered, or 'DroppedConnection' */
  errorType?: string;
}

export interface FailNextOptions {
  /** how many matching calls fail. Default 1. */
  times?: number;
  /** only calls about this endpoint name fail */
  endpointName?: string;
  /** default: the status SES uses for errorType (400 when unknown) */
  httpStatus?: number;
  message?: string;
}

export interface SeedEndpoint {
  region: string;
  endpointName: string;
  routes: string[];
  tags?: Record<string, string>;
  /** default READY. Seeded endpoints keep their status until a test or an API call changes it. */
  status?: EndpointStatus;
  /** default: a fresh random id */
  endpointId?: string;
}

/** HTTP status SES uses for each error type (from the SDK's error schemas). */
const ERROR_STATUS: Record<string, number> = {
  AccountSuspendedException: 400,
  AlreadyExistsException: 400,
  BadRequestException: 400,
  ConcurrentModificationException: 500,
  ConflictException: 409,
  InternalServiceErrorException: 500,
  InvalidNextTokenException: 400,
  LimitExceededException: 400,
  MissingAuthenticationTokenException: 403,
  NotFoundException: 404,
  TooManyRequestsException: 429,
  UnknownOperationException: 404,
  // AWS common errors (not in the SES v2 model)
  InternalFailure: 500,
};

/** The error type of `serverErrorRate` faults. */
const SERVER_ERROR_TYPE = 'InternalFailure';
/** The `errorType` recorded for `dropConnectionRate` faults (never sent: there is no response). */
const DROPPED_CONNECTION = 'DroppedConnection';
const THROTTLE_TYPE = 'TooManyRequestsException';
const DEFAULT_SEED = 1;

const NAME_PATTERN = /^[\w\-_]+$/;
const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
// The reference's tag character set: Unicode letters, digits, white space and _ . : / = + -
const TAG_PATTERN = /^[\p{L}\p{N}\s_.:/=+-]*$/u;
const ARN_PATTERN = /^arn:(aws[a-z-]*):ses:([a-z0-9-]+):(\d{12}):multi-region-endpoint\/(.+)$/;
const ENDPOINTS = /^\/v2\/email\/multi-region-endpoints$/;
const ENDPOINT = /^\/v2\/email\/multi-region-endpoints\/([^/]+)$/;
const TAGS = /^\/v2\/email\/tags$/;
const MAX_TAGS = 50;
const DEFAULT_PAGE_SIZE = 100;

/** An error answered to the client. */
class ApiError extends Error {
  constructor(readonly errorType: string, message: string, readonly httpStatus = ERROR_STATUS[errorType] ?? 400) {
    super(message);
  }
}

/** What the emulator keeps per endpoint beyond the public view (kept apart so tests can compare endpoints with toEqual). */
interface Lifecycle {
  /** epoch ms when CREATING ends; undefined = never (stuck or seeded) */
  readyAt?: number;
  /** the status CREATING ends in */
  outcome: 'READY' | 'FAILED';
  /** epoch ms when a DELETING endpoint disappears; set by DeleteMultiRegionEndpoint (undefined = never) */
  goneAt?: number;
  /** epoch ms until which Get/ListTagsForResource answer NotFound (eventual consistency) */
  hiddenUntil: number;
}

interface Injection {
  operation: string;
  errorType: string;
  remaining: number;
  endpointName?: string;
  httpStatus: number;
  message: string;
}

interface RequestContext {
  region: string;
  /** the decoded {EndpointName} path segment, if the route has one */
  pathName?: string;
  query: URLSearchParams;
  body: any;
}

interface Route {
  method: string;
  path: RegExp;
  operation: string;
  handler: (ctx: RequestContext) => object;
  /** the endpoint name a call is about, for `calls` and `failNext` filters */
  target?: (ctx: RequestContext) => string | undefined;
}

export class SesEmulator {
  /** Starts an emulator on 127.0.0.1 with an ephemeral port. */
  static async start(options: SesEmulatorOptions = {}): Promise<SesEmulator> {
    const emulator = new SesEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(0, '127.0.0.1', () => resolve());
    });
    emulator.port = (emulator.server.address() as AddressInfo).port;
    return emulator;
  }

  readonly calls: RecordedCall[] = [];

  private readonly server: http.Server;
  private port = 0;
  /** region -> endpoint name -> endpoint */
  private readonly state = new Map<string, Map<string, EmulatedEndpoint>>();
  private readonly lifecycles = new WeakMap<EmulatedEndpoint, Lifecycle>();
  private readonly usedIds = new Set<string>();
  private injections: Injection[] = [];
  private currentOptions: SesEmulatorOptions = {};
  /** the fault PRNG */
  private random: () => number = mulberry32(DEFAULT_SEED);
  /** `options.seed` when the PRNG was last restarted from it, to notice a changed seed */
  private observedSeed: number | undefined;
  // The router table: method and path as the SDK sends them (see its operation schemas).
  private readonly routes: Route[] = [
    { method: 'POST', path: ENDPOINTS, operation: 'CreateMultiRegionEndpoint', handler: ctx => this.createEndpoint(ctx), target: bodyName },
    { method: 'GET', path: ENDPOINTS, operation: 'ListMultiRegionEndpoints', handler: ctx => this.listEndpoints(ctx) },
    { method: 'GET', path: ENDPOINT, operation: 'GetMultiRegionEndpoint', handler: ctx => this.getEndpoint(ctx), target: pathName },
    { method: 'DELETE', path: ENDPOINT, operation: 'DeleteMultiRegionEndpoint', handler: ctx => this.deleteEndpoint(ctx), target: pathName },
    { method: 'POST', path: TAGS, operation: 'TagResource', handler: ctx => this.tagResource(ctx), target: bodyArnName },
    { method: 'DELETE', path: TAGS, operation: 'UntagResource', handler: ctx => this.untagResource(ctx), target: queryArnName },
    { method: 'GET', path: TAGS, operation: 'ListTagsForResource', handler: ctx => this.listTagsForResource(ctx), target: queryArnName },
  ];

  private constructor(options: SesEmulatorOptions) {
    this.options = options;
    this.server = http.createServer((req, res) => {
      // Only reading the body can fail here (client went away): nothing left to answer.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /**
   * The behaviour knobs. Assigning new options restarts the fault PRNG from their `seed`;
   * changing single fields in place (e.g. `emulator.options.throttleRate = 0.3`) works too.
   */
  get options(): SesEmulatorOptions {
    return this.currentOptions;
  }

  set options(value: SesEmulatorOptions) {
    validateOptions(value);
    this.currentOptions = value;
    this.restartRandom();
  }

  /** 'http://127.0.0.1:PORT' */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Current endpoints (after applying elapsed delays), optionally of one primary region. */
  endpoints(region?: string): EmulatedEndpoint[] {
    const regions = region === undefined ? [...this.state.keys()] : [region];
    return regions.flatMap(r => this.regionEndpoints(r));
  }

  endpoint(region: string, name: string): EmulatedEndpoint | undefined {
    return this.find(region, name);
  }

  /** Creates an endpoint directly, e.g. a "foreign" one made outside the stack. */
  seed(e: SeedEndpoint): EmulatedEndpoint {
    if (this.find(e.region, e.endpointName)) {
      throw new Error(`endpoint ${e.endpointName} already exists in ${e.region}`);
    }
    const now = new Date();
    const endpoint: EmulatedEndpoint = {
      region: e.region,
      endpointName: e.endpointName,
      endpointId: e.endpointId ?? this.newEndpointId(),
      routes: [...e.routes],
      status: e.status ?? 'READY',
      tags: { ...e.tags },
      createdAt: now,
      updatedAt: now,
    };
    // No readyAt/goneAt: a seeded status stays until a test or an API call changes it.
    this.lifecycles.set(endpoint, { outcome: 'READY', hiddenUntil: 0 });
    this.usedIds.add(endpoint.endpointId);
    this.regionMap(e.region).set(e.endpointName, endpoint);
    return endpoint;
  }

  /** The next `times` calls of `operation` (optionally only about `endpointName`) answer this error. */
  failNext(operation: string, errorType: string, opts: FailNextOptions = {}): void {
    this.injections.push({
      operation,
      errorType,
      remaining: opts.times ?? 1,
      endpointName: opts.endpointName,
      httpStatus: opts.httpStatus ?? ERROR_STATUS[errorType] ?? 400,
      message: opts.message ?? `Injected ${errorType}`,
    });
  }

  /** Env vars that point the real SDK client (and the bundled Lambda handler) at the emulator. */
  clientEnv(region?: string): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SESV2: this.url,
      AWS_REGION: region ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** Restarts the fault PRNG from `seed` (`options.seed` is left as it is). */
  reseed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
    this.random = mulberry32(seed);
  }

  /**
   * How many recorded calls ended in each fault: TooManyRequestsException, InternalFailure and
   * DroppedConnection (always all three keys). Computed from `calls`, so `failNext` injections of
   * these error types count too.
   */
  faultCounts(): Record<string, number> {
    const counts: Record<string, number> = { [THROTTLE_TYPE]: 0, [SERVER_ERROR_TYPE]: 0, [DROPPED_CONNECTION]: 0 };
    for (const call of this.calls) {
      if (call.errorType !== undefined && call.errorType in counts) counts[call.errorType] += 1;
    }
    return counts;
  }

  /** Clears endpoints, recorded calls and injected errors, and restarts the fault PRNG from `options.seed` (options are kept). */
  reset(): void {
    this.state.clear();
    this.calls.length = 0;
    this.injections = [];
    this.restartRandom();
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
    // SDK clients keep connections alive; drop them so close() does not wait for them.
    this.server.closeAllConnections();
    await closed;
  }

  // ---- HTTP plumbing ----

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const region = signingRegion(req.headers.authorization);
    const route = this.routes.find(r => r.method === req.method && r.path.test(url.pathname));
    const call: RecordedCall = { operation: route?.operation ?? 'Unknown', region, httpStatus: 0 };
    try {
      if (!route) {
        throw new ApiError('UnknownOperationException', `No operation for ${req.method} ${url.pathname}`);
      }
      let ctx: RequestContext | undefined;
      let invalid: unknown;
      try {
        const parsed: RequestContext = { region, query: url.searchParams, body: parseJson(rawBody) };
        const match = route.path.exec(url.pathname);
        if (match?.[1] !== undefined) parsed.pathName = decodePathSegment(match[1]);
        call.endpointName = route.target?.(parsed);
        ctx = parsed;
      } catch (err) {
        invalid = err;
      }
      // Faults come before validation and the operation (as a real throttle does), so a faulted
      // request never changes state. A request without a SigV4 scope is never faulted.
      const fault = region ? this.drawFault(route.operation) : undefined;
      if (fault === 'drop') {
        // No response at all: the client sees the connection reset. httpStatus stays 0.
        call.errorType = DROPPED_CONNECTION;
        req.socket.destroy();
        return;
      }
      if (fault) throw fault;
      if (!ctx) throw invalid;
      // A request without a SigV4 scope has no region, so it cannot be served.
      if (!region) {
        throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      this.takeInjection(route.operation, call.endpointName);
      call.httpStatus = 200;
      this.reply(res, 200, route.handler(ctx));
    } catch (err: any) {
      // Anything but an ApiError is a bug in the emulator: answer 500 so the test sees it.
      const error = err instanceof ApiError ? err : new ApiError('InternalServiceErrorException', String(err?.stack ?? err));
      call.httpStatus = error.httpStatus;
      call.errorType = error.errorType;
      this.reply(res, error.httpStatus, { message: error.message }, error.errorType);
    } finally {
      this.calls.push(call);
    }
  }

  private reply(res: http.ServerResponse, status: number, body: object, errorType?: string): void {
    const payload = JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': crypto.randomUUID(),
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers);
    res.end(payload);
  }

  /** The fault (if any) of one faultable request: one PRNG draw when any rate is set. */
  private drawFault(operation: string): ApiError | 'drop' | undefined {
    const o = this.options;
    validateOptions(o); // fields may have been changed in place
    const drop = o.dropConnectionRate ?? 0;
    const serverError = drop + (o.serverErrorRate ?? 0);
    const throttle = serverError + (o.throttleRate ?? 0);
    if (throttle === 0) return undefined;
    if (o.seed !== this.observedSeed) this.restartRandom();
    const u = this.random();
    if (u < drop) return 'drop';
    if (u < serverError) return new ApiError(SERVER_ERROR_TYPE, 'We encountered an internal error. Please try again.');
    if (u < throttle && (o.throttleOperations?.includes(operation) ?? true)) {
      return new ApiError(THROTTLE_TYPE, 'Too many requests');
    }
    return undefined;
  }

  private restartRandom(): void {
    this.observedSeed = this.options.seed;
    this.reseed(this.options.seed ?? DEFAULT_SEED);
  }

  /** Throws the first injected error that matches this call, counting it down. */
  private takeInjection(operation: string, endpointName: string | undefined): void {
    const hit = this.injections.find(i => i.operation === operation
      && (i.endpointName === undefined || i.endpointName === endpointName));
    if (!hit) return;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.injections = this.injections.filter(i => i !== hit);
    throw new ApiError(hit.errorType, hit.message, hit.httpStatus);
  }

  // ---- operations ----

  private createEndpoint(ctx: RequestContext): object {
    const body = ctx.body ?? {};
    const name = validateName(body.EndpointName);
    const routes = body.Details?.RoutesDetails;
    if (!Array.isArray(routes) || routes.length !== 1) {
      throw new ApiError('BadRequestException', 'Details.RoutesDetails must contain exactly one route');
    }
    const secondary = routes[0]?.Region;
    if (typeof secondary !== 'string' || !REGION_PATTERN.test(secondary)) {
      throw new ApiError('BadRequestException', `Invalid secondary region: ${JSON.stringify(secondary)}`);
    }
    if (secondary === ctx.region) {
      throw new ApiError('BadRequestException', 'The secondary region must differ from the primary region');
    }
    const tags = validateTags(body.Tags ?? []);
    if (this.find(ctx.region, name)) {
      throw new ApiError('AlreadyExistsException', `Multi-region endpoint ${name} already exists`);
    }
    const limit = this.options.maxEndpointsPerRegion;
    if (limit !== undefined && this.regionEndpoints(ctx.region).length >= limit) {
      throw new ApiError('LimitExceededException', `Maximum number of multi-region endpoints (${limit}) reached`);
    }

    const now = Date.now();
    const stuck = this.options.stuckNames?.includes(name) ?? false;
    const endpoint: EmulatedEndpoint = {
      region: ctx.region,
      endpointName: name,
      endpointId: this.newEndpointId(),
      routes: [secondary],
      status: 'CREATING',
      tags: Object.fromEntries(tags.map(t => [t.Key, t.Value])),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    };
    // Delays are fixed now, so later changes to `options` do not affect this endpoint.
    const lifecycle: Lifecycle = {
      readyAt: stuck ? undefined : now + (this.options.provisioningDelayMs ?? 0),
      outcome: this.options.failNames?.includes(name) ? 'FAILED' : 'READY',
      hiddenUntil: now + (this.options.notFoundAfterCreateMs ?? 0),
    };
    this.lifecycles.set(endpoint, lifecycle);
    this.regionMap(ctx.region).set(name, endpoint);
    refresh(endpoint, lifecycle, now);
    return { Status: endpoint.status, EndpointId: endpoint.endpointId };
  }

  private getEndpoint(ctx: RequestContext): object {
    const e = this.mustFind(ctx.region, validateName(ctx.pathName), true);
    return {
      EndpointName: e.endpointName,
      EndpointId: e.endpointId,
      Routes: regionsOf(e).map(Region => ({ Region })),
      Status: e.status,
      CreatedTimestamp: epochSeconds(e.createdAt),
      LastUpdatedTimestamp: epochSeconds(e.updatedAt),
    };
  }

  private deleteEndpoint(ctx: RequestContext): object {
    const e = this.mustFind(ctx.region, validateName(ctx.pathName), false);
    if (e.status === 'CREATING' && (this.options.concurrentModificationWhileCreating ?? true)) {
      throw new ApiError('ConcurrentModificationException', 'Unable to delete resource in PROVISIONING status');
    }
    if (e.status !== 'DELETING') {
      const now = Date.now();
      e.status = 'DELETING';
      e.updatedAt = new Date(now);
      const lifecycle = this.lifecycle(e);
      lifecycle.goneAt = now + (this.options.deletionDelayMs ?? 0);
      refresh(e, lifecycle, now);
    }
    // Once gone, the status SES reports is still DELETING.
    return { Status: 'DELETING' };
  }

  private listEndpoints(ctx: RequestContext): object {
    const pageSize = parsePageSize(ctx.query.get('PageSize'));
    const after = decodeNextToken(ctx.query.get('NextToken'));
    const all = this.regionEndpoints(ctx.region)
      .sort((a, b) => compare(a.endpointName, b.endpointName))
      .filter(e => after === undefined || e.endpointName > after);
    const page = all.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      MultiRegionEndpoints: page.map(e => ({
        EndpointName: e.endpointName,
        Status: e.status,
        EndpointId: e.endpointId,
        Regions: regionsOf(e),
        CreatedTimestamp: epochSeconds(e.createdAt),
        LastUpdatedTimestamp: epochSeconds(e.updatedAt),
      })),
      NextToken: all.length > pageSize && last ? encodeNextToken(last.endpointName) : undefined,
    };
  }

  private tagResource(ctx: RequestContext): object {
    const e = this.resolveArn(ctx.region, ctx.body?.ResourceArn, false);
    const tags = validateTags(ctx.body?.Tags);
    if (tags.length === 0) throw new ApiError('BadRequestException', 'Tags must not be empty');
    const merged = { ...e.tags, ...Object.fromEntries(tags.map(t => [t.Key, t.Value])) };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw new ApiError('BadRequestException', `A resource can have at most ${MAX_TAGS} tags`);
    }
    e.tags = merged;
    return {};
  }

  private untagResource(ctx: RequestContext): object {
    const e = this.resolveArn(ctx.region, ctx.query.get('ResourceArn'), false);
    const keys = ctx.query.getAll('TagKeys');
    if (keys.length === 0) throw new ApiError('BadRequestException', 'TagKeys must not be empty');
    for (const key of keys) validateTagKey(key);
    e.tags = Object.fromEntries(Object.entries(e.tags).filter(([k]) => !keys.includes(k)));
    return {};
  }

  private listTagsForResource(ctx: RequestContext): object {
    const e = this.resolveArn(ctx.region, ctx.query.get('ResourceArn'), true);
    return { Tags: Object.entries(e.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  // ---- state ----

  private regionMap(region: string): Map<string, EmulatedEndpoint> {
    let map = this.state.get(region);
    if (!map) {
      map = new Map();
      this.state.set(region, map);
    }
    return map;
  }

  /** Endpoints of a region after applying elapsed delays (gone ones are dropped). */
  private regionEndpoints(region: string): EmulatedEndpoint[] {
    const map = this.state.get(region);
    if (!map) return [];
    const now = Date.now();
    for (const [name, e] of map) {
      if (refresh(e, this.lifecycle(e), now) === 'gone') map.delete(name);
    }
    return [...map.values()];
  }

  private lifecycle(e: EmulatedEndpoint): Lifecycle {
    const lifecycle = this.lifecycles.get(e);
    if (!lifecycle) throw new Error(`no lifecycle for ${e.endpointName}`);
    return lifecycle;
  }

  private find(region: string, name: string): EmulatedEndpoint | undefined {
    return this.regionEndpoints(region).find(e => e.endpointName === name);
  }

  /** `eventual`: honour notFoundAfterCreateMs (only Get and ListTagsForResource do). */
  private mustFind(region: string, name: string, eventual: boolean): EmulatedEndpoint {
    const e = this.find(region, name);
    if (!e || (eventual && Date.now() < this.lifecycle(e).hiddenUntil)) {
      throw new ApiError('NotFoundException', `Multi-region endpoint ${name} does not exist`);
    }
    return e;
  }

  private resolveArn(region: string, arn: unknown, eventual: boolean): EmulatedEndpoint {
    const match = typeof arn === 'string' ? ARN_PATTERN.exec(arn) : null;
    if (!match) throw new ApiError('BadRequestException', `Invalid ResourceArn: ${JSON.stringify(arn)}`);
    const [, , arnRegion, , name] = match;
    if (arnRegion !== region) {
      throw new ApiError('BadRequestException', `ResourceArn region ${arnRegion} does not match the request region ${region}`);
    }
    return this.mustFind(region, validateName(name), eventual);
  }

  private newEndpointId(): string {
    for (;;) {
      const id = `${randomAlnum(8)}.${randomAlnum(3)}`;
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

// ---- helpers ----

/** mulberry32: a tiny, fast, seedable PRNG (32-bit state); uniform in [0, 1). */
/* eslint-disable no-bitwise -- a 32-bit PRNG is bit arithmetic */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

const RATE_OPTIONS = ['throttleRate', 'serverErrorRate', 'dropConnectionRate'] as const;

function validateOptions(o: SesEmulatorOptions): void {
  let sum = 0;
  for (const key of RATE_OPTIONS) {
    const rate = o[key];
    if (rate === undefined) continue;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`${key} must be between 0 and 1, got ${rate}`);
    }
    sum += rate;
  }
  if (sum > 1 + 1e-9) {
    throw new Error(`throttleRate + serverErrorRate + dropConnectionRate must not exceed 1, got ${sum}`);
  }
  if (o.seed !== undefined && !Number.isFinite(o.seed)) {
    throw new Error(`seed must be a number, got ${o.seed}`);
  }
}

/** Applies elapsed time to an endpoint; 'gone' when a DELETING endpoint has disappeared. */
function refresh(e: EmulatedEndpoint, lifecycle: Lifecycle, now: number): 'present' | 'gone' {
  const { readyAt, outcome, goneAt } = lifecycle;
  if (e.status === 'CREATING' && readyAt !== undefined && now >= readyAt) {
    e.status = outcome;
    e.updatedAt = new Date(readyAt);
  }
  if (e.status === 'DELETING' && goneAt !== undefined && now >= goneAt) return 'gone';
  return 'present';
}

/** Primary first, then the secondary: the regions traffic is split between. */
function regionsOf(e: EmulatedEndpoint): string[] {
  return [e.region, ...e.routes];
}

function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

function randomAlnum(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...crypto.randomBytes(length)].map(b => alphabet[b % alphabet.length]).join('');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Which endpoint a call is about, for `calls` and `failNext` filters.
function bodyName(ctx: RequestContext): string | undefined {
  return typeof ctx.body?.EndpointName === 'string' ? ctx.body.EndpointName : undefined;
}

function pathName(ctx: RequestContext): string | undefined {
  return ctx.pathName;
}

function bodyArnName(ctx: RequestContext): string | undefined {
  return arnName(ctx.body?.ResourceArn);
}

function queryArnName(ctx: RequestContext): string | undefined {
  return arnName(ctx.query.get('ResourceArn'));
}

function arnName(arn: unknown): string | undefined {
  return typeof arn === 'string' ? ARN_PATTERN.exec(arn)?.[4] : undefined;
}

/** The region of the SigV4 credential scope: Credential=AKID/20261125/us-east-1/ses/aws4_request */
function signingRegion(authorization: string | undefined): string {
  return /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? '';
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): any {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError('BadRequestException', 'Request body is not valid JSON');
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('BadRequestException', `Malformed path segment: ${segment}`);
  }
}

function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 64 || !NAME_PATTERN.test(name)) {
    throw new ApiError('BadRequestException', `Invalid EndpointName: ${JSON.stringify(name)} (1-64 characters, letters, digits, _ and -)`);
  }
  return name;
}

function validateTagKey(key: unknown): string {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key)) {
    throw new ApiError('BadRequestException', `Invalid tag key: ${JSON.stringify(key)}`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new ApiError('BadRequestException', `Tag keys starting with aws: are reserved: ${key}`);
  }
  return key;
}

function validateTags(tags: unknown): { Key: string; Value: string }[] {
  if (!Array.isArray(tags)) throw new ApiError('BadRequestException', 'Tags must be a list');
  if (tags.length > MAX_TAGS) throw new ApiError('BadRequestException', `At most ${MAX_TAGS} tags are allowed`);
  const seen = new Set<string>();
  return tags.map(tag => {
    const key = validateTagKey(tag?.Key);
    const value = tag?.Value;
    if (typeof value !== 'string' || value.length > 256 || !TAG_PATTERN.test(value)) {
      throw new ApiError('BadRequestException', `Invalid value for tag ${key}`);
    }
    if (seen.has(key)) throw new ApiError('BadRequestException', `Duplicate tag key: ${key}`);
    seen.add(key);
    return { Key: key, Value: value };
  });
}

function parsePageSize(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new ApiError('BadRequestException', `PageSize must be between 1 and 1000, got ${raw}`);
  }
  return size;
}

// NextToken is opaque to clients: base64 of the last name returned.
function encodeNextToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName })).toString('base64');
}

function decodeNextToken(token: string | null): string | undefined {
  if (token === null || token === '') return undefined;
  try {
    const after = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).after;
    if (typeof after === 'string') return after;
  } catch {
    // fall through to the error below
  }
  throw new ApiError('BadRequestException', 'Invalid NextToken');
}
