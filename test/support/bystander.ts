/**
 * A bystander: another tool that manages SES in the same account and region while a stack
 * deploys (CloudFormation's own SES resource handlers, the console, another pipeline). It calls
 * ListMultiRegionEndpoints every `intervalMs`, once each (no retries), signing as its own
 * caller, and counts how many of its calls SES throttled.
 */
import { ListMultiRegionEndpointsCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SesEmulator } from '../emulator/ses-emulator';

export interface BystanderOptions {
  readonly region: string;
  /** Time between calls (CloudFormation's SES handlers: about 3 s). */
  readonly intervalMs: number;
  /** The access key id it signs with, as the emulator's callerStats() reports it. */
  readonly caller?: string;
}

export interface BystanderResult {
  readonly calls: number;
  readonly throttled: number;
  /** throttled / calls (0 when it made no call). */
  readonly throttledShare: number;
}

export class Bystander {
  public static start(emulator: SesEmulator, options: BystanderOptions): Bystander {
    return new Bystander(emulator, options);
  }

  private readonly client: SESv2Client;
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private calls = 0;
  private throttled = 0;

  private constructor(emulator: SesEmulator, options: BystanderOptions) {
    this.client = new SESv2Client({
      endpoint: emulator.url,
      region: options.region,
      credentials: { accessKeyId: options.caller ?? 'AKIDBYSTANDER', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    this.timer = setInterval(() => this.callOnce(), options.intervalMs);
  }

  /** Stops calling, waits for the calls under way, and reports. */
  public async stop(): Promise<BystanderResult> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    this.client.destroy();
    return { calls: this.calls, throttled: this.throttled, throttledShare: this.calls === 0 ? 0 : this.throttled / this.calls };
  }

  private callOnce(): void {
    const call = this.client.send(new ListMultiRegionEndpointsCommand({})).then(
      () => { this.calls += 1; },
      (error: Error) => {
        this.calls += 1;
        if (error.name === 'TooManyRequestsException') this.throttled += 1;
      },
    ).finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }
}
