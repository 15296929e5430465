/**
 * The stack's schedule of SES control-plane calls (see docs/RELIABILITY.md, "Living within
 * SES's one request per second").
 *
 * SES allows every account one control-plane request per second per region, shared with
 * everything else that manages SES there. All custom resources of this library in a stack
 * take turns: time is cut into periods of `periodMs` (2 s: half of SES's quota), and the
 * periods go round the stack's resources, one each. A resource calls SES only at the start
 * of one of its own periods, so the stack never makes more than one call per period,
 * without any state shared between the Lambda invocations (clocks in Lambda are synchronized
 * far better than a period).
 *
 * Who owns which period is decided at synth: the handler's environment lists a short hash
 * of every logical id in slot order. Adding a resource changes only that environment, never
 * a resource's properties, so it updates no other resource.
 *
 * Pure: no aws-cdk-lib import, because the handler bundles this file too.
 */
import { createHash } from 'crypto';

/** The handler environment variables that carry the schedule. */
export const CALL_PERIOD_ENV = 'SES_CALL_PERIOD_MS';
export const CALL_SLOTS_ENV = 'SES_CALL_SLOTS';

/** Half of SES's 1 request/s: the rest is left to everyone else who manages SES in the account and region. */
export const DEFAULT_CALL_PERIOD_MS = 2_000;

/** The shortest hash that identifies a resource in the slot list; longer only if two collide. */
const MIN_KEY_WIDTH = 6;
const MAX_KEY_WIDTH = 64;

/** One resource's place in the stack's schedule. */
export interface CallSchedule {
  /** The stack makes at most one SES call per period. */
  readonly periodMs: number;
  /** This resource's slot: it calls at the start of periods k with k mod slots = slot. */
  readonly slot: number;
  /** How many resources share the schedule. */
  readonly slots: number;
}

function keyOf(logicalId: string, width: number): string {
  return createHash('sha256').update(logicalId).digest('hex').slice(0, width);
}

/**
 * The slot list for the handler's environment: `<width>/<hash><hash>...`, one hash of `width`
 * hex digits per logical id, sorted (so the order the constructs were defined in does not matter).
 */
export function encodeSlots(logicalIds: readonly string[]): string {
  const unique = [...new Set(logicalIds)];
  for (let width = MIN_KEY_WIDTH; width <= MAX_KEY_WIDTH; width++) {
    const keys = new Set(unique.map((id) => keyOf(id, width)));
    if (keys.size === unique.length) return `${width}/${[...keys].sort().join('')}`;
  }
  throw new Error(`two logical ids share a sha256: ${unique.join(', ')}`);
}

/**
 * The schedule of the resource `logicalId`, from the handler's environment. A resource that is
 * not listed (one removed from the template, deleted in the cleanup after the environment
 * moved on) takes the slot its hash falls in. Without a slot list the resource has every period.
 */
export function scheduleOf(periodMs: number, encodedSlots: string | undefined, logicalId: string): CallSchedule {
  const match = /^(\d+)\/([0-9a-f]*)$/.exec(encodedSlots ?? '');
  const width = match ? Number(match[1]) : 0;
  const keys = match?.[2] ?? '';
  if (!match || width < 1 || keys.length === 0 || keys.length % width !== 0) return { periodMs, slot: 0, slots: 1 };
  const slots = keys.length / width;
  const key = keyOf(logicalId, width);
  for (let slot = 0; slot < slots; slot++) {
    if (keys.startsWith(key, slot * width)) return { periodMs, slot, slots };
  }
  return { periodMs, slot: parseInt(key.slice(0, 8), 16) % slots, slots };
}

/** The earliest start of one of this resource's periods at or after `notBefore` (ms since the epoch). */
export function nextTurnAt(schedule: CallSchedule, notBefore: number): number {
  const { periodMs, slot, slots } = schedule;
  if (periodMs <= 0) return notBefore;
  const period = Math.ceil(notBefore / periodMs);
  const ahead = (((slot - period) % slots) + slots) % slots;
  return (period + ahead) * periodMs;
}
