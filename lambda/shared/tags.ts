/** Tags as the handlers keep them in step with what the stack declares. */
import { PREVIOUS_OWNER_TAG_KEY } from '../../lib/private/rules';

/**
 * The tag keys to remove and the tags to set to bring `current` to `desired`: never keys under
 * the reserved `aws:` prefix, nor the previous owner of a handover still under way.
 */
export function tagChanges(desired: ReadonlyArray<{ Key: string; Value: string }>, current: Record<string, string>) {
  const wantedKeys = new Set(desired.map((t) => t.Key));
  return {
    toRemove: Object.keys(current).filter((key) => !wantedKeys.has(key) && !key.toLowerCase().startsWith('aws:') && key !== PREVIOUS_OWNER_TAG_KEY),
    toSet: desired.filter((t) => current[t.Key] !== t.Value),
  };
}
