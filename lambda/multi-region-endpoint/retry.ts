import { StandardRetryStrategy } from '@smithy/core/retry';
import { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

/** Attempts per SES call (1 + 5 retries) before the handler sees the error. */
export const MAX_ATTEMPTS = 6;

/**
 * The SDK's standard retry (jittered exponential backoff for TooManyRequests, 5xx and
 * network errors), except that it classifies LimitExceededException as throttling:
 * from SES it means the account's endpoint quota is reached, which no retry fixes.
 */
export class SesRetryStrategy implements RetryStrategyV2 {
  private readonly standard = new StandardRetryStrategy(MAX_ATTEMPTS);

  public acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  public async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if ((errorInfo.error as { name?: string } | undefined)?.name === 'LimitExceededException') {
      throw errorInfo.error; // the SDK then surfaces the original error at once
    }
    return this.standard.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
  }

  public recordSuccess(token: RetryToken): void {
    this.standard.recordSuccess(token as StandardRetryToken);
  }
}
