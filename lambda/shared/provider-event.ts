/**
 * The CloudFormation event as the Provider framework hands it to this library's handlers,
 * plus the fields every onEvent adds for isComplete (the framework merges them in).
 */
export interface ProviderEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceType?: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly RequestId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  /** Set by onEvent: when waiting must give up (ms since the epoch). */
  readonly WaitDeadline?: number;
  /** Set by onEvent: when the object was created (SES may answer NotFound for a moment after). */
  readonly CreatedAt?: number;
  /** Set by onEvent on Delete: nothing to wait for (gone already, or not ours). */
  readonly NothingToDelete?: boolean;
  /** Set by onEvent when the resource is already where it should be: isComplete asks SES nothing. */
  readonly Settled?: boolean;
  /**
   * Set by onEvent when it ran out of turns to call SES: isComplete does onEvent's work again
   * (once per invocation) before it checks.
   */
  readonly Pending?: boolean;
  /** Set by onEvent on an Update that created a new object (a new name or region): removed again if it fails. */
  readonly Replacement?: boolean;
  /** Attributes onEvent returned (the framework merges them with isComplete's). */
  readonly Data?: Record<string, string>;
}

/** What a handler does for each kind of CloudFormation request. */
export interface RequestHandlers<E extends ProviderEvent, R> {
  readonly onCreate: (event: E) => Promise<R>;
  readonly onUpdate: (event: E) => Promise<R>;
  readonly onDelete: (event: E) => Promise<R>;
}

/** Runs the handler of the event's RequestType. */
export function dispatch<E extends ProviderEvent, R>(event: E, handlers: RequestHandlers<E, R>): Promise<R> {
  switch (event.RequestType) {
    case 'Create': return handlers.onCreate(event);
    case 'Update': return handlers.onUpdate(event);
    case 'Delete': return handlers.onDelete(event);
    default: throw new Error(`Unknown RequestType: ${JSON.stringify((event as { RequestType?: unknown }).RequestType)}`);
  }
}

/** Whether the resource's deadline (set by onEvent) has passed. */
export function timedOut(event: ProviderEvent, now: number): boolean {
  return event.WaitDeadline !== undefined && now >= event.WaitDeadline;
}
