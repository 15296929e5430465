/**
 * Who may do what with an endpoint or replica that carries the library's ownership tags.
 * Pure decisions over the tags SES reported; each handler carries them out with its calls.
 *
 * A construct moved inside its stack (a new id or parent, `cdk refactor`) gets a new logical
 * id: CloudFormation creates the new resource, then deletes the old one in its cleanup. The
 * new resource takes the SES object over, remembering the old owner (PREVIOUS_OWNER_TAG_KEY);
 * the old resource's Delete then only completes the handover. If the move rolls back,
 * CloudFormation deletes the new resource instead, whose Delete gives the object back.
 */
import { OWNER_TAG_KEY, ownedByAnotherResourceOfTheStack, PREVIOUS_OWNER_TAG_KEY, ResourceTarget } from '../../lib/private/rules';

/** What a Create does with an object of the wanted name that already exists. */
export type ExistingClaim = 'ours' | 'take over' | 'foreign';

export function claimExisting(tags: Record<string, string>, target: ResourceTarget): ExistingClaim {
  const owner = tags[OWNER_TAG_KEY];
  if (owner === target.owner) return 'ours';
  return ownedByAnotherResourceOfTheStack(owner, target) ? 'take over' : 'foreign';
}

/** The tags that take an object over from a moved resource of the stack. */
export function takeOverTags(tags: Record<string, string>, target: ResourceTarget): Array<{ Key: string; Value: string }> {
  return [{ Key: OWNER_TAG_KEY, Value: target.owner }, { Key: PREVIOUS_OWNER_TAG_KEY, Value: tags[OWNER_TAG_KEY] }];
}

/** What a Delete does. */
export type DeleteDecision =
  | { readonly action: 'delete' }
  | { readonly action: 'leave'; readonly why: string }
  /** The object moved to another resource of the stack: drop the previous-owner tag, keep it. */
  | { readonly action: 'complete handover' }
  /** Taken over from a moved resource, and the move is being undone: hand it back. */
  | { readonly action: 'give back'; readonly to: string };

export function decideDelete(tags: Record<string, string>, target: ResourceTarget): DeleteDecision {
  const owner = tags[OWNER_TAG_KEY];
  const previous = tags[PREVIOUS_OWNER_TAG_KEY];
  if (owner !== target.owner) {
    if (previous === target.owner) return { action: 'complete handover' };
    return { action: 'leave', why: 'not created by this resource, left untouched' };
  }
  if (previous !== undefined) return { action: 'give back', to: previous };
  return { action: 'delete' };
}
