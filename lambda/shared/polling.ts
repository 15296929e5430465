/**
 * isComplete's polling inside one invocation: check, and while not complete, check again at the
 * resource's next turn (or every `pollIntervalMs` without a pacer) until the polling window is
 * used up; then hand back to the Provider framework, which invokes isComplete again.
 */
import { Pacer } from './pacer';

export interface PollingContext {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The resource's turns to call SES; without one, every `pollIntervalMs`. */
  readonly pacer?: Pacer;
  /** How long one invocation keeps polling (0 = check once). */
  readonly pollWindowMs?: number;
  /** Time between checks without a pacer. Default 1 s. */
  readonly pollIntervalMs?: number;
}

export async function pollWithin<R extends { readonly IsComplete: boolean }>(ctx: PollingContext, check: () => Promise<R>): Promise<R> {
  const windowEnd = ctx.now() + (ctx.pollWindowMs ?? 0);
  const interval = ctx.pollIntervalMs ?? 1_000;
  for (;;) {
    const started = ctx.now();
    const result = await check();
    if (result.IsComplete) return result;
    if (ctx.pacer) {
      // The next check waits for the next turn (inside its SES call).
      if (ctx.pacer.nextTurn() > windowEnd || !ctx.pacer.hasTurn()) return result;
      continue;
    }
    if (ctx.now() + interval > windowEnd) return result;
    // One check per interval, however long the call took.
    await ctx.sleep(Math.max(0, interval - (ctx.now() - started)));
  }
}
