/**
 * What the constructs share: stable generated names, synth-time checks, and the IAM of SES
 * objects that exist in the stack's region and in a secondary region (templates, configuration
 * sets).
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { nagResourceId } from './nag';
import { SesProvider } from './provider';
import { tagErrors } from './rules';

/**
 * The stack name that generated names hash: the root stack's (a nested stack's own name is a
 * token whose text changes with unrelated tokens, and a changed name would replace the object);
 * '' when even that is a token (the construct path, which names hash too, still tells them apart).
 */
export function stableStackName(stack: Stack): string {
  let root = stack;
  while (root.nestedStackParent) root = root.nestedStackParent;
  return Token.isUnresolved(root.stackName) ? '' : root.stackName;
}

/** The problems of tags as SES takes them; values that are tokens are checked by the handler. */
export function tagValidationErrors(tags: ReadonlyArray<{ Key: string; Value: string }>, prop = 'tags'): string[] {
  return tagErrors(tags.map(({ Key, Value }) => ({ key: Key, value: Value })), prop, (v) => Token.isUnresolved(v));
}

/** Throws every problem found, one per line. */
export function throwIfAny(errors: Array<string | undefined>): void {
  const found = errors.filter((e): e is string => e !== undefined);
  if (found.length > 0) throw new Error(found.join('\n'));
}

/**
 * Records that the construct at `path` uses the explicit name `name` (a token is checked by the
 * handler), and fails naming `prop` when another construct of the stack already does.
 */
export function claimUniqueName(names: Map<string, string>, prop: string, name: string, path: string): void {
  if (Token.isUnresolved(name)) return;
  const other = names.get(name);
  if (other !== undefined) throw new Error(`\`${prop}\` must be unique in the stack, got: '${name}' (already used by ${other})`);
  names.set(name, path);
}

/** Per stack, a map of names (one registry per kind of object). */
export function namesIn(registry: WeakMap<Stack, Map<string, string>>, stack: Stack): Map<string, string> {
  const names = registry.get(stack) ?? new Map<string, string>();
  registry.set(stack, names);
  return names;
}

/** A kind of SES object the library keeps in the stack's region and a secondary region. */
export interface RegionalObjectKind {
  /** The provider's grantOnce key for the stack's own region. */
  readonly grantKey: string;
  /** The id of the stack-level policy of one secondary region: `<prefix><region>`. */
  readonly policyIdPrefix: string;
  /** What the handler needs on these objects in `region`. */
  readonly statementsIn: (stack: Stack, region: string) => iam.PolicyStatement[];
  /** cdk-nag acknowledgements of those statements' wildcards, on `scope`. */
  readonly acknowledgeIn: (scope: Construct, stack: Stack, region: string) => void;
  /** For a secondary region that is a token: what cleaning up an old region's object takes, in any region. */
  readonly cleanup: {
    readonly sid: string;
    readonly actions: string[];
    readonly anyRegionArn: (stack: Stack) => string;
    readonly reason: string;
  };
}

/** Lets the provider's role manage objects of `kind` in the stack's region (once per stack). */
export function grantInStackRegion(provider: SesProvider, kind: RegionalObjectKind): void {
  provider.grantOnce(kind.grantKey, () => {
    const stack = Stack.of(provider);
    kind.acknowledgeIn(provider.role, stack, stack.region);
    return kind.statementsIn(stack, stack.region);
  });
}

/**
 * The policy that lets the provider's role manage objects of `kind` in `region`: one per stack
 * and region, found by its id, so that a changed secondary region leaves the old region's policy
 * in place until CloudFormation has deleted the old object. A region known only at deploy time (a
 * token) gets a policy of `owner`'s own, since an id cannot name the region; it also allows the
 * cleanup in every region, because a changed token region updates that policy in place first.
 */
export function secondaryRegionPolicy(owner: Construct, provider: SesProvider, region: string, kind: RegionalObjectKind): iam.Policy {
  const stack = Stack.of(provider);
  const resolved = !Token.isUnresolved(region);
  const id = `${kind.policyIdPrefix}${region}`;
  const existing = resolved ? stack.node.tryFindChild(id) as iam.Policy | undefined : undefined;
  if (existing) return existing;
  const policy = new iam.Policy(resolved ? stack : owner, resolved ? id : 'SecondaryRegionPolicy', {
    roles: [provider.role],
    statements: kind.statementsIn(stack, region),
  });
  kind.acknowledgeIn(policy, stack, region);
  if (!resolved) {
    const anyRegion = kind.cleanup.anyRegionArn(stack);
    policy.addStatements(new iam.PolicyStatement({ sid: kind.cleanup.sid, actions: kind.cleanup.actions, resources: [anyRegion] }));
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, anyRegion)}]`, reason: kind.cleanup.reason });
  }
  return policy;
}
