/**
 * One SES call as every handler makes it: in the resource's turn of the stack's schedule
 * (transient failures retried at later turns, see sendInTurn), with one JSON log line per
 * attempt naming what the call is about, the operation and its outcome.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { Pacer, sendInTurn } from './pacer';

/** The name of an SES (or network) error, as the handlers branch on it. */
export function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? 'Error';
}

/** What a logged call needs of a handler's context. */
export interface CallContext {
  readonly pacer?: Pacer;
  readonly log: (entry: Record<string, unknown>) => void;
}

/**
 * Sends `command` with `client` in the resource's turn and logs each attempt: `about` (the
 * object and region the call concerns), the operation, and `ok` or the error's name and message.
 */
export async function loggedCall<T>(
  ctx: CallContext, client: Pick<SESv2Client, 'send'>, operation: string, about: Record<string, unknown>, command: unknown,
): Promise<T> {
  return sendInTurn(ctx.pacer, operation, async () => {
    try {
      const output = await client.send(command as never) as T;
      ctx.log({ operation, ...about, outcome: 'ok' });
      return output;
    } catch (error) {
      ctx.log({ operation, ...about, outcome: errorName(error), message: (error as Error).message });
      throw error;
    }
  });
}
