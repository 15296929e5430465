/**
 * A sending Lambda for the example app: sends through the global endpoint, with the
 * template (and configuration set) that exist in both of its regions.
 *
 * With `EndpointId` set, the SDK sends to `https://<EndpointId>.endpoints.email.amazonaws.com`
 * and signs with SigV4a only; importing `@aws-sdk/signature-v4a` provides the pure-JS
 * signer (without it the SDK throws "Neither CRT nor JS SigV4a implementation is available").
 */
import '@aws-sdk/signature-v4a';
import { Agent } from 'https';
import { Socket } from 'net';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/**
 * How long one HTTPS connection to the global endpoint is reused. The SES guide advises about
 * 60 s (and a DNS cache of about 60 s), so that a client follows the endpoint's routing when a
 * region is weighted away. Node.js keeps no DNS cache of its own: every new connection
 * resolves the name again, so capping the connection's life caps how long an old answer is used.
 */
export const CONNECTION_LIFETIME_MS = 60_000;

/** An HTTPS agent that keeps connections alive, but none for longer than `lifetimeMs`. */
export class RoutingAwareAgent extends Agent {
  private readonly firstUse = new WeakMap<Socket, number>();

  constructor(private readonly lifetimeMs: number = CONNECTION_LIFETIME_MS, private readonly now: () => number = Date.now) {
    super({ keepAlive: true });
  }

  /** Node asks this each time a request is done with a socket: past its lifetime, it is closed. */
  public keepSocketAlive(socket: Socket): boolean {
    const first = this.firstUse.get(socket) ?? this.now();
    this.firstUse.set(socket, first);
    if (this.now() - first >= this.lifetimeMs) return false;
    return (Agent.prototype as unknown as { keepSocketAlive: (s: Socket) => boolean }).keepSocketAlive.call(this, socket);
  }
}

const ses = new SESv2Client({ requestHandler: { httpsAgent: new RoutingAwareAgent() } });

/** What the function is invoked with. */
export interface SendRequest {
  readonly to: string;
  /** The values of the template's replacement tags, such as `{ "name": "Ana", "orderId": "42" }`. */
  readonly data: Record<string, string>;
}

export async function handler(request: SendRequest): Promise<{ messageId?: string }> {
  const output = await ses.send(new SendEmailCommand({
    EndpointId: process.env.ENDPOINT_ID,
    FromEmailAddress: process.env.FROM_ADDRESS,
    Destination: { ToAddresses: [request.to] },
    ConfigurationSetName: process.env.CONFIGURATION_SET || undefined,
    Content: { Template: { TemplateName: process.env.TEMPLATE_NAME, TemplateData: JSON.stringify(request.data) } },
  }));
  return { messageId: output.MessageId };
}
