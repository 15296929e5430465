/**
 * A local emulator of the SES v2 multi-region endpoint (global endpoint) API, and of the
 * email-identity operations DEED (Deterministic Easy DKIM) replicas need.
 *
 * It is a real HTTP server speaking restJson1, so the real `SESv2Client` (and the bundled
 * Lambda handler, via `clientEnv()`) can be pointed at it. Facts it follows are in
 * /work/shared/reference/ses-global-endpoints.md; wire details follow the serializers of
 * @aws-sdk/client-sesv2.
 *
 * State changes (CREATING -> READY/FAILED, DELETING -> gone, a replica's PENDING -> SUCCESS)
 * are computed lazily from timestamps on every access, so no timer keeps the process alive.
 *
 * Email identities live per region (the SigV4 scope's region, as endpoints do). DEED rules:
 * creating with `DkimSigningAttributes.DomainSigningAttributesOrigin = AWS_SES_<REGION>` needs
 * the parent (same name) in that region with Easy DKIM (`AWS_SES`), else BadRequestException;
 * a replica cannot be a parent; a parent with replicas cannot be deleted (BadRequestException).
 * A replica is verified (DKIM SUCCESS, VerifiedForSendingStatus true) `replicaVerificationDelayMs`
 * after its creation, once its parent is verified. There is no DNS here: identities created
 * through the API without DEED stay PENDING unless `identityVerificationDelayMs` is set.
 *
 * The control-plane quota (`quota`): SES throttles every API action except the sending ones at one
 * request per second per account and region, not adjustable. With `quota` set, a token bucket per
 * region (the emulator is one account) answers TooManyRequestsException 429 once it is empty, as
 * SES does, whoever the caller is. Callers are told apart by their SigV4 access key id
 * (`clientEnv(region, caller)`), and `callerStats()` reports each one's calls and throttled calls,
 * so a test can run a bystander that manages SES in the same region during a deploy.
 *
 * Fault injection (`throttleRate`, `serverErrorRate`, `dropConnectionRate`) draws from a seeded
 * PRNG, so a run is reproducible: the k-th faultable request always gets the k-th draw. With
 * concurrent clients, which request is k-th depends on arrival order (the sequence of draws
 * does not), so make assertions that hold whichever request a fault hits.
 *
 * What else the secondary region needs is emulated too, per region like everything else:
 * - the account (`GetAccount`): production access, sending, the sending quota. Every region starts
 *   out of the sandbox (50,000 a day, 14 a second); `seedAccount()` changes one region's.
 * - configuration sets, their options (the Put*Options operations) and event destinations. A set
 *   created without options reads back with TlsPolicy OPTIONAL, reputation metrics off and sending
 *   enabled (what SES shows for such a set); the other options are absent until set. Sets are
 *   taggable (`arn:<partition>:ses:<region>:<account>:configuration-set/<name>`). Dedicated IP
 *   pools, Mail Manager archives, SNS topics etc. are not emulated: references to them are only
 *   checked for their form (an archive must be in the set's region, EventBridge must be the
 *   default bus, as the SES model says).
 * - email templates. In this SDK model templates are taggable: CreateEmailTemplate takes Tags,
 *   GetEmailTemplate returns them and the model's ResourceType includes EMAIL_TEMPLATE, so the tag
 *   operations accept `arn:<partition>:ses:<region>:<account>:template/<name>` (the ARN form of the
 *   IAM `template` resource).
 * Their operations share the machinery above: quota, faults, `failNext`/`stallNext` (which can
 * target a `configurationSetName` or `templateName`), `calls`, and the region of the SigV4 scope.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import type {
  AccountDetails,
  ArchivingOptions,
  DeliveryOptions,
  EmailTemplateContent,
  EventDestination,
  MessageSecurityOptions,
  ReputationOptions,
  SendingOptions,
  SuppressionOptions,
  TrackingOptions,
  VdmOptions,
} from '@aws-sdk/client-sesv2';
import { seededRandom } from '../support/seeded-random';

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

/** DKIM status of an email identity (`DkimAttributes.Status`). */
export type DkimStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED';

export interface EmulatedIdentity {
  /** the region it lives in */
  readonly region: string;
  readonly identityName: string;
  readonly identityType: 'DOMAIN' | 'EMAIL_ADDRESS';
  /** `AWS_SES` (Easy DKIM), `EXTERNAL` (BYODKIM) or `AWS_SES_<REGION>` (a DEED replica of that region's identity) */
  readonly dkimOrigin: string;
  dkimStatus: DkimStatus;
  verifiedForSending: boolean;
  /** Easy DKIM tokens (a replica has its parent's); the selector for BYODKIM */
  readonly dkimTokens: string[];
  tags: Record<string, string>;
}

export interface SeedIdentity {
  region: string;
  name: string;
  /** default `AWS_SES` (Easy DKIM); `EXTERNAL` is BYODKIM; `AWS_SES_US_EAST_1` etc. make a DEED replica */
  dkimOrigin?: string;
  /** default true. Seeded identities keep their status until a test changes it. */
  verified?: boolean;
  /** default SUCCESS when verified, else PENDING */
  dkimStatus?: DkimStatus;
  tags?: Record<string, string>;
}

/**
 * A configuration set. Its options have the shapes GetConfigurationSet answers (the SDK's types);
 * the ones a set always has are not optional here.
 */
export interface EmulatedConfigurationSet {
  /** the region it lives in */
  readonly region: string;
  readonly configurationSetName: string;
  trackingOptions?: TrackingOptions;
  deliveryOptions: DeliveryOptions;
  reputationOptions: ReputationOptions;
  sendingOptions: SendingOptions;
  suppressionOptions?: SuppressionOptions;
  vdmOptions?: VdmOptions;
  archivingOptions?: ArchivingOptions;
  messageSecurityOptions?: MessageSecurityOptions;
  tags: Record<string, string>;
  /** in the order they were created */
  eventDestinations: EventDestination[];
}

/** A configuration set to create directly; unset options get the defaults of a set created through the API without them. */
export interface SeedConfigurationSet extends Partial<Omit<EmulatedConfigurationSet, 'region' | 'configurationSetName'>> {
  region: string;
  name: string;
}

export interface EmulatedTemplate {
  /** the region it lives in */
  readonly region: string;
  readonly templateName: string;
  /** Subject, and Text and/or Html */
  content: EmailTemplateContent;
  tags: Record<string, string>;
  readonly createdAt: Date;
}

export interface SeedTemplate {
  region: string;
  name: string;
  /** default `{ Subject: 'Subject', Text: 'Text' }` */
  content?: EmailTemplateContent;
  tags?: Record<string, string>;
}

/**
 * One region's account, with the field names and shapes of GetAccount's answer (it answers exactly
 * this). `account(region)` returns the live object: tests may change it.
 */
export interface EmulatedAccount {
  ProductionAccessEnabled: boolean;
  SendingEnabled: boolean;
  SendQuota: { Max24HourSend: number; MaxSendRate: number; SentLast24Hours: number };
  /** HEALTHY, PROBATION or SHUTDOWN */
  EnforcementStatus: string;
  DedicatedIpAutoWarmupEnabled: boolean;
  Details?: AccountDetails;
}

/** What `seedAccount` changes; SendQuota is merged field by field. */
export interface SeedAccount extends Partial<Omit<EmulatedAccount, 'SendQuota'>> {
  SendQuota?: Partial<EmulatedAccount['SendQuota']>;
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

  // ---- email identities ----

  /** ms a DEED replica stays PENDING after CreateEmailIdentity before it is verified (once its parent is). Default 0. */
  replicaVerificationDelayMs?: number;
  /** identity names whose DEED replicas end in DKIM status FAILED instead of SUCCESS */
  replicaFailNames?: string[];
  /**
   * ms an identity created through the API without DEED (Easy DKIM or BYODKIM) stays PENDING
   * before it is verified (there is no DNS to look at). Default: it stays PENDING.
   */
  identityVerificationDelayMs?: number;
  /** for this many ms after a successful CreateEmailIdentity, Get/ListTagsForResource of it answer NotFoundException. Default 0. */
  identityNotFoundAfterCreateMs?: number;
  /** for this many ms after DeleteEmailIdentity, the identity is still seen (Get, ListTags, AlreadyExists on Create). Default 0. */
  identityDeletionDelayMs?: number;

  // ---- configuration sets and templates ----

  /**
   * for this many ms after a successful CreateConfigurationSet, GetConfigurationSet,
   * GetConfigurationSetEventDestinations and ListTagsForResource of that set answer NotFoundException
   * (the set exists: a second Create is AlreadyExists, and the Put operations find it). Default 0.
   */
  configurationSetNotFoundAfterCreateMs?: number;
  /** configuration sets per region; Create beyond it answers LimitExceededException. Default 10000. */
  maxConfigurationSetsPerRegion?: number;
  /** event destinations per configuration set; Create beyond it answers LimitExceededException. Default 10 (the SES quota). */
  maxEventDestinationsPerConfigurationSet?: number;
  /** email templates per region; Create beyond it answers LimitExceededException. Default 10000 (the SES quota). */
  maxTemplatesPerRegion?: number;

  /**
   * SES's control-plane quota: a token bucket per region over every request the emulator serves
   * (all of them are control-plane actions; sending is not emulated). Off unless set.
   */
  quota?: QuotaOptions;

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

/** A token bucket: SES's is 1 request per second, and the burst it allows is not documented. */
export interface QuotaOptions {
  /** Tokens added per second (SES: 1). */
  ratePerSecond: number;
  /** The bucket's size, and what it holds at the start (at least 1). */
  burst: number;
}

/** One caller's requests in one region, from `callerStats()`. */
export interface CallerStats {
  readonly caller: string;
  readonly region: string;
  /** Requests answered (or dropped), throttled ones included. */
  readonly calls: number;
  /** Requests answered TooManyRequestsException, by the quota, `throttleRate` or `failNext`. */
  readonly throttled: number;
}

export interface RecordedCall {
  operation: string;
  /** the SigV4 access key id of the request ('' when not signed): who called */
  caller?: string;
  /** epoch ms when the request arrived */
  at?: number;
  /** the region of the SigV4 credential scope ('' when the request was not signed) */
  region: string;
  endpointName?: string;
  /** the email identity a call is about (identity operations, tag operations on identity ARNs) */
  identityName?: string;
  /** the configuration set a call is about (its operations, tag operations on its ARN) */
  configurationSetName?: string;
  /** the email template a call is about (its operations, tag operations on its ARN) */
  templateName?: string;
  /** 0 when the connection was dropped (`dropConnectionRate`): no response was sent */
  httpStatus: number;
  /** the x-amzn-errortype answered, or 'DroppedConnection' */
  errorType?: string;
  /** ms the answer was held back (`stallNext`); the operation itself ran */
  stalledMs?: number;
}

export interface FailNextOptions {
  /** how many matching calls fail. Default 1. */
  times?: number;
  /** only calls about this endpoint name fail */
  endpointName?: string;
  /** only calls about this email identity fail */
  identityName?: string;
  /** only calls about this configuration set fail */
  configurationSetName?: string;
  /** only calls about this email template fail */
  templateName?: string;
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
/** What SES answers when its API quota is exceeded. */
const QUOTA_MESSAGE = 'Rate exceeded';
const DEFAULT_SEED = 1;

const NAME_PATTERN = /^[\w\-_]+$/;
const REGION_PATTERN = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
// The reference's tag character set: Unicode letters, digits, white space and _ . : / = + -
const TAG_PATTERN = /^[\p{L}\p{N}\s_.:/=+-]*$/u;
/** The ARNs the tag operations take: arn:<partition>:ses:<region>:<account>:<resource type>/<name> */
const RESOURCE_ARN = /^arn:(aws[a-z-]*):ses:([a-z0-9-]+):(\d{12}):(multi-region-endpoint|identity|configuration-set|template)\/(.+)$/;
/** Which resource (and `calls` field) each taggable resource type of an ARN names. */
const ARN_TARGETS: Record<string, keyof CallTarget> = {
  'multi-region-endpoint': 'endpointName',
  'identity': 'identityName',
  'configuration-set': 'configurationSetName',
  'template': 'templateName',
};
/** A Mail Manager archive (ArchivingOptions.ArchiveArn). */
const ARCHIVE_ARN = /^arn:(aws[a-z-]*):ses:([a-z0-9-]+):(\d{12}):mailmanager-archive\/.+$/;
const IDENTITIES = /^\/v2\/email\/identities$/;
const IDENTITY = /^\/v2\/email\/identities\/([^/]+)$/;
const DOMAIN_IDENTITY = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const EMAIL_IDENTITY = /^(?=.{3,320}$)[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EASY_DKIM = 'AWS_SES';
const BYODKIM = 'EXTERNAL';
const DEED_PREFIX = 'AWS_SES_';
/** The `AWS_SES_<REGION>` values of the SDK's DkimSigningAttributesOrigin (the regions DEED replicates from). */
const DEED_ORIGINS = new Set([
  'af-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'ap-southeast-5', 'ap-south-1', 'ap-south-2', 'ca-central-1', 'ca-west-1', 'eu-central-1',
  'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1',
  'me-central-1', 'me-south-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1',
  'us-west-1', 'us-west-2',
].map(deedOriginOf));
const ENDPOINTS = /^\/v2\/email\/multi-region-endpoints$/;
const ENDPOINT = /^\/v2\/email\/multi-region-endpoints\/([^/]+)$/;
const TAGS = /^\/v2\/email\/tags$/;
const ACCOUNT = /^\/v2\/email\/account$/;
const CONFIGURATION_SETS = /^\/v2\/email\/configuration-sets$/;
// Not GET /v2/email/configuration-sets: this SDK lists with a POST and a JSON body (Filter, NextToken, PageSize).
const LIST_CONFIGURATION_SETS = /^\/v2\/email\/list-configuration-sets$/;
const CONFIGURATION_SET = /^\/v2\/email\/configuration-sets\/([^/]+)$/;
const EVENT_DESTINATIONS = /^\/v2\/email\/configuration-sets\/([^/]+)\/event-destinations$/;
const EVENT_DESTINATION = /^\/v2\/email\/configuration-sets\/([^/]+)\/event-destinations\/([^/]+)$/;
const TEMPLATES = /^\/v2\/email\/templates$/;
const TEMPLATE = /^\/v2\/email\/templates\/([^/]+)$/;
/** The path of a PutConfigurationSet*Options operation: /v2/email/configuration-sets/{ConfigurationSetName}/<suffix> */
function configurationSetPath(suffix: string): RegExp {
  return new RegExp(`^/v2/email/configuration-sets/([^/]+)/${suffix}$`);
}
const MAX_TAGS = 50;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_MAX_CONFIGURATION_SETS = 10_000;
const DEFAULT_MAX_EVENT_DESTINATIONS = 10;
const DEFAULT_MAX_TEMPLATES = 10_000;
/** ListEmailTemplates: "at least 1, and can be no more than 100" (the SDK's documentation). */
const MAX_TEMPLATE_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const CONFIGURATION_SET_NAME_CONTAINS = 'CONFIGURATION_SET_NAME_CONTAINS';

// Enums of the SES v2 model (this SDK's models/enums).
const TLS_POLICIES = ['OPTIONAL', 'REQUIRE'];
const HTTPS_POLICIES = ['OPTIONAL', 'REQUIRE', 'REQUIRE_OPEN_ONLY'];
const SHARED_POOL_DELIVERY_MODES = ['ACCOUNT', 'GLOBAL', 'REGIONAL'];
const SUPPRESSION_REASONS = ['BOUNCE', 'COMPLAINT'];
const SUPPRESSION_SCOPES = ['ACCOUNT', 'TENANT'];
const CONFIDENCE_VERDICT_THRESHOLDS = ['HIGH', 'MANAGED', 'MEDIUM'];
const FEATURE_STATUSES = ['DISABLED', 'ENABLED'];
const EVENT_TYPES = ['BOUNCE', 'CLICK', 'COMPLAINT', 'DELIVERY', 'DELIVERY_DELAY', 'OPEN', 'REJECT', 'RENDERING_FAILURE', 'SEND', 'SUBSCRIPTION'];
const DIMENSION_VALUE_SOURCES = ['EMAIL_HEADER', 'LINK_TAG', 'MESSAGE_TAG'];
/** The destination kinds of an event destination: it has exactly one. */
const DESTINATION_KINDS = [
  'CloudWatchDestination', 'KinesisFirehoseDestination', 'SnsDestination', 'EventBridgeDestination', 'PinpointDestination',
] as const;
/** MaxDeliverySeconds: 300 (5 minutes) to 50400 (840 minutes), as the model documents. */
const MIN_DELIVERY_SECONDS = 300;
const MAX_DELIVERY_SECONDS = 50_400;

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

/** What the emulator keeps per identity beyond the public view. */
interface IdentityLifecycle {
  /** epoch ms when PENDING ends; undefined = never (seeded, or no DNS to verify) */
  verifyAt?: number;
  /** the DKIM status PENDING ends in */
  outcome: 'SUCCESS' | 'FAILED';
  /** epoch ms until which Get/ListTagsForResource answer NotFound (eventual consistency) */
  hiddenUntil: number;
  /** epoch ms when a deleted identity disappears; set by DeleteEmailIdentity */
  goneAt?: number;
}

/** Whom a call is about, for `calls` and `failNext` filters. */
interface CallTarget {
  endpointName?: string;
  identityName?: string;
  configurationSetName?: string;
  templateName?: string;
}

const TARGET_KEYS = ['endpointName', 'identityName', 'configurationSetName', 'templateName'] as const;

interface Injection {
  operation: string;
  errorType: string;
  remaining: number;
  /** only calls about these fail */
  target: CallTarget;
  httpStatus: number;
  message: string;
}

/** A request whose answer is held back (it still runs): `stallNext`. */
interface Stall {
  operation: string;
  remaining: number;
  /** only calls about these stall */
  target: CallTarget;
  ms: number;
}

export interface StallOptions {
  /** how many matching calls stall. Default 1. */
  times?: number;
  /** only calls about this endpoint name stall */
  endpointName?: string;
  /** only calls about this email identity stall */
  identityName?: string;
  /** only calls about this configuration set stall */
  configurationSetName?: string;
  /** only calls about this email template stall */
  templateName?: string;
  /** how long the answer is held back. Default 10 minutes (the client gives up first, or stop() ends it). */
  ms?: number;
}

interface RequestContext {
  region: string;
  /** the decoded first path label ({EndpointName}, {EmailIdentity}, {ConfigurationSetName}, {TemplateName}), if the route has one */
  pathName?: string;
  /** the decoded second path label ({EventDestinationName}), if the route has one */
  subName?: string;
  query: URLSearchParams;
  body: any;
}

interface Route {
  method: string;
  path: RegExp;
  operation: string;
  handler: (ctx: RequestContext) => object;
  /** whom a call is about, for `calls` and `failNext` filters */
  target?: (ctx: RequestContext) => CallTarget;
}

/** A route of an operation about the configuration set named in its path. */
function setRoute(method: string, path: RegExp, operation: string, handler: Route['handler']): Route {
  return { method, path, operation, handler, target: pathConfigurationSetName };
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
  /** region -> identity name -> identity */
  private readonly identityState = new Map<string, Map<string, EmulatedIdentity>>();
  private readonly identityLifecycles = new WeakMap<EmulatedIdentity, IdentityLifecycle>();
  /** region -> configuration set name -> configuration set */
  private readonly configurationSetState = new Map<string, Map<string, EmulatedConfigurationSet>>();
  /** epoch ms until which Get answers NotFound for a set (`configurationSetNotFoundAfterCreateMs`); absent = visible */
  private readonly configurationSetHiddenUntil = new WeakMap<EmulatedConfigurationSet, number>();
  /** region -> template name -> template */
  private readonly templateState = new Map<string, Map<string, EmulatedTemplate>>();
  /** region -> account */
  private readonly accountState = new Map<string, EmulatedAccount>();
  private readonly usedIds = new Set<string>();
  private injections: Injection[] = [];
  private stalls: Stall[] = [];
  /** region -> the quota's token bucket */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private currentOptions: SesEmulatorOptions = {};
  /** the fault PRNG */
  private random: () => number = seededRandom(DEFAULT_SEED);
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
    { method: 'POST', path: IDENTITIES, operation: 'CreateEmailIdentity', handler: ctx => this.createIdentity(ctx), target: bodyIdentityName },
    { method: 'GET', path: IDENTITY, operation: 'GetEmailIdentity', handler: ctx => this.getIdentity(ctx), target: pathIdentityName },
    { method: 'DELETE', path: IDENTITY, operation: 'DeleteEmailIdentity', handler: ctx => this.deleteIdentity(ctx), target: pathIdentityName },
    { method: 'GET', path: ACCOUNT, operation: 'GetAccount', handler: ctx => this.getAccount(ctx) },
    { ...setRoute('POST', CONFIGURATION_SETS, 'CreateConfigurationSet', ctx => this.createConfigurationSet(ctx)), target: bodyConfigurationSetName },
    { method: 'POST', path: LIST_CONFIGURATION_SETS, operation: 'ListConfigurationSets', handler: ctx => this.listConfigurationSets(ctx) },
    setRoute('GET', CONFIGURATION_SET, 'GetConfigurationSet', ctx => this.getConfigurationSet(ctx)),
    setRoute('DELETE', CONFIGURATION_SET, 'DeleteConfigurationSet', ctx => this.deleteConfigurationSet(ctx)),
    setRoute('PUT', configurationSetPath('delivery-options'), 'PutConfigurationSetDeliveryOptions', ctx => this.putDeliveryOptions(ctx)),
    setRoute('PUT', configurationSetPath('reputation-options'), 'PutConfigurationSetReputationOptions', ctx => this.putReputationOptions(ctx)),
    setRoute('PUT', configurationSetPath('sending'), 'PutConfigurationSetSendingOptions', ctx => this.putSendingOptions(ctx)),
    setRoute('PUT', configurationSetPath('suppression-options'), 'PutConfigurationSetSuppressionOptions', ctx => this.putSuppressionOptions(ctx)),
    setRoute('PUT', configurationSetPath('tracking-options'), 'PutConfigurationSetTrackingOptions', ctx => this.putTrackingOptions(ctx)),
    setRoute('PUT', configurationSetPath('vdm-options'), 'PutConfigurationSetVdmOptions', ctx => this.putVdmOptions(ctx)),
    setRoute('PUT', configurationSetPath('archiving-options'), 'PutConfigurationSetArchivingOptions', ctx => this.putArchivingOptions(ctx)),
    setRoute('POST', EVENT_DESTINATIONS, 'CreateConfigurationSetEventDestination', ctx => this.createEventDestination(ctx)),
    setRoute('GET', EVENT_DESTINATIONS, 'GetConfigurationSetEventDestinations', ctx => this.getEventDestinations(ctx)),
    setRoute('PUT', EVENT_DESTINATION, 'UpdateConfigurationSetEventDestination', ctx => this.updateEventDestination(ctx)),
    setRoute('DELETE', EVENT_DESTINATION, 'DeleteConfigurationSetEventDestination', ctx => this.deleteEventDestination(ctx)),
    { method: 'POST', path: TEMPLATES, operation: 'CreateEmailTemplate', handler: ctx => this.createTemplate(ctx), target: bodyTemplateName },
    { method: 'GET', path: TEMPLATES, operation: 'ListEmailTemplates', handler: ctx => this.listTemplates(ctx) },
    { method: 'GET', path: TEMPLATE, operation: 'GetEmailTemplate', handler: ctx => this.getTemplate(ctx), target: pathTemplateName },
    { method: 'PUT', path: TEMPLATE, operation: 'UpdateEmailTemplate', handler: ctx => this.updateTemplate(ctx), target: pathTemplateName },
    { method: 'DELETE', path: TEMPLATE, operation: 'DeleteEmailTemplate', handler: ctx => this.deleteTemplate(ctx), target: pathTemplateName },
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

  /** Current email identities (after applying elapsed delays), optionally of one region. */
  identities(region?: string): EmulatedIdentity[] {
    const regions = region === undefined ? [...this.identityState.keys()] : [region];
    return regions.flatMap(r => this.regionIdentities(r));
  }

  identity(region: string, name: string): EmulatedIdentity | undefined {
    return this.findIdentity(region, name);
  }

  /**
   * Creates an email identity directly: a parent (Easy DKIM, the default), a BYODKIM identity
   * (`EXTERNAL`), a DEED replica (`AWS_SES_<REGION>`), or a foreign one made outside the stack.
   */
  seedIdentity(i: SeedIdentity): EmulatedIdentity {
    if (this.findIdentity(i.region, i.name)) {
      throw new Error(`identity ${i.name} already exists in ${i.region}`);
    }
    const origin = i.dkimOrigin ?? EASY_DKIM;
    const verified = i.verified ?? true;
    const parentRegion = regionOfDeedOrigin(origin);
    const parent = parentRegion === undefined ? undefined : this.findIdentity(parentRegion, i.name);
    const identity: EmulatedIdentity = {
      region: i.region,
      identityName: i.name,
      identityType: i.name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
      dkimOrigin: origin,
      dkimStatus: i.dkimStatus ?? (verified ? 'SUCCESS' : 'PENDING'),
      verifiedForSending: verified,
      dkimTokens: parent ? [...parent.dkimTokens] : newDkimTokens(),
      tags: { ...i.tags },
    };
    // No verifyAt/goneAt: a seeded status stays until a test or an API call changes it.
    this.identityLifecycles.set(identity, { outcome: 'SUCCESS', hiddenUntil: 0 });
    this.identityMap(i.region).set(i.name, identity);
    return identity;
  }

  /** Current configuration sets, optionally of one region. */
  configurationSets(region?: string): EmulatedConfigurationSet[] {
    const regions = region === undefined ? [...this.configurationSetState.keys()] : [region];
    return regions.flatMap(r => [...(this.configurationSetState.get(r)?.values() ?? [])]);
  }

  /** A configuration set (whether or not `configurationSetNotFoundAfterCreateMs` still hides it from Get). */
  configurationSet(region: string, name: string): EmulatedConfigurationSet | undefined {
    return this.configurationSetState.get(region)?.get(name);
  }

  /** Creates a configuration set directly, e.g. a foreign one, or one the secondary region lacks settings of. */
  seedConfigurationSet(c: SeedConfigurationSet): EmulatedConfigurationSet {
    const { region, name, ...rest } = c;
    if (this.configurationSet(region, name)) {
      throw new Error(`configuration set ${name} already exists in ${region}`);
    }
    const set: EmulatedConfigurationSet = { ...newConfigurationSet(region, name), ...rest };
    set.tags = { ...set.tags };
    set.eventDestinations = [...set.eventDestinations];
    this.configurationSetMap(region).set(name, set);
    return set;
  }

  /** Current email templates, optionally of one region. */
  templates(region?: string): EmulatedTemplate[] {
    const regions = region === undefined ? [...this.templateState.keys()] : [region];
    return regions.flatMap(r => [...(this.templateState.get(r)?.values() ?? [])]);
  }

  template(region: string, name: string): EmulatedTemplate | undefined {
    return this.templateState.get(region)?.get(name);
  }

  /** Creates an email template directly. */
  seedTemplate(t: SeedTemplate): EmulatedTemplate {
    if (this.template(t.region, t.name)) {
      throw new Error(`template ${t.name} already exists in ${t.region}`);
    }
    const template: EmulatedTemplate = {
      region: t.region,
      templateName: t.name,
      content: { ...(t.content ?? { Subject: 'Subject', Text: 'Text' }) },
      tags: { ...t.tags },
      createdAt: new Date(),
    };
    this.templateMap(t.region).set(t.name, template);
    return template;
  }

  /**
   * A region's account: what GetAccount answers there. Created with the defaults on first use:
   * production access, sending enabled, 50,000 messages a day at 14 a second, HEALTHY.
   * The live object: tests may change it (or use `seedAccount`).
   */
  account(region: string): EmulatedAccount {
    let account = this.accountState.get(region);
    if (!account) {
      account = {
        ProductionAccessEnabled: true,
        SendingEnabled: true,
        SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
        EnforcementStatus: 'HEALTHY',
        DedicatedIpAutoWarmupEnabled: false,
      };
      this.accountState.set(region, account);
    }
    return account;
  }

  /**
   * Sets a region's account state over its current one (SendQuota field by field), e.g. a sandbox:
   * `seedAccount('us-west-2', { ProductionAccessEnabled: false, SendQuota: { Max24HourSend: 200, MaxSendRate: 1 } })`.
   */
  seedAccount(region: string, account: SeedAccount): EmulatedAccount {
    const current = this.account(region);
    const { SendQuota: quota, ...rest } = account;
    Object.assign(current, rest);
    current.SendQuota = { ...current.SendQuota, ...quota };
    return current;
  }

  /**
   * The next `times` calls of `operation` (optionally only about `endpointName`, `identityName`,
   * `configurationSetName` or `templateName`) answer this error.
   */
  failNext(operation: string, errorType: string, opts: FailNextOptions = {}): void {
    this.injections.push({
      operation,
      errorType,
      remaining: opts.times ?? 1,
      target: targetOf(opts),
      httpStatus: opts.httpStatus ?? ERROR_STATUS[errorType] ?? 400,
      message: opts.message ?? `Injected ${errorType}`,
    });
  }

  /** Drops every `failNext` and `stallNext` injection not used up yet. */
  clearInjections(): void {
    this.injections = [];
    this.stalls = [];
  }

  /**
   * The next `times` calls of `operation` run as usual, but their answer is held back for
   * `ms`: a stalled connection, as a client sees it (it may give up first). Not a fault: it
   * changes what the call does at SES not at all.
   */
  stallNext(operation: string, opts: StallOptions = {}): void {
    const { times = 1, ms = 600_000 } = opts;
    this.stalls.push({ operation, remaining: times, target: targetOf(opts), ms });
  }

  /**
   * Env vars that point the real SDK client (and the bundled Lambda handler) at the emulator.
   * @param caller the access key id the client signs with: `callerStats()` reports by it
   */
  clientEnv(region?: string, caller = 'AKIDEMULATOR'): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SESV2: this.url,
      AWS_REGION: region ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: caller,
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  /** Restarts the fault PRNG from `seed` (`options.seed` is left as it is). */
  reseed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
    this.random = seededRandom(seed);
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

  /**
   * Calls and throttled calls per caller (SigV4 access key id) and region, from `calls`,
   * optionally only those that arrived at or after `since` (epoch ms). Sorted by caller, then region.
   */
  callerStats(since = 0): CallerStats[] {
    const stats = new Map<string, { caller: string; region: string; calls: number; throttled: number }>();
    for (const call of this.calls) {
      if ((call.at ?? 0) < since) continue;
      const caller = call.caller ?? '';
      const key = `${caller}\n${call.region}`;
      const entry = stats.get(key) ?? { caller, region: call.region, calls: 0, throttled: 0 };
      entry.calls += 1;
      if (call.errorType === THROTTLE_TYPE) entry.throttled += 1;
      stats.set(key, entry);
    }
    return [...stats.values()].sort((a, b) => compare(a.caller, b.caller) || compare(a.region, b.region));
  }

  /**
   * Clears endpoints, identities, configuration sets, templates, account states, recorded calls,
   * injected errors and the quota's buckets, and restarts the fault PRNG from `options.seed` (options are kept).
   */
  reset(): void {
    this.buckets.clear();
    this.state.clear();
    this.identityState.clear();
    this.configurationSetState.clear();
    this.templateState.clear();
    this.accountState.clear();
    this.calls.length = 0;
    this.injections = [];
    this.stalls = [];
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
    const call: RecordedCall = {
      operation: route?.operation ?? 'Unknown',
      region,
      caller: signingAccessKey(req.headers.authorization),
      at: Date.now(),
      httpStatus: 0,
    };
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
        if (match?.[2] !== undefined) parsed.subName = decodePathSegment(match[2]);
        Object.assign(call, definedOnly(route.target?.(parsed) ?? {}));
        ctx = parsed;
        if (region) call.stalledMs = this.takeStall(route.operation, call);
      } catch (err) {
        invalid = err;
      }
      // The quota, then faults, come before validation and the operation (as a real throttle
      // does), so a throttled or faulted request never changes state. A request without a
      // SigV4 scope is neither counted against the quota nor faulted.
      if (region && !this.takeToken(region, call.at!)) throw new ApiError(THROTTLE_TYPE, QUOTA_MESSAGE);
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
      this.takeInjection(route.operation, call);
      call.httpStatus = 200;
      this.reply(res, 200, route.handler(ctx), undefined, call.stalledMs);
    } catch (err: any) {
      // Anything but an ApiError is a bug in the emulator: answer 500 so the test sees it.
      const error = err instanceof ApiError ? err : new ApiError('InternalServiceErrorException', String(err?.stack ?? err));
      call.httpStatus = error.httpStatus;
      call.errorType = error.errorType;
      this.reply(res, error.httpStatus, { message: error.message }, error.errorType, call.stalledMs);
    } finally {
      this.calls.push(call);
    }
  }

  private reply(res: http.ServerResponse, status: number, body: object, errorType?: string, stalledMs?: number): void {
    if (stalledMs !== undefined) {
      // Held back; the client may have given up (and closed the socket) by then.
      setTimeout(() => { if (!res.destroyed) this.reply(res, status, body, errorType); }, stalledMs).unref();
      return;
    }
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

  /** Takes one token of the region's quota bucket; false when it is empty (or true when there is no quota). */
  private takeToken(region: string, now: number): boolean {
    const quota = this.options.quota;
    if (quota === undefined) return true;
    const bucket = this.buckets.get(region) ?? { tokens: quota.burst, at: now };
    bucket.tokens = Math.min(quota.burst, bucket.tokens + ((now - bucket.at) / 1000) * quota.ratePerSecond);
    bucket.at = now;
    this.buckets.set(region, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
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

  /** How long to hold back the answer to this call, when a `stallNext` matches it (counting it down). */
  private takeStall(operation: string, target: CallTarget): number | undefined {
    const hit = this.stalls.find(s => s.operation === operation && matchesTarget(s.target, target));
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.stalls = this.stalls.filter(s => s !== hit);
    return hit.ms;
  }

  /** Throws the first injected error that matches this call, counting it down. */
  private takeInjection(operation: string, target: CallTarget): void {
    const hit = this.injections.find(i => i.operation === operation && matchesTarget(i.target, target));
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

  private createIdentity(ctx: RequestContext): object {
    const body = ctx.body ?? {};
    const name = validateIdentityName(body.EmailIdentity);
    const identityType = name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN';
    const tags = validateTags(body.Tags ?? []);
    const dkim = body.DkimSigningAttributes ?? {};
    if (typeof dkim !== 'object' || Array.isArray(dkim)) {
      throw new ApiError('BadRequestException', 'DkimSigningAttributes must be an object');
    }
    const { DomainSigningAttributesOrigin: origin, DomainSigningSelector: selector, DomainSigningPrivateKey: privateKey } = dkim;
    let parentRegion: string | undefined;
    if (origin !== undefined) {
      // CreateEmailIdentity takes an origin only to replicate: every value but AWS_SES and EXTERNAL.
      if (typeof origin !== 'string' || !DEED_ORIGINS.has(origin)) {
        throw new ApiError('BadRequestException', `Invalid DomainSigningAttributesOrigin for CreateEmailIdentity: ${JSON.stringify(origin)}`);
      }
      if (selector !== undefined || privateKey !== undefined) {
        throw new ApiError('BadRequestException', 'DomainSigningAttributesOrigin cannot be combined with DomainSigningSelector or DomainSigningPrivateKey');
      }
      if (identityType !== 'DOMAIN') {
        throw new ApiError('BadRequestException', 'Only domain identities can be replicated with Deterministic Easy DKIM');
      }
      parentRegion = regionOfDeedOrigin(origin)!;
      if (parentRegion === ctx.region) {
        throw new ApiError('BadRequestException', `A replica cannot be created in its parent's region ${parentRegion}`);
      }
    } else if (selector !== undefined || privateKey !== undefined) {
      if (typeof selector !== 'string' || typeof privateKey !== 'string' || !selector || !privateKey) {
        throw new ApiError('BadRequestException', 'Bring Your Own DKIM needs both DomainSigningSelector and DomainSigningPrivateKey');
      }
    }
    if (this.findIdentity(ctx.region, name)) {
      throw new ApiError('AlreadyExistsException', `Email identity ${name} already exists`);
    }
    let tokens: string[];
    if (parentRegion !== undefined) {
      const parent = this.findIdentity(parentRegion, name);
      if (!parent) {
        throw new ApiError('BadRequestException', `Parent identity ${name} does not exist in ${parentRegion}`);
      }
      if (parent.dkimOrigin === BYODKIM) {
        throw new ApiError('BadRequestException', `Parent identity ${name} in ${parentRegion} uses Bring Your Own DKIM; only Easy DKIM identities can be replicated`);
      }
      if (parent.dkimOrigin !== EASY_DKIM) {
        throw new ApiError('BadRequestException', `Identity ${name} in ${parentRegion} is a replica (${parent.dkimOrigin}) and cannot be a parent`);
      }
      tokens = [...parent.dkimTokens];
    } else {
      tokens = selector !== undefined ? [selector] : newDkimTokens();
    }

    const now = Date.now();
    const identity: EmulatedIdentity = {
      region: ctx.region,
      identityName: name,
      identityType,
      dkimOrigin: origin ?? (selector !== undefined ? BYODKIM : EASY_DKIM),
      dkimStatus: 'PENDING',
      verifiedForSending: false,
      dkimTokens: tokens,
      tags: Object.fromEntries(tags.map(t => [t.Key, t.Value])),
    };
    // Delays are fixed now, so later changes to `options` do not affect this identity.
    const delay = parentRegion !== undefined ? this.options.replicaVerificationDelayMs ?? 0 : this.options.identityVerificationDelayMs;
    const lifecycle: IdentityLifecycle = {
      verifyAt: delay === undefined ? undefined : now + delay,
      outcome: parentRegion !== undefined && this.options.replicaFailNames?.includes(name) ? 'FAILED' : 'SUCCESS',
      hiddenUntil: now + (this.options.identityNotFoundAfterCreateMs ?? 0),
    };
    this.identityLifecycles.set(identity, lifecycle);
    this.identityMap(ctx.region).set(name, identity);
    this.refreshIdentity(identity, lifecycle, now);
    return { IdentityType: identityType, VerifiedForSendingStatus: identity.verifiedForSending, DkimAttributes: dkimAttributes(identity) };
  }

  private getIdentity(ctx: RequestContext): object {
    const i = this.mustFindIdentity(ctx.region, validateIdentityName(ctx.pathName), true);
    return {
      IdentityType: i.identityType,
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: i.verifiedForSending,
      VerificationStatus: i.dkimStatus,
      DkimAttributes: dkimAttributes(i),
      Policies: {},
      Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  private deleteIdentity(ctx: RequestContext): object {
    const i = this.mustFindIdentity(ctx.region, validateIdentityName(ctx.pathName), false);
    const replicas = this.identities()
      .filter(r => r.identityName === i.identityName && r.dkimOrigin === deedOriginOf(i.region))
      .map(r => r.region);
    if (replicas.length > 0) {
      throw new ApiError('BadRequestException', `Identity ${i.identityName} is the parent of replicas in ${replicas.sort().join(', ')}: delete them first`);
    }
    const lifecycle = this.identityLifecycle(i);
    if (lifecycle.goneAt === undefined) {
      const now = Date.now();
      lifecycle.goneAt = now + (this.options.identityDeletionDelayMs ?? 0);
      if (this.refreshIdentity(i, lifecycle, now) === 'gone') this.identityMap(i.region).delete(i.identityName);
    }
    return {};
  }

  private getAccount(ctx: RequestContext): object {
    return this.account(ctx.region);
  }

  private createConfigurationSet(ctx: RequestContext): object {
    const body = ctx.body ?? {};
    const name = validateResourceName(body.ConfigurationSetName, 'ConfigurationSetName');
    const tags = validateTags(body.Tags ?? []);
    const set = newConfigurationSet(ctx.region, name);
    set.tags = Object.fromEntries(tags.map(t => [t.Key, t.Value]));
    if (body.TrackingOptions !== undefined) set.trackingOptions = trackingOptions(body.TrackingOptions, 'TrackingOptions');
    if (body.DeliveryOptions !== undefined) set.deliveryOptions = deliveryOptions(objectArg(body.DeliveryOptions, 'DeliveryOptions'), undefined);
    if (body.ReputationOptions !== undefined) set.reputationOptions = reputationOptions(objectArg(body.ReputationOptions, 'ReputationOptions'));
    if (body.SendingOptions !== undefined) set.sendingOptions = sendingOptions(objectArg(body.SendingOptions, 'SendingOptions'));
    if (body.SuppressionOptions !== undefined) set.suppressionOptions = suppressionOptions(objectArg(body.SuppressionOptions, 'SuppressionOptions'));
    if (body.VdmOptions !== undefined) set.vdmOptions = vdmOptions(body.VdmOptions);
    if (body.ArchivingOptions !== undefined) {
      set.archivingOptions = archivingOptions(objectArg(body.ArchivingOptions, 'ArchivingOptions').ArchiveArn, ctx.region);
    }
    if (body.MessageSecurityOptions !== undefined) {
      set.messageSecurityOptions = { ...objectArg(body.MessageSecurityOptions, 'MessageSecurityOptions') };
    }
    if (this.configurationSet(ctx.region, name)) {
      throw new ApiError('AlreadyExistsException', `Configuration set ${name} already exists`);
    }
    const limit = this.options.maxConfigurationSetsPerRegion ?? DEFAULT_MAX_CONFIGURATION_SETS;
    if (this.configurationSets(ctx.region).length >= limit) {
      throw new ApiError('LimitExceededException', `Maximum number of configuration sets (${limit}) reached`);
    }
    this.configurationSetMap(ctx.region).set(name, set);
    // Fixed now, so later changes to `options` do not affect this set.
    this.configurationSetHiddenUntil.set(set, Date.now() + (this.options.configurationSetNotFoundAfterCreateMs ?? 0));
    return {};
  }

  private getConfigurationSet(ctx: RequestContext): object {
    const set = this.mustFindConfigurationSet(ctx.region, validateResourceName(ctx.pathName, 'ConfigurationSetName'), true);
    const { LastFreshStart: lastFreshStart, ...reputation } = set.reputationOptions;
    return {
      ConfigurationSetName: set.configurationSetName,
      TrackingOptions: set.trackingOptions,
      DeliveryOptions: set.deliveryOptions,
      ReputationOptions: { ...reputation, LastFreshStart: lastFreshStart && epochSeconds(lastFreshStart) },
      SendingOptions: set.sendingOptions,
      Tags: Object.entries(set.tags).map(([Key, Value]) => ({ Key, Value })),
      SuppressionOptions: set.suppressionOptions,
      VdmOptions: set.vdmOptions,
      ArchivingOptions: set.archivingOptions,
      MessageSecurityOptions: set.messageSecurityOptions,
    };
  }

  /** Deleting a set deletes its event destinations (and tags) with it. */
  private deleteConfigurationSet(ctx: RequestContext): object {
    const set = this.mustFindConfigurationSet(ctx.region, validateResourceName(ctx.pathName, 'ConfigurationSetName'), false);
    this.configurationSetMap(ctx.region).delete(set.configurationSetName);
    return {};
  }

  /** POST with a JSON body { Filter: { CONFIGURATION_SET_NAME_CONTAINS }, NextToken, PageSize }; answers the names only. */
  private listConfigurationSets(ctx: RequestContext): object {
    const body = ctx.body ?? {};
    const filter = body.Filter === undefined ? {} : objectArg(body.Filter, 'Filter');
    for (const key of Object.keys(filter)) {
      if (key !== CONFIGURATION_SET_NAME_CONTAINS) throw new ApiError('BadRequestException', `Unknown Filter key: ${key}`);
    }
    const contains = stringArg(filter[CONFIGURATION_SET_NAME_CONTAINS], `Filter.${CONFIGURATION_SET_NAME_CONTAINS}`);
    if (body.PageSize !== undefined && typeof body.PageSize !== 'number') throw new ApiError('BadRequestException', 'PageSize must be a number');
    const pageSize = parsePageSize(body.PageSize === undefined ? null : String(body.PageSize));
    const after = decodeNextToken(stringArg(body.NextToken, 'NextToken') ?? null);
    const all = this.configurationSets(ctx.region)
      .map(set => set.configurationSetName)
      .filter(name => contains === undefined || name.includes(contains))
      .sort(compare)
      .filter(name => after === undefined || name > after);
    const page = all.slice(0, pageSize);
    return {
      ConfigurationSets: page,
      NextToken: all.length > pageSize ? encodeNextToken(page[page.length - 1]) : undefined,
    };
  }

  /** TlsPolicy, SendingPoolName and MaxDeliverySeconds are replaced; SharedPoolDeliveryMode is kept when not given. */
  private putDeliveryOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    set.deliveryOptions = deliveryOptions(ctx.body ?? {}, set.deliveryOptions);
    return {};
  }

  /** Sets ReputationMetricsEnabled (absent: false); LastFreshStart is kept. */
  private putReputationOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    const enabled = booleanArg(ctx.body?.ReputationMetricsEnabled, 'ReputationMetricsEnabled') ?? false;
    set.reputationOptions = { ...set.reputationOptions, ReputationMetricsEnabled: enabled };
    return {};
  }

  /** Sets SendingEnabled (absent: false). */
  private putSendingOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    set.sendingOptions = sendingOptions(ctx.body ?? {});
    return {};
  }

  private putSuppressionOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    set.suppressionOptions = suppressionOptions(ctx.body ?? {});
    return {};
  }

  /** Without a CustomRedirectDomain, the set's tracking options are removed. */
  private putTrackingOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    const body = ctx.body ?? {};
    const remove = body.CustomRedirectDomain === undefined && body.HttpsPolicy === undefined;
    set.trackingOptions = remove ? undefined : trackingOptions(body, 'the request');
    return {};
  }

  /** Without VdmOptions, the set's VDM options are removed. */
  private putVdmOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    set.vdmOptions = ctx.body?.VdmOptions === undefined ? undefined : vdmOptions(ctx.body.VdmOptions);
    return {};
  }

  /** Without an ArchiveArn, archiving is turned off. */
  private putArchivingOptions(ctx: RequestContext): object {
    const set = this.putTarget(ctx);
    set.archivingOptions = archivingOptions(ctx.body?.ArchiveArn, ctx.region);
    return {};
  }

  /** The configuration set a Put*Options call is about (its name valid, the set existing). */
  private putTarget(ctx: RequestContext): EmulatedConfigurationSet {
    return this.mustFindConfigurationSet(ctx.region, validateResourceName(ctx.pathName, 'ConfigurationSetName'), false);
  }

  private createEventDestination(ctx: RequestContext): object {
    const setName = validateResourceName(ctx.pathName, 'ConfigurationSetName');
    const name = validateResourceName(ctx.body?.EventDestinationName, 'EventDestinationName');
    const destination = eventDestination(name, ctx.body?.EventDestination);
    const set = this.mustFindConfigurationSet(ctx.region, setName, false);
    if (set.eventDestinations.some(d => d.Name === name)) {
      throw new ApiError('AlreadyExistsException', `Event destination ${name} already exists in configuration set ${setName}`);
    }
    const limit = this.options.maxEventDestinationsPerConfigurationSet ?? DEFAULT_MAX_EVENT_DESTINATIONS;
    if (set.eventDestinations.length >= limit) {
      throw new ApiError('LimitExceededException', `Maximum number of event destinations per configuration set (${limit}) reached`);
    }
    set.eventDestinations.push(destination);
    return {};
  }

  private getEventDestinations(ctx: RequestContext): object {
    const set = this.mustFindConfigurationSet(ctx.region, validateResourceName(ctx.pathName, 'ConfigurationSetName'), true);
    return { EventDestinations: set.eventDestinations };
  }

  /** Replaces the destination's whole definition. */
  private updateEventDestination(ctx: RequestContext): object {
    const setName = validateResourceName(ctx.pathName, 'ConfigurationSetName');
    const name = validateResourceName(ctx.subName, 'EventDestinationName');
    const destination = eventDestination(name, ctx.body?.EventDestination);
    const set = this.mustFindConfigurationSet(ctx.region, setName, false);
    const index = mustFindEventDestination(set, name);
    set.eventDestinations[index] = destination;
    return {};
  }

  private deleteEventDestination(ctx: RequestContext): object {
    const setName = validateResourceName(ctx.pathName, 'ConfigurationSetName');
    const name = validateResourceName(ctx.subName, 'EventDestinationName');
    const set = this.mustFindConfigurationSet(ctx.region, setName, false);
    set.eventDestinations.splice(mustFindEventDestination(set, name), 1);
    return {};
  }

  private createTemplate(ctx: RequestContext): object {
    const body = ctx.body ?? {};
    const name = validateResourceName(body.TemplateName, 'TemplateName');
    const content = templateContent(body.TemplateContent);
    const tags = validateTags(body.Tags ?? []);
    if (this.template(ctx.region, name)) {
      throw new ApiError('AlreadyExistsException', `Template ${name} already exists`);
    }
    const limit = this.options.maxTemplatesPerRegion ?? DEFAULT_MAX_TEMPLATES;
    if (this.templates(ctx.region).length >= limit) {
      throw new ApiError('LimitExceededException', `Maximum number of email templates (${limit}) reached`);
    }
    this.templateMap(ctx.region).set(name, {
      region: ctx.region,
      templateName: name,
      content,
      tags: Object.fromEntries(tags.map(t => [t.Key, t.Value])),
      createdAt: new Date(),
    });
    return {};
  }

  private getTemplate(ctx: RequestContext): object {
    const t = this.mustFindTemplate(ctx.region, validateResourceName(ctx.pathName, 'TemplateName'));
    return {
      TemplateName: t.templateName,
      TemplateContent: t.content,
      Tags: Object.entries(t.tags).map(([Key, Value]) => ({ Key, Value })),
    };
  }

  /** Replaces the whole content (tags stay). */
  private updateTemplate(ctx: RequestContext): object {
    const name = validateResourceName(ctx.pathName, 'TemplateName');
    const content = templateContent(ctx.body?.TemplateContent);
    this.mustFindTemplate(ctx.region, name).content = content;
    return {};
  }

  private deleteTemplate(ctx: RequestContext): object {
    const t = this.mustFindTemplate(ctx.region, validateResourceName(ctx.pathName, 'TemplateName'));
    this.templateMap(ctx.region).delete(t.templateName);
    return {};
  }

  /** GET with NextToken and PageSize (1-100) in the query. */
  private listTemplates(ctx: RequestContext): object {
    const pageSize = parsePageSize(ctx.query.get('PageSize'), MAX_TEMPLATE_PAGE_SIZE);
    const after = decodeNextToken(ctx.query.get('NextToken'));
    const all = this.templates(ctx.region)
      .sort((a, b) => compare(a.templateName, b.templateName))
      .filter(t => after === undefined || t.templateName > after);
    const page = all.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      TemplatesMetadata: page.map(t => ({ TemplateName: t.templateName, CreatedTimestamp: epochSeconds(t.createdAt) })),
      NextToken: all.length > pageSize && last ? encodeNextToken(last.templateName) : undefined,
    };
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

  /** The taggable resource (an endpoint, email identity, configuration set or email template) an ARN names. */
  private resolveArn(region: string, arn: unknown, eventual: boolean): { tags: Record<string, string> } {
    const match = typeof arn === 'string' ? RESOURCE_ARN.exec(arn) : null;
    if (!match) throw new ApiError('BadRequestException', `Invalid ResourceArn: ${JSON.stringify(arn)}`);
    const [, , arnRegion, , type, name] = match;
    if (arnRegion !== region) {
      throw new ApiError('BadRequestException', `ResourceArn region ${arnRegion} does not match the request region ${region}`);
    }
    switch (ARN_TARGETS[type]) {
      case 'endpointName': return this.mustFind(region, validateName(name), eventual);
      case 'identityName': return this.mustFindIdentity(region, validateIdentityName(name), eventual);
      case 'configurationSetName': return this.mustFindConfigurationSet(region, validateResourceName(name, 'ConfigurationSetName'), eventual);
      default: return this.mustFindTemplate(region, validateResourceName(name, 'TemplateName'));
    }
  }

  private identityMap(region: string): Map<string, EmulatedIdentity> {
    let map = this.identityState.get(region);
    if (!map) {
      map = new Map();
      this.identityState.set(region, map);
    }
    return map;
  }

  /** Identities of a region after applying elapsed delays (deleted ones are dropped). */
  private regionIdentities(region: string): EmulatedIdentity[] {
    const map = this.identityState.get(region);
    if (!map) return [];
    const now = Date.now();
    for (const [name, i] of map) {
      if (this.refreshIdentity(i, this.identityLifecycle(i), now) === 'gone') map.delete(name);
    }
    return [...map.values()];
  }

  private identityLifecycle(i: EmulatedIdentity): IdentityLifecycle {
    const lifecycle = this.identityLifecycles.get(i);
    if (!lifecycle) throw new Error(`no lifecycle for identity ${i.identityName}`);
    return lifecycle;
  }

  /** Applies elapsed time to an identity: a replica is verified once its delay has passed and its parent is verified. */
  private refreshIdentity(i: EmulatedIdentity, lifecycle: IdentityLifecycle, now: number): 'present' | 'gone' {
    if (lifecycle.goneAt !== undefined && now >= lifecycle.goneAt) return 'gone';
    if (i.dkimStatus !== 'PENDING' || lifecycle.verifyAt === undefined || now < lifecycle.verifyAt) return 'present';
    if (lifecycle.outcome === 'FAILED') {
      i.dkimStatus = 'FAILED';
      return 'present';
    }
    const parentRegion = regionOfDeedOrigin(i.dkimOrigin);
    // The parent is never a replica, so this does not recurse further.
    const parent = parentRegion === undefined ? undefined : this.identityState.get(parentRegion)?.get(i.identityName);
    if (parentRegion === undefined || parent?.verifiedForSending) {
      i.dkimStatus = 'SUCCESS';
      i.verifiedForSending = true;
    }
    return 'present';
  }

  private findIdentity(region: string, name: string): EmulatedIdentity | undefined {
    return this.regionIdentities(region).find(i => i.identityName === name);
  }

  /** `eventual`: honour identityNotFoundAfterCreateMs (only Get and ListTagsForResource do). */
  private mustFindIdentity(region: string, name: string, eventual: boolean): EmulatedIdentity {
    const i = this.findIdentity(region, name);
    if (!i || (eventual && Date.now() < this.identityLifecycle(i).hiddenUntil)) {
      throw new ApiError('NotFoundException', `Email identity ${name} does not exist`);
    }
    return i;
  }

  private configurationSetMap(region: string): Map<string, EmulatedConfigurationSet> {
    let map = this.configurationSetState.get(region);
    if (!map) {
      map = new Map();
      this.configurationSetState.set(region, map);
    }
    return map;
  }

  /** `eventual`: honour configurationSetNotFoundAfterCreateMs (only the Get operations and ListTagsForResource do). */
  private mustFindConfigurationSet(region: string, name: string, eventual: boolean): EmulatedConfigurationSet {
    const set = this.configurationSet(region, name);
    if (!set || (eventual && Date.now() < (this.configurationSetHiddenUntil.get(set) ?? 0))) {
      throw new ApiError('NotFoundException', `Configuration set ${name} does not exist`);
    }
    return set;
  }

  private templateMap(region: string): Map<string, EmulatedTemplate> {
    let map = this.templateState.get(region);
    if (!map) {
      map = new Map();
      this.templateState.set(region, map);
    }
    return map;
  }

  private mustFindTemplate(region: string, name: string): EmulatedTemplate {
    const t = this.template(region, name);
    if (!t) throw new ApiError('NotFoundException', `Template ${name} does not exist`);
    return t;
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
  if (o.quota !== undefined) {
    const { ratePerSecond, burst } = o.quota;
    if (!(typeof ratePerSecond === 'number' && ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
      throw new Error(`quota.ratePerSecond must be a positive number, got ${ratePerSecond}`);
    }
    if (!(typeof burst === 'number' && burst >= 1 && Number.isFinite(burst))) {
      throw new Error(`quota.burst must be a number of at least 1, got ${burst}`);
    }
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

function dkimAttributes(i: EmulatedIdentity): object {
  return {
    SigningEnabled: i.identityType === 'DOMAIN',
    Status: i.identityType === 'DOMAIN' ? i.dkimStatus : 'NOT_STARTED',
    Tokens: i.dkimTokens,
    SigningAttributesOrigin: i.dkimOrigin,
  };
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

// Which endpoint or identity a call is about, for `calls` and `failNext` filters.
function bodyName(ctx: RequestContext): CallTarget {
  return { endpointName: typeof ctx.body?.EndpointName === 'string' ? ctx.body.EndpointName : undefined };
}

function pathName(ctx: RequestContext): CallTarget {
  return { endpointName: ctx.pathName };
}

function bodyIdentityName(ctx: RequestContext): CallTarget {
  return { identityName: typeof ctx.body?.EmailIdentity === 'string' ? ctx.body.EmailIdentity : undefined };
}

function pathIdentityName(ctx: RequestContext): CallTarget {
  return { identityName: ctx.pathName };
}

function bodyArnName(ctx: RequestContext): CallTarget {
  return arnTarget(ctx.body?.ResourceArn);
}

function queryArnName(ctx: RequestContext): CallTarget {
  return arnTarget(ctx.query.get('ResourceArn'));
}

function arnTarget(arn: unknown): CallTarget {
  const match = typeof arn === 'string' ? RESOURCE_ARN.exec(arn) : null;
  return match ? { [ARN_TARGETS[match[4]]]: match[5] } : {};
}

function bodyConfigurationSetName(ctx: RequestContext): CallTarget {
  return { configurationSetName: typeof ctx.body?.ConfigurationSetName === 'string' ? ctx.body.ConfigurationSetName : undefined };
}

function pathConfigurationSetName(ctx: RequestContext): CallTarget {
  return { configurationSetName: ctx.pathName };
}

function bodyTemplateName(ctx: RequestContext): CallTarget {
  return { templateName: typeof ctx.body?.TemplateName === 'string' ? ctx.body.TemplateName : undefined };
}

function pathTemplateName(ctx: RequestContext): CallTarget {
  return { templateName: ctx.pathName };
}

/** The target fields of `failNext` / `stallNext` options that are set. */
function targetOf(opts: CallTarget): CallTarget {
  return definedOnly({
    endpointName: opts.endpointName,
    identityName: opts.identityName,
    configurationSetName: opts.configurationSetName,
    templateName: opts.templateName,
  });
}

/** Whether a call about `target` matches a filter (each field the filter sets must be equal). */
function matchesTarget(filter: CallTarget, target: CallTarget): boolean {
  return TARGET_KEYS.every(key => filter[key] === undefined || filter[key] === target[key]);
}

/** The fields of `target` that are set (so `calls` entries carry no undefined keys). */
function definedOnly(target: CallTarget): CallTarget {
  return Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined));
}

function deedOriginOf(region: string): string {
  return `${DEED_PREFIX}${region.toUpperCase().replace(/-/g, '_')}`;
}

/** `AWS_SES_US_EAST_1` -> `us-east-1`; undefined for `AWS_SES`, `EXTERNAL` and anything else. */
function regionOfDeedOrigin(origin: string): string | undefined {
  if (!origin.startsWith(DEED_PREFIX)) return undefined;
  return origin.slice(DEED_PREFIX.length).toLowerCase().replace(/_/g, '-');
}

/** Three Easy DKIM tokens, 32 lower-case letters and digits each, as SES makes them. */
function newDkimTokens(): string[] {
  return [randomAlnum(32), randomAlnum(32), randomAlnum(32)];
}

function validateIdentityName(name: unknown): string {
  if (typeof name !== 'string' || !(DOMAIN_IDENTITY.test(name) || EMAIL_IDENTITY.test(name))) {
    throw new ApiError('BadRequestException', `Invalid EmailIdentity: ${JSON.stringify(name)} (a domain or an email address)`);
  }
  return name;
}

/** The access key id of the SigV4 credential scope ('' when the request was not signed). */
function signingAccessKey(authorization: string | undefined): string {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? '';
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

function parsePageSize(raw: string | null, max = MAX_PAGE_SIZE): number {
  if (raw === null) return Math.min(DEFAULT_PAGE_SIZE, max);
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw new ApiError('BadRequestException', `PageSize must be between 1 and ${max}, got ${raw}`);
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

// ---- configuration sets, event destinations and templates ----

/** A configuration set as CreateConfigurationSet makes it without options. */
function newConfigurationSet(region: string, name: string): EmulatedConfigurationSet {
  return {
    region,
    configurationSetName: name,
    deliveryOptions: { TlsPolicy: 'OPTIONAL' },
    reputationOptions: { ReputationMetricsEnabled: false },
    sendingOptions: { SendingEnabled: true },
    tags: {},
    eventDestinations: [],
  };
}

/** Names of configuration sets, event destinations and templates: 1-64 letters, digits, _ and -. */
function validateResourceName(name: unknown, field: string): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 64 || !NAME_PATTERN.test(name)) {
    throw new ApiError('BadRequestException', `Invalid ${field}: ${JSON.stringify(name)} (1-64 characters, letters, digits, _ and -)`);
  }
  return name;
}

function objectArg(value: unknown, field: string): Record<string, any> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('BadRequestException', `${field} must be an object`);
  }
  return value as Record<string, any>;
}

/** A string member (undefined when absent; an empty string is refused). */
function stringArg(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ApiError('BadRequestException', `${field} must be a non-empty string`);
  return value;
}

function booleanArg(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ApiError('BadRequestException', `${field} must be a boolean`);
  return value;
}

/** A member of one of the model's enums (undefined when absent). */
function enumArg(value: unknown, allowed: readonly string[], field: string): any {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ApiError('BadRequestException', `Invalid ${field}: ${JSON.stringify(value)} (one of ${allowed.join(', ')})`);
  }
  return value;
}

/** An ARN of `service` (any partition, region and account). */
function arnArg(value: unknown, service: string, field: string): string {
  if (typeof value !== 'string' || !new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:.+$`).test(value)) {
    throw new ApiError('BadRequestException', `Invalid ${field}: ${JSON.stringify(value)} (an ${service} ARN)`);
  }
  return value;
}

/** `o` without its undefined members, so stored options compare cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** TrackingOptions: CustomRedirectDomain is required in it. */
function trackingOptions(value: unknown, field: string): TrackingOptions {
  const o = objectArg(value, field);
  const domain = o.CustomRedirectDomain;
  if (typeof domain !== 'string' || !DOMAIN_IDENTITY.test(domain)) {
    throw new ApiError('BadRequestException', `Invalid CustomRedirectDomain: ${JSON.stringify(domain)} (a domain)`);
  }
  return compact({ CustomRedirectDomain: domain, HttpsPolicy: enumArg(o.HttpsPolicy, HTTPS_POLICIES, 'HttpsPolicy') });
}

/** TlsPolicy defaults to OPTIONAL; SharedPoolDeliveryMode, when not given, stays what it was. */
function deliveryOptions(o: Record<string, any>, previous: DeliveryOptions | undefined): DeliveryOptions {
  const seconds = o.MaxDeliverySeconds;
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= MIN_DELIVERY_SECONDS && seconds <= MAX_DELIVERY_SECONDS)) {
    throw new ApiError('BadRequestException', `MaxDeliverySeconds must be between ${MIN_DELIVERY_SECONDS} and ${MAX_DELIVERY_SECONDS}, got ${JSON.stringify(seconds)}`);
  }
  return compact({
    TlsPolicy: enumArg(o.TlsPolicy, TLS_POLICIES, 'TlsPolicy') ?? 'OPTIONAL',
    SendingPoolName: stringArg(o.SendingPoolName, 'SendingPoolName'),
    MaxDeliverySeconds: seconds,
    SharedPoolDeliveryMode: enumArg(o.SharedPoolDeliveryMode, SHARED_POOL_DELIVERY_MODES, 'SharedPoolDeliveryMode')
      ?? previous?.SharedPoolDeliveryMode,
  });
}

/** ReputationMetricsEnabled (absent: false) and LastFreshStart (epoch seconds on the wire). */
function reputationOptions(o: Record<string, any>): ReputationOptions {
  const fresh = o.LastFreshStart;
  if (fresh !== undefined && !(typeof fresh === 'number' && Number.isFinite(fresh))) {
    throw new ApiError('BadRequestException', 'LastFreshStart must be a timestamp');
  }
  return compact({
    ReputationMetricsEnabled: booleanArg(o.ReputationMetricsEnabled, 'ReputationMetricsEnabled') ?? false,
    LastFreshStart: fresh === undefined ? undefined : new Date(fresh * 1000),
  });
}

/** SendingEnabled (absent: false, as a boolean left out of the request is). */
function sendingOptions(o: Record<string, any>): SendingOptions {
  return { SendingEnabled: booleanArg(o.SendingEnabled, 'SendingEnabled') ?? false };
}

function suppressionOptions(o: Record<string, any>): SuppressionOptions {
  const reasons = o.SuppressedReasons;
  if (reasons !== undefined && !Array.isArray(reasons)) throw new ApiError('BadRequestException', 'SuppressedReasons must be a list');
  let validation: SuppressionOptions['ValidationOptions'];
  if (o.ValidationOptions !== undefined) {
    const threshold = objectArg(objectArg(o.ValidationOptions, 'ValidationOptions').ConditionThreshold, 'ValidationOptions.ConditionThreshold');
    const enabled = enumArg(threshold.ConditionThresholdEnabled, FEATURE_STATUSES, 'ConditionThresholdEnabled');
    if (enabled === undefined) throw new ApiError('BadRequestException', 'ConditionThreshold.ConditionThresholdEnabled is required');
    let overall;
    if (threshold.OverallConfidenceThreshold !== undefined) {
      const verdict = objectArg(threshold.OverallConfidenceThreshold, 'OverallConfidenceThreshold').ConfidenceVerdictThreshold;
      if (verdict === undefined) throw new ApiError('BadRequestException', 'OverallConfidenceThreshold.ConfidenceVerdictThreshold is required');
      overall = { ConfidenceVerdictThreshold: enumArg(verdict, CONFIDENCE_VERDICT_THRESHOLDS, 'ConfidenceVerdictThreshold') };
    }
    validation = { ConditionThreshold: compact({ ConditionThresholdEnabled: enabled, OverallConfidenceThreshold: overall }) };
  }
  return compact({
    SuppressedReasons: reasons?.map((r: unknown) => enumArg(r, SUPPRESSION_REASONS, 'SuppressedReasons')),
    SuppressionScope: enumArg(o.SuppressionScope, SUPPRESSION_SCOPES, 'SuppressionScope'),
    ValidationOptions: validation,
  });
}

function vdmOptions(value: unknown): VdmOptions {
  const o = objectArg(value, 'VdmOptions');
  const dashboard = o.DashboardOptions === undefined ? undefined : objectArg(o.DashboardOptions, 'DashboardOptions');
  const guardian = o.GuardianOptions === undefined ? undefined : objectArg(o.GuardianOptions, 'GuardianOptions');
  return compact({
    DashboardOptions: dashboard && compact({ EngagementMetrics: enumArg(dashboard.EngagementMetrics, FEATURE_STATUSES, 'EngagementMetrics') }),
    GuardianOptions: guardian && compact({
      OptimizedSharedDelivery: enumArg(guardian.OptimizedSharedDelivery, FEATURE_STATUSES, 'OptimizedSharedDelivery'),
    }),
  });
}

/** No ArchiveArn: no archiving. An archive is regional: it must be in the configuration set's region. */
function archivingOptions(arn: unknown, region: string): ArchivingOptions | undefined {
  if (arn === undefined) return undefined;
  const match = typeof arn === 'string' ? ARCHIVE_ARN.exec(arn) : null;
  if (!match) throw new ApiError('BadRequestException', `Invalid ArchiveArn: ${JSON.stringify(arn)} (a Mail Manager archive ARN)`);
  if (match[2] !== region) {
    throw new ApiError('BadRequestException', `Archive ${arn} is not in ${region}: create an archive in ${region}`);
  }
  return { ArchiveArn: arn as string };
}

/**
 * An event destination definition: MatchingEventTypes not empty, and exactly one destination kind.
 * Enabled, when absent, is false.
 */
function eventDestination(name: string, definition: unknown): EventDestination {
  const d = objectArg(definition, 'EventDestination');
  const types = d.MatchingEventTypes;
  if (!Array.isArray(types) || types.length === 0) {
    throw new ApiError('BadRequestException', 'EventDestination.MatchingEventTypes must list at least one event type');
  }
  const kinds = DESTINATION_KINDS.filter(k => d[k] !== undefined && d[k] !== null);
  if (kinds.length !== 1) {
    throw new ApiError('BadRequestException',
      `EventDestination needs exactly one of ${DESTINATION_KINDS.join(', ')}; got ${kinds.length === 0 ? 'none' : kinds.join(', ')}`);
  }
  const kind = kinds[0];
  return {
    Name: name,
    Enabled: booleanArg(d.Enabled, 'Enabled') ?? false,
    MatchingEventTypes: types.map(t => enumArg(t, EVENT_TYPES, 'MatchingEventTypes')),
    [kind]: destinationOf(kind, objectArg(d[kind], kind)),
  };
}

function destinationOf(kind: typeof DESTINATION_KINDS[number], o: Record<string, any>): object {
  switch (kind) {
    case 'CloudWatchDestination': {
      const dimensions = o.DimensionConfigurations;
      if (!Array.isArray(dimensions) || dimensions.length === 0) {
        throw new ApiError('BadRequestException', 'CloudWatchDestination.DimensionConfigurations must not be empty');
      }
      return {
        DimensionConfigurations: dimensions.map(dim => {
          const c = objectArg(dim, 'DimensionConfigurations[]');
          const source = enumArg(c.DimensionValueSource, DIMENSION_VALUE_SOURCES, 'DimensionValueSource');
          const dimensionName = stringArg(c.DimensionName, 'DimensionName');
          const defaultValue = stringArg(c.DefaultDimensionValue, 'DefaultDimensionValue');
          if (source === undefined || dimensionName === undefined || defaultValue === undefined) {
            throw new ApiError('BadRequestException', 'A dimension needs DimensionName, DimensionValueSource and DefaultDimensionValue');
          }
          return { DimensionName: dimensionName, DimensionValueSource: source, DefaultDimensionValue: defaultValue };
        }),
      };
    }
    case 'KinesisFirehoseDestination':
      return {
        IamRoleArn: arnArg(o.IamRoleArn, 'iam', 'IamRoleArn'),
        DeliveryStreamArn: arnArg(o.DeliveryStreamArn, 'firehose', 'DeliveryStreamArn'),
      };
    case 'SnsDestination':
      return { TopicArn: arnArg(o.TopicArn, 'sns', 'TopicArn') };
    case 'EventBridgeDestination': {
      // "Only the default bus is supported" (the model's documentation of EventBusArn).
      const bus = arnArg(o.EventBusArn, 'events', 'EventBusArn');
      if (!bus.endsWith(':event-bus/default')) throw new ApiError('BadRequestException', `Only the default event bus is supported, got ${bus}`);
      return { EventBusArn: bus };
    }
    default:
      return compact({ ApplicationArn: o.ApplicationArn === undefined ? undefined : arnArg(o.ApplicationArn, 'mobiletargeting', 'ApplicationArn') });
  }
}

/** The index of a set's event destination, or NotFoundException. */
function mustFindEventDestination(set: EmulatedConfigurationSet, name: string): number {
  const index = set.eventDestinations.findIndex(d => d.Name === name);
  if (index < 0) {
    throw new ApiError('NotFoundException', `Event destination ${name} does not exist in configuration set ${set.configurationSetName}`);
  }
  return index;
}

/** TemplateContent: a Subject, and a Text or an Html part (or both). */
function templateContent(value: unknown): EmailTemplateContent {
  const o = objectArg(value, 'TemplateContent');
  const subject = stringArg(o.Subject, 'TemplateContent.Subject');
  const text = stringArg(o.Text, 'TemplateContent.Text');
  const html = stringArg(o.Html, 'TemplateContent.Html');
  if (subject === undefined) throw new ApiError('BadRequestException', 'TemplateContent.Subject is required');
  if (text === undefined && html === undefined) throw new ApiError('BadRequestException', 'TemplateContent needs a Text or an Html part');
  return compact({ Subject: subject, Text: text, Html: html });
}
