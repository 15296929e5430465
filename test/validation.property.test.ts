/**
 * Property-based tests: the construct (at synth) and the custom-resource handler (at
 * deploy) must accept and reject exactly the same endpoint properties, and every
 * rejection must name the offending property on both sides.
 *
 * The generators label every value valid or invalid by construction (from the SES and
 * Provider-framework rules, not from lib/private/rules.ts), so the tests also check
 * both sides against that independent expectation.
 */
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { parseProperties } from '../lambda/multi-region-endpoint/handler';
import { MultiRegionEndpoint } from '../lib';
import { generatedEndpointName, generatedNamePrefix } from '../lib/private/rules';

const PRIMARY_REGION = 'us-east-1';
const STACK_NAME = 'S';
const ENDPOINT_ID = 'E';
const OWNER_TAG_KEY = 'cdk-ses-multi-region-endpoint:owner';
const SEED = 20250611;
const AGREEMENT_RUNS = 300;
const GENERATED_NAME_RUNS = 1000;
const GENERATED_NAME_CONSTRUCT_RUNS = 25;

/** The four props, in the order the construct validates them (it throws on the first invalid one). */
const PROPS = [
  { category: 'region', synth: 'secondaryRegion', handler: 'secondaryRegion' },
  { category: 'name', synth: 'endpointName', handler: 'EndpointName' },
  { category: 'tags', synth: 'tags', handler: 'Tags' },
  { category: 'timeout', synth: 'timeout', handler: 'TimeoutSeconds' },
] as const;
type Category = (typeof PROPS)[number]['category'];

/** A generated value and whether the SES / Provider-framework rules allow it. */
interface Labelled<T> {
  readonly value: T;
  readonly valid: boolean;
}

function labelled<T>(arb: fc.Arbitrary<T>, valid: boolean | ((value: T) => boolean)): fc.Arbitrary<Labelled<T>> {
  return arb.map((value) => ({ value, valid: typeof valid === 'boolean' ? valid : valid(value) }));
}

/** A string of exactly `length` units drawn from `unit`. */
function stringOf(unit: fc.Arbitrary<string>, length: fc.Arbitrary<number>): fc.Arbitrary<string> {
  return length.chain((n) => fc.string({ unit, minLength: n, maxLength: n }));
}

/** `text` with `char` inserted at a generated position, often first or last. */
function withInserted(text: fc.Arbitrary<string>, char: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const position = fc.oneof(fc.constant('first' as const), fc.constant('last' as const), fc.nat());
  return fc.tuple(text, char, position).map(([t, c, at]) => {
    const i = at === 'first' ? 0 : at === 'last' ? t.length : at % (t.length + 1);
    return t.slice(0, i) + c + t.slice(i);
  });
}

// ---------------------------------------------------------------------------------------
// Endpoint names: 1-64 characters of [A-Za-z0-9_-]; undefined means "generated".
// ---------------------------------------------------------------------------------------

const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const nameChar = fc.constantFrom(...NAME_CHARS);
const notNameChar = fc.constantFrom(' ', '.', 'é', 'ß', '名', '😀', '!', '@', ':', '/', '+', '=', '\n', '\t', '\u00a0', '٣', '$', '*', '~', '\u0000');

const validName = stringOf(nameChar, fc.oneof(fc.constantFrom(1, 2, 63, 64), fc.integer({ min: 1, max: 64 })));
const invalidName = fc.oneof(
  fc.constant(''),
  stringOf(nameChar, fc.integer({ min: 65, max: 90 })),
  withInserted(stringOf(nameChar, fc.integer({ min: 0, max: 63 })), notNameChar),
);
const endpointNameArb: fc.Arbitrary<Labelled<string | undefined>> = fc.oneof(
  { weight: 8, arbitrary: labelled<string | undefined>(validName, true) },
  { weight: 2, arbitrary: labelled<string | undefined>(invalidName, false) },
  { weight: 1, arbitrary: labelled<string | undefined>(fc.constant(undefined), true) },
);

// ---------------------------------------------------------------------------------------
// Regions: [a-z]{2,4}(-[a-z]+)+-\d{1,2}, at most 25 characters, not the stack's region.
// ---------------------------------------------------------------------------------------

const lower = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz');
const generatedRegionShape = fc
  .tuple(
    stringOf(lower, fc.integer({ min: 2, max: 4 })),
    fc.array(stringOf(lower, fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 3 }),
    fc.oneof(fc.integer({ min: 0, max: 99 }).map(String), fc.integer({ min: 0, max: 9 }).map((d) => `0${d}`)),
  )
  .map(([head, segments, number]) => [head, ...segments, number].join('-'));
const validRegion = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('us-west-2', 'us-gov-east-1', 'eusc-de-east-1', 'eu-central-1', 'ap-southeast-5', 'cn-north-1',
      'us-isob-east-1', 'il-central-1', 'mx-central-1', 'us-east-2'),
  },
  { weight: 1, arbitrary: fc.constant(`xx-${'a'.repeat(20)}-1`) }, // exactly 25 characters
  { weight: 4, arbitrary: generatedRegionShape.filter((r) => r.length <= 25) },
).filter((r) => r !== PRIMARY_REGION);
const invalidRegion = fc.oneof(
  fc.constantFrom('', 'US-WEST-2', 'us-West-2', 'us-west', 'us-west-2 ', ' us-west-2', 'us-west-2\n', 'us-west-123', 'uswest2',
    'us_west_2', 'u-west-2', 'abcde-west-2', 'us-west-2a', 'us-2', 'us--west-2', 'us-wést-2', `xx-${'a'.repeat(21)}-1`),
  validRegion.map((r) => r.toUpperCase()),
  validRegion.map((r) => r.replace(/-\d+$/, '')),
  validRegion.map((r) => `${r} `),
  fc.integer({ min: 21, max: 40 }).map((n) => `xx-${'a'.repeat(n)}-1`), // 26+ characters
);
const regionArb: fc.Arbitrary<Labelled<string>> = fc.oneof(
  { weight: 12, arbitrary: labelled(validRegion, true) },
  { weight: 2, arbitrary: labelled(invalidRegion, false) },
  { weight: 1, arbitrary: labelled(fc.constant(PRIMARY_REGION), false) },
);

// ---------------------------------------------------------------------------------------
// Tags: at most 49 (one of SES's 50 is the library's ownership tag); keys 1-128 and values
// 0-256 characters of Unicode letters, digits, white space and _ . : / = + -; keys not
// starting with aws: (any case) and not the library's ownership key.
// ---------------------------------------------------------------------------------------

/** Allowed characters of one UTF-16 code unit each (so lengths are exact). */
const tagChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NAME_CHARS.replace('_', '')) },
  { weight: 2, arbitrary: fc.constantFrom('_', '.', ':', '/', '=', '+', '-', ' ') },
  { weight: 2, arbitrary: fc.constantFrom('é', 'ß', 'Ж', '名', 'ا', 'ñ', '٣', '²', '\t', '\n', '\u00a0', '\u3000') },
);
/** Allowed, but two UTF-16 code units: the rules count code units. */
const astralLetter = fc.constantFrom('𝐀', '𝒜', '𠀀');
const notTagChar = fc.constantFrom('!', '@', '#', '$', '%', '&', '*', '(', ')', '?', ',', ';', '<', '>', '"', "'", '\\', '|', '~',
  '`', '^', '[', ']', '{', '}', '😀', '€', '\u0000', '\u200b', '\u0301');

function tagKeyIsValid(key: string): boolean {
  return key.length >= 1 && key.length <= 128 && !key.toLowerCase().startsWith('aws:') && key !== OWNER_TAG_KEY;
}

const allowedKey = fc.oneof(
  {
    weight: 8,
    arbitrary: stringOf(tagChar, fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(1, 127, 128), fc.integer({ min: 1, max: 128 }))),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(tagChar, astralLetter), minLength: 1, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'cdk-ses-multi-region-endpoint:Owner', 'aws', 'awsx:y', ' aws:x', 'a', '0') },
);
const validKey = allowedKey.filter(tagKeyIsValid);
const invalidKey = fc.oneof(
  fc.constant(''),
  fc.constant(OWNER_TAG_KEY),
  stringOf(tagChar, fc.constantFrom(129, 130)),
  withInserted(stringOf(tagChar, fc.integer({ min: 0, max: 40 })), notTagChar),
  fc.tuple(fc.constantFrom('aws:', 'AWS:', 'Aws:', 'aWs:'), stringOf(tagChar, fc.integer({ min: 0, max: 30 }))).map(([p, k]) => p + k),
);

const allowedValue = fc.oneof(
  {
    weight: 8,
    arbitrary: stringOf(tagChar, fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(0, 255, 256), fc.integer({ min: 0, max: 256 }))),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(tagChar, astralLetter), maxLength: 150 }) },
);
const validValue = allowedValue.filter((v) => v.length <= 256);
const invalidValue = fc.oneof(
  stringOf(tagChar, fc.integer({ min: 257, max: 260 })),
  withInserted(stringOf(tagChar, fc.integer({ min: 0, max: 40 })), notTagChar),
);

interface TagEntry {
  readonly key: string;
  readonly value: string;
  readonly valid: boolean;
}
const validEntry: fc.Arbitrary<TagEntry> = fc.tuple(validKey, validValue).map(([key, value]) => ({ key, value, valid: true }));
const invalidEntry: fc.Arbitrary<TagEntry> = fc.oneof(
  fc.tuple(invalidKey, fc.oneof(validValue, invalidValue)),
  fc.tuple(validKey, invalidValue),
).map(([key, value]) => ({ key, value, valid: false }));

function uniqueEntries(entries: fc.Arbitrary<TagEntry>, count: fc.Arbitrary<number>): fc.Arbitrary<TagEntry[]> {
  return count.chain((n) => fc.uniqueArray(entries, { minLength: n, maxLength: n, selector: (e) => e.key }));
}

/** Tags as the construct takes them (an object, so keys are unique) and whether SES allows them. */
const tagsArb: fc.Arbitrary<Labelled<Record<string, string> | undefined>> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<TagEntry[] | undefined>(undefined) },
  {
    weight: 8,
    arbitrary: uniqueEntries(validEntry, fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
      { weight: 1, arbitrary: fc.constantFrom(48, 49, 50, 51, 55) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 55 }) },
    )),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(uniqueEntries(validEntry, fc.integer({ min: 0, max: 6 })), uniqueEntries(invalidEntry, fc.integer({ min: 1, max: 3 })))
      .chain(([valid, invalid]) => fc.shuffledSubarray([...valid, ...invalid], { minLength: valid.length + invalid.length })),
  },
).map((entries) => {
  if (entries === undefined) return { value: undefined, valid: true };
  const tags: Record<string, string> = {};
  const kept: TagEntry[] = [];
  for (const entry of entries) {
    if (Object.prototype.hasOwnProperty.call(tags, entry.key)) continue; // an object holds a key once
    Object.defineProperty(tags, entry.key, { value: entry.value, enumerable: true, writable: true, configurable: true });
    kept.push(entry);
  }
  return { value: tags, valid: kept.length <= 49 && kept.every((e) => e.valid) };
});

// ---------------------------------------------------------------------------------------
// Timeouts: whole seconds between 5 and 3300 (55 minutes). Generated as whole milliseconds, the finest
// a Duration renders (see the sub-millisecond test at the end).
// ---------------------------------------------------------------------------------------

const timeoutMillisArb: fc.Arbitrary<Labelled<number | undefined>> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.integer({ min: 5, max: 3300 }).map((s) => s * 1000) },
  {
    weight: 3,
    arbitrary: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 1800, 3299, 3300, 3301, 3600, 3601, 86400), fc.integer({ min: 0, max: 4000 }))
      .map((s) => s * 1000),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom(1, 999, 4999, 5001, 5500, 3299999, 3300001, 3300500, 3600000), fc.integer({ min: 0, max: 3_700_000 })),
  },
).map((ms) => ({ value: ms, valid: ms === undefined || (ms % 1000 === 0 && ms >= 5000 && ms <= 3_300_000) }));

// ---------------------------------------------------------------------------------------
// The two sides.
// ---------------------------------------------------------------------------------------

interface Case {
  readonly region: Labelled<string>;
  readonly name: Labelled<string | undefined>;
  readonly tags: Labelled<Record<string, string> | undefined>;
  readonly timeoutMillis: Labelled<number | undefined>;
}

const caseArb: fc.Arbitrary<Case> = fc.record({ region: regionArb, name: endpointNameArb, tags: tagsArb, timeoutMillis: timeoutMillisArb });

type SynthOutcome = { accepted: true; properties: Record<string, any> } | { accepted: false; message: string };
type HandlerOutcome = { accepted: true; parsed: ReturnType<typeof parseProperties> } | { accepted: false; message: string };

function synthesize(c: Case): SynthOutcome {
  const app = new App();
  const stack = new Stack(app, STACK_NAME, { env: { region: PRIMARY_REGION, account: '123456789012' } });
  let endpoint: MultiRegionEndpoint;
  try {
    endpoint = new MultiRegionEndpoint(stack, ENDPOINT_ID, {
      secondaryRegion: c.region.value,
      endpointName: c.name.value,
      tags: c.tags.value,
      timeout: c.timeoutMillis.value === undefined ? undefined : Duration.millis(c.timeoutMillis.value),
    });
  } catch (error) {
    return { accepted: false, message: (error as Error).message };
  }
  // The resource as it appears in the template, without a full (slow) app.synth().
  const cfn = endpoint.node.findChild('Resource').node.defaultChild as CfnResource;
  const rendered = stack.resolve((cfn as unknown as { _toCloudFormation(): object })._toCloudFormation());
  const resources = Object.values(rendered.Resources) as Array<{ Type: string; Properties: Record<string, any> }>;
  expect(resources).toHaveLength(1);
  expect(resources[0].Type).toBe('Custom::SESMultiRegionEndpoint');
  return { accepted: true, properties: resources[0].Properties };
}

/** CloudFormation hands a custom resource every scalar as a string. */
function asDelivered(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(asDelivered);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asDelivered(v)]));
  }
  return value;
}

function expectedEndpointName(c: Case): string {
  return c.name.value ?? generatedEndpointName(generatedNamePrefix(STACK_NAME, `${STACK_NAME}/${ENDPOINT_ID}`), c.region.value);
}

function expectedTimeoutSeconds(c: Case): number {
  return c.timeoutMillis.value === undefined ? 1800 : c.timeoutMillis.value / 1000;
}

/** The properties the handler would receive for this case, had synth let it through. */
function handlerInput(c: Case, synth: SynthOutcome): Record<string, unknown> {
  if (synth.accepted) {
    return asDelivered({ ...synth.properties, ServiceToken: 'x' }) as Record<string, unknown>;
  }
  return asDelivered({
    ServiceToken: 'x',
    EndpointName: expectedEndpointName(c),
    Details: { RouteDetails: [{ Region: c.region.value }] },
    Tags: Object.entries(c.tags.value ?? {}).map(([Key, Value]) => ({ Key, Value })),
    TimeoutSeconds: expectedTimeoutSeconds(c),
  }) as Record<string, unknown>;
}

function handle(raw: Record<string, unknown>): HandlerOutcome {
  try {
    return { accepted: true, parsed: parseProperties(raw, PRIMARY_REGION) };
  } catch (error) {
    return { accepted: false, message: (error as Error).message };
  }
}

function invalidCategories(c: Case): Set<Category> {
  const invalid = new Set<Category>();
  if (!c.region.valid) invalid.add('region');
  if (!c.name.valid) invalid.add('name');
  if (!c.tags.valid) invalid.add('tags');
  if (!c.timeoutMillis.valid) invalid.add('timeout');
  return invalid;
}

// ---------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------

const stats = {
  cases: 0,
  acceptedBoth: 0,
  rejectedBoth: 0,
  rejectedFor: { region: 0, name: 0, tags: 0, timeout: 0 } as Record<Category, number>,
  generatedNames: 0,
  generatedNamesThroughConstruct: 0,
  generatedNamesOnlyHashDiffers: 0,
};

afterAll(() => {
  const r = stats.rejectedFor;
  console.log(`property-based validation: ${stats.cases} cases, ${stats.rejectedBoth} rejected on both sides `
    + `(first invalid prop: region ${r.region}, name ${r.name}, tags ${r.tags}, timeout ${r.timeout}), `
    + `${stats.acceptedBoth} accepted on both sides; generated names: ${stats.generatedNames} cases `
    + `(${stats.generatedNamesOnlyHashDiffers} distinct pairs told apart by the hash alone, `
    + `+${stats.generatedNamesThroughConstruct} through the construct); seed ${SEED}`);
});

describe('synth-time and handler-time validation agree', () => {
  test('on every generated case, and both name the offending prop', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const synth = synthesize(c);
        const handler = handle(handlerInput(c, synth));
        const invalid = invalidCategories(c);
        stats.cases++;

        // Both sides decide alike...
        expect(handler.accepted).toBe(synth.accepted);
        // ...and as the SES / Provider-framework rules say.
        expect(synth.accepted).toBe(invalid.size === 0);

        if (synth.accepted && handler.accepted) {
          stats.acceptedBoth++;
          // The template holds exactly what was asked for...
          expect(synth.properties.EndpointName).toBe(expectedEndpointName(c));
          expect(synth.properties.Details).toEqual({ RouteDetails: [{ Region: c.region.value }] });
          expect(synth.properties.TimeoutSeconds).toBe(expectedTimeoutSeconds(c));
          const renderedTags = synth.properties.Tags as Array<{ Key: string; Value: string }>;
          expect(renderedTags.map((t) => [t.Key, t.Value])).toEqual(
            expect.arrayContaining(Object.entries(c.tags.value ?? {})));
          expect(renderedTags).toHaveLength(Object.keys(c.tags.value ?? {}).length);
          // ...and the handler reads it back unchanged.
          expect(handler.parsed).toEqual({
            endpointName: expectedEndpointName(c),
            secondaryRegion: c.region.value,
            tags: renderedTags,
            timeoutSeconds: expectedTimeoutSeconds(c),
            productionLimitsCheck: 'PARITY', // the construct's default, passed on explicitly
          });
          return;
        }
        if (synth.accepted || handler.accepted) return; // unreachable: the first expect failed
        stats.rejectedBoth++;

        // Synth throws on the first invalid prop, in its validation order, naming it first.
        const synthProp = PROPS.find((p) => synth.message.startsWith(`\`${p.synth}\``));
        expect({ message: synth.message, namesAProp: synthProp !== undefined, hasGot: synth.message.includes('got:') })
          .toEqual({ message: synth.message, namesAProp: true, hasGot: true });
        stats.rejectedFor[synthProp!.category]++;
        expect(synthProp!.category).toBe(PROPS.find((p) => invalid.has(p.category))!.category);

        // The handler lists every problem: the same props, under their CloudFormation names.
        expect(handler.message.startsWith('Invalid properties for the SES multi-region endpoint: `')).toBe(true);
        expect(handler.message).toContain('got');
        const handlerNamed = new Set(PROPS.filter((p) => handler.message.includes(`\`${p.handler}\``)).map((p) => p.category));
        expect(handlerNamed.has(synthProp!.category)).toBe(true);
        const expectedNamed = new Set(invalid);
        // A generated name ends with the region: an invalid region may make it invalid too.
        if (c.name.value === undefined && handlerNamed.has('name') && !c.region.valid) expectedNamed.add('name');
        expect([...handlerNamed].sort()).toEqual([...expectedNamed].sort());
        // The first prop the handler names (in the construct's order) is the one synth reported.
        expect(PROPS.find((p) => handlerNamed.has(p.category))!.category).toBe(synthProp!.category);
      }),
      { numRuns: AGREEMENT_RUNS, seed: SEED },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------
// Generated names.
// ---------------------------------------------------------------------------------------

const stackNameArb = fc.tuple(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-'), maxLength: 127 }),
).map(([first, rest]) => first + rest);
const constructIdArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 60 });
const constructIdsArb = fc.array(constructIdArb, { minLength: 1, maxLength: 10 });

interface Owner {
  readonly stackName: string;
  readonly path: string;
}

/** Two (stack, path) pairs, often related: the same, same stack, same path, or paths sharing a long readable tail. */
const ownerPairArb: fc.Arbitrary<[Owner, Owner]> = fc
  .tuple(stackNameArb, constructIdsArb, stackNameArb, constructIdsArb, constructIdArb, constructIdArb, fc.nat(5))
  .map(([stack1, ids1, stack2, ids2, head1, head2, kind]): [Owner, Owner] => {
    const a: Owner = { stackName: stack1, path: ids1.join('/') };
    switch (kind) {
      case 0: return [a, { ...a }];
      case 1: return [a, { stackName: stack2, path: ids2.join('/') }];
      case 2: return [a, { stackName: stack2, path: a.path }];
      case 3: return [a, { stackName: stack1, path: ids2.join('/') }];
      case 4: return [a, { stackName: stack1, path: [head2, ...ids1].join('/') }];
      default: {
        // Different heads, the same long tail: only the hash can tell them apart.
        const tail = [...ids1, 'x'.repeat(60)];
        return [{ stackName: stack1, path: [head1, ...tail].join('/') }, { stackName: stack1, path: [head2, ...tail].join('/') }];
      }
    }
  });

function nameFor(owner: Owner, region: string): string {
  return generatedEndpointName(generatedNamePrefix(owner.stackName, owner.path), region);
}

describe('generated endpoint names', () => {
  test('are valid for the handler, deterministic, and differ for different stacks and paths', () => {
    const seen = new Map<string, string>(); // prefix -> owner, across all runs
    fc.assert(
      fc.property(ownerPairArb, validRegion, ([a, b], region) => {
        stats.generatedNames++;
        const name = nameFor(a, region);
        expect(name).toMatch(/^[\w-]{1,64}$/);
        expect(nameFor({ ...a }, region)).toBe(name);
        const parsed = parseProperties({
          ServiceToken: 'x',
          EndpointName: name,
          Details: { RouteDetails: [{ Region: region }] },
          Tags: [],
          TimeoutSeconds: '1800',
        }, PRIMARY_REGION);
        expect(parsed.endpointName).toBe(name);

        const same = a.stackName === b.stackName && a.path === b.path;
        expect(nameFor(b, region) === name).toBe(same);
        const readable = (owner: Owner) => generatedNamePrefix(owner.stackName, owner.path).slice(0, -8);
        if (!same && readable(a) === readable(b)) stats.generatedNamesOnlyHashDiffers++;
        for (const owner of [a, b]) {
          const key = JSON.stringify([owner.stackName, owner.path]);
          const prefix = generatedNamePrefix(owner.stackName, owner.path);
          expect(seen.get(prefix) ?? key).toBe(key);
          seen.set(prefix, key);
        }
      }),
      { numRuns: GENERATED_NAME_RUNS, seed: SEED },
    );
  });

  test('are what the construct renders for its stack name and path', () => {
    fc.assert(
      fc.property(stackNameArb, constructIdsArb, validRegion, (stackName, ids, region) => {
        stats.generatedNamesThroughConstruct++;
        const stack = new Stack(new App(), stackName, { env: { region: PRIMARY_REGION, account: '123456789012' } });
        let scope: Construct = stack;
        for (const id of ids.slice(0, -1)) scope = new Construct(scope, id);
        const endpoint = new MultiRegionEndpoint(scope, ids[ids.length - 1], { secondaryRegion: region });
        const cfn = endpoint.node.findChild('Resource').node.defaultChild as CfnResource;
        const rendered = stack.resolve((cfn as unknown as { _toCloudFormation(): object })._toCloudFormation());
        const properties = (Object.values(rendered.Resources)[0] as { Properties: Record<string, unknown> }).Properties;
        expect(properties.EndpointName).toBe(nameFor({ stackName, path: [stackName, ...ids].join('/') }, region));
        expect(handle(asDelivered({ ...properties, ServiceToken: 'x' }) as Record<string, unknown>).accepted).toBe(true);
      }),
      { numRuns: GENERATED_NAME_CONSTRUCT_RUNS, seed: SEED },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------
// Durations that are not whole milliseconds.
// ---------------------------------------------------------------------------------------

describe('a timeout that is not a whole number of milliseconds', () => {
  // Duration.seconds(1.1) is 1100.0000000000002 ms: the construct must still answer with
  // its own `timeout` message (not aws-cdk-lib's "must be a whole number of millis").
  test('is rejected at synth with a message naming `timeout`', () => {
    fc.assert(
      fc.property(fc.constantFrom(1.1, 5.0005, 10.0001, 3600.0004), (seconds) => {
        const stack = new Stack(new App(), STACK_NAME, { env: { region: PRIMARY_REGION, account: '123456789012' } });
        expect(() => new MultiRegionEndpoint(stack, ENDPOINT_ID, { secondaryRegion: 'us-west-2', timeout: Duration.seconds(seconds) }))
          .toThrow(/^`timeout` .*got: /);
        expect(handle({ TimeoutSeconds: String(seconds), EndpointName: 'n', Details: { RouteDetails: [{ Region: 'us-west-2' }] } }))
          .toEqual({ accepted: false, message: expect.stringContaining('`TimeoutSeconds`') });
      }),
      { numRuns: 4, seed: SEED, endOnFailure: true },
    );
  });
});
