/**
 * A sending Lambda for the example app: sends through the global endpoint.
 *
 * With `EndpointId` set, the SDK sends to `https://<EndpointId>.endpoints.email.amazonaws.com`
 * and signs with SigV4a only; importing `@aws-sdk/signature-v4a` provides the pure-JS
 * signer (without it the SDK throws "Neither CRT nor JS SigV4a implementation is available").
 */
import '@aws-sdk/signature-v4a';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

const ses = new SESv2Client({});

/** What the function is invoked with. */
export interface SendRequest {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export async function handler(request: SendRequest): Promise<{ messageId?: string }> {
  const output = await ses.send(new SendEmailCommand({
    EndpointId: process.env.ENDPOINT_ID,
    FromEmailAddress: process.env.FROM_ADDRESS,
    Destination: { ToAddresses: [request.to] },
    Content: { Simple: { Subject: { Data: request.subject }, Body: { Text: { Data: request.text } } } },
  }));
  return { messageId: output.MessageId };
}
