import { StandardRetryStrategy } from '@smithy/core/retry';
import { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

/**
 * Attempts per SES call (1 + 7 retries) before the handler sees the error: with SES
 * throttling 30% of calls, one call still fails only once in ~15,000. Jittered backoff
 * (at most 20 s a retry) keeps a call well inside the handler's Lambda timeout.
 */
export const MAX_ATTEMPTS = 8;

/**
 * Errors the SDK would retry that the handler must see at once: SES's LimitExceeded is
 * the account's endpoint quota (the SDK takes it for throttling), and its
 * ConcurrentModification (HTTP 500) means "still CREATING", which the handler retries
 * on its own schedule instead of spending a whole backoff series on it.
 */
const NOT_RETRIED = new Set(['LimitExceededException', 'ConcurrentModificationException']);

/**
 * The SDK's standard retry (jittered exponential backoff for TooManyRequests, 5xx and
 * network errors), except for the errors above.
 */
export class SesRetryStrategy implements RetryStrategyV2 {
  private readonly standard = new StandardRetryStrategy(MAX_ATTEMPTS);

  public acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  public async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (NOT_RETRIED.has((errorInfo.error as { name?: string } | undefined)?.name ?? '')) {
      throw errorInfo.error; // the SDK then surfaces the original error at once
    }
    return this.standard.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
  }

  public recordSuccess(token: RetryToken): void {
    this.standard.recordSuccess(token as StandardRetryToken);
  }
}
