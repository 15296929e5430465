/**
 * Plays the CDK Provider framework for one custom-resource request: onEvent, then
 * isComplete until complete, with the framework's rules (onEvent's result merged into
 * the isComplete event, Data merged, a failed Create answered with the framework's
 * CREATE_FAILED marker so the rollback Delete never reaches the handler).
 */

/** aws-cdk-lib's provider-framework runtime marks a failed Create with this physical id. */
export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

export interface ProviderHandlers {
  onEvent(event: any): Promise<any>;
  isComplete(event: any): Promise<any>;
}

export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly RequestId?: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What CloudFormation would receive. */
export interface ProviderResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly PhysicalResourceId: string;
  readonly Data: Record<string, string>;
  readonly Reason?: string;
  /** How many times isComplete ran. */
  readonly polls: number;
}

export interface ProviderOptions {
  /** Time between isComplete calls (the Provider's queryInterval, shortened for tests). */
  readonly intervalMs?: number;
  /** The Provider's totalTimeout, as a number of isComplete attempts. */
  readonly maxAttempts?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function invokeProvider(
  handlers: ProviderHandlers,
  request: CustomResourceRequest,
  options: ProviderOptions = {},
): Promise<ProviderResponse> {
  const intervalMs = options.intervalMs ?? 20;
  const maxAttempts = options.maxAttempts ?? 500;
  const failed = (physicalResourceId: string | undefined, error: unknown, polls: number): ProviderResponse => ({
    Status: 'FAILED',
    PhysicalResourceId: physicalResourceId ?? (request.RequestType === 'Create' ? CREATE_FAILED_PHYSICAL_ID_MARKER : 'MISSING'),
    Data: {},
    Reason: (error as Error).message,
    polls,
  });

  if (request.RequestType === 'Delete' && request.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID_MARKER) {
    return { Status: 'SUCCESS', PhysicalResourceId: request.PhysicalResourceId, Data: {}, polls: 0 };
  }
  const base = { RequestId: 'request-1', ResourceType: 'Custom::SESMultiRegionEndpoint', ...request };
  let onEventResult: any;
  try {
    onEventResult = (await handlers.onEvent(JSON.parse(JSON.stringify(base)))) ?? {};
  } catch (error) {
    return failed(request.PhysicalResourceId, error, 0);
  }
  const event = {
    ...base,
    ...onEventResult,
    PhysicalResourceId: onEventResult.PhysicalResourceId ?? request.PhysicalResourceId ?? base.RequestId,
  };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let result: any;
    try {
      result = await handlers.isComplete(JSON.parse(JSON.stringify(event)));
    } catch (error) {
      return failed(event.PhysicalResourceId, error, attempt);
    }
    if (result.IsComplete) {
      return { Status: 'SUCCESS', PhysicalResourceId: event.PhysicalResourceId, Data: { ...event.Data, ...result.Data }, polls: attempt };
    }
    if (result.Data && Object.keys(result.Data).length > 0) {
      return failed(event.PhysicalResourceId, new Error('"Data" is not allowed if "IsComplete" is "False"'), attempt);
    }
    await sleep(intervalMs);
  }
  return failed(event.PhysicalResourceId, new Error('Operation timed out'), maxAttempts);
}
