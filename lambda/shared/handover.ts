/**
 * When onEvent runs out of turns to call SES (SES kept throttling it for the whole
 * invocation), it hands its work to isComplete rather than fail: isComplete comes back until
 * the resource's own deadline, so throttling never fails a resource sooner. The handlers'
 * onEvent work is idempotent (it already copes with retried and rolled-back requests), which
 * is what makes doing it again safe.
 */
import { OutOfTurnsError } from './pacer';
import { ProviderEvent } from './provider-event';

/**
 * onEvent's side: the work, or, when the invocation runs out of turns (or `waitsLonger` says
 * the work must wait for something longer than onEvent may), the `handOver` marker (Pending).
 */
export async function orHandOver<R>(work: () => Promise<R>, handOver: () => R, waitsLonger: (error: unknown) => boolean = () => false): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OutOfTurnsError || waitsLonger(error)) return handOver();
    throw error;
  }
}

/** What onEvent's work returns, as far as resuming it is concerned. */
interface OnEventWork {
  readonly PhysicalResourceId: string;
  /** Already where it should be: complete with `Data`, nothing to check. */
  readonly Settled?: boolean;
  readonly Data?: Record<string, string>;
}

/**
 * isComplete's side: a check for each poll that, while the event is Pending, first does
 * onEvent's work again (once per invocation: after it succeeds, the merged event is checked).
 * A failure that may pass (`passing`) answers "not yet"; anything else fails the resource.
 */
export function resumingHandOver<E extends ProviderEvent, R extends { readonly IsComplete: boolean; readonly Data?: Record<string, string> }>(
  event: E,
  redo: (event: E) => Promise<OnEventWork>,
  check: (event: E) => Promise<R>,
  passing: (error: unknown, event: E) => boolean,
): () => Promise<R | { IsComplete: boolean; Data?: Record<string, string> }> {
  let current = event;
  return async () => {
    if (current.Pending) {
      let redone: OnEventWork;
      try {
        redone = await redo(current);
      } catch (error) {
        if (passing(error, current)) return { IsComplete: false };
        throw error;
      }
      if (redone.Settled) return { IsComplete: true, Data: redone.Data };
      current = { ...current, ...redone, Pending: false, WaitDeadline: current.WaitDeadline };
    }
    return check(current);
  };
}
