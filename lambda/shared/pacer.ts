/**
 * Every SES call of a handler invocation goes through a Pacer: it waits for the resource's
 * next turn in the stack's schedule (lib/private/schedule.ts), and retries what SES or the
 * network may fail for a moment (throttling, 5xx, a dropped connection) in later turns, with
 * a jittered backoff, for as long as the invocation may run. The SDK itself retries nothing:
 * a retry outside the schedule would spend the quota the schedule leaves to others.
 */
import { CallSchedule, nextTurnAt } from '../../lib/private/schedule';

/** The longest backoff before a retry (the turn comes on top). */
export const MAX_BACKOFF_MS = 30_000;

export interface PacerOptions {
  readonly schedule: CallSchedule;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the backoff's jitter. */
  readonly random?: () => number;
  /** No call before this time (ms since the epoch). */
  readonly notBefore?: number;
  /** No call after this time: the invocation must end, or the resource's deadline has passed. */
  readonly giveUpAt?: number;
}

/**
 * No turn is left in this invocation: its time (or the resource's) is up. `cause` is the last
 * error SES answered, when a retry was what needed the turn.
 */
export class OutOfTurnsError extends Error {
  public override readonly name = 'OutOfTurnsError';

  constructor(message: string, public readonly attempts: number, public readonly lastError?: unknown) {
    super(message);
  }
}

export class Pacer {
  private lastTurn = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PacerOptions) {}

  /** When the resource may call next, no sooner than `delayMs` from now. */
  public nextTurn(delayMs = 0): number {
    const { now, notBefore = 0, schedule } = this.options;
    return nextTurnAt(schedule, Math.max(now() + delayMs, this.lastTurn + 1, notBefore));
  }

  /** Whether a turn `delayMs` from now still fits the invocation. */
  public hasTurn(delayMs = 0): boolean {
    return this.nextTurn(delayMs) <= (this.options.giveUpAt ?? Number.POSITIVE_INFINITY);
  }

  /**
   * Waits for the next turn, no sooner than `delayMs` from now; false when none is left.
   * A turn woken up late by more than half a period (a busy or frozen process) is given up
   * for the next one: calling then could meet another resource's call in its period.
   */
  public async take(delayMs = 0): Promise<boolean> {
    const { now, sleep, schedule } = this.options;
    for (let notBefore = delayMs; ; notBefore = 0) {
      if (!this.hasTurn(notBefore)) return false;
      const turn = this.nextTurn(notBefore);
      this.lastTurn = turn;
      const wait = turn - now();
      if (wait > 0) await sleep(wait);
      if (now() - turn <= schedule.periodMs / 2) return true;
    }
  }

  /** Full-jitter exponential backoff after the `failures`-th failed attempt of one call. */
  public backoffMs(failures: number): number {
    const ceiling = Math.min(MAX_BACKOFF_MS, this.options.schedule.periodMs * 2 ** Math.min(failures - 1, 16));
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_NAMES = new Set(['TooManyRequestsException', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalFailure', 'ServiceUnavailable']);
/** A network failure the SDK passed on only as text (it wraps errors it does not recognize as Errors). */
const NETWORK_MESSAGE = /\b(socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|TimeoutError)\b/;

/**
 * Whether SES (or the network) may answer differently in a moment. Not LimitExceeded (the
 * account's endpoint quota, which the SDK would take for throttling) nor ConcurrentModification
 * (HTTP 500 from SES for "still CREATING"), which the handlers handle themselves.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'LimitExceededException' || e?.name === 'ConcurrentModificationException') return false;
  const status = e?.$metadata?.httpStatusCode;
  return TRANSIENT_NAMES.has(e?.name ?? '') || status === 429 || (status !== undefined && TRANSIENT_STATUS.has(status))
    || NETWORK_CODES.has(e?.code ?? '') || (status === undefined && NETWORK_MESSAGE.test((error as Error)?.message ?? ''));
}

/** A failure that may pass: transient at SES, or no turn left in this invocation to retry it. */
export function mayPass(error: unknown): boolean {
  return isTransient(error) || error instanceof OutOfTurnsError;
}

/**
 * Makes one SES call in the resource's turn, and retries it in later turns while it fails
 * transiently and the invocation has a turn left. Without a pacer (unit tests) it calls at once
 * and retries nothing.
 */
export async function sendInTurn<T>(pacer: Pacer | undefined, operation: string, send: () => Promise<T>): Promise<T> {
  if (!pacer) return send();
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const delay = attempt === 1 ? 0 : pacer.backoffMs(attempt - 1);
    if (!await pacer.take(delay)) {
      if (attempt === 1) throw new OutOfTurnsError(`No turn was left in this invocation to call SES ${operation}.`, 0);
      const detail = (lastError as Error)?.message ?? String(lastError);
      throw new OutOfTurnsError(
        `SES kept failing ${operation} (${(lastError as Error)?.name ?? 'Error'}: ${detail}) for ${attempt - 1} attempts, `
        + 'until there was no time left to try again. If it is TooManyRequests, something else in this account and region '
        + 'is using SES\'s 1 request/s control-plane quota: deploy again later.', attempt - 1, lastError);
    }
    try {
      return await send();
    } catch (error) {
      if (!isTransient(error)) throw error;
      lastError = error;
    }
  }
}
