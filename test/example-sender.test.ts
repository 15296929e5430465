/**
 * The example app's sending Lambda: it sends through the endpoint, and the request is
 * really signed with SigV4a (checked on the wire, offline, with a capturing handler).
 */
import { Readable } from 'stream';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { HttpRequest, HttpResponse } from '@smithy/core/transport';
import { mockClient } from 'aws-sdk-client-mock';
import { CONNECTION_LIFETIME_MS, handler, RoutingAwareAgent } from '../example/sender';

const ENV = { ENDPOINT_ID: 'abcdef12.g3h', FROM_ADDRESS: 'orders@example.com', TEMPLATE_NAME: 'order-confirmation', CONFIGURATION_SET: 'transactional' };

describe('the example sender', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, ENV, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }));
  afterAll(() => { process.env = saved; });

  test('sends through the endpoint, with the template and configuration set of both regions', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await expect(handler({ to: 'customer@example.org', data: { name: 'Ana', orderId: '42' } })).resolves.toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).toEqual({
      EndpointId: 'abcdef12.g3h',
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['customer@example.org'] },
      ConfigurationSetName: 'transactional',
      Content: { Template: { TemplateName: 'order-confirmation', TemplateData: '{"name":"Ana","orderId":"42"}' } },
    });
    ses.restore();
  });

  test('connections are kept alive, but none past 60 s, as the SES guide advises for global endpoints', () => {
    let clock = 0;
    const agent = new RoutingAwareAgent(CONNECTION_LIFETIME_MS, () => clock);
    const socket = { setKeepAlive: () => undefined, unref: () => undefined, ref: () => undefined, setTimeout: () => undefined } as any;
    expect(CONNECTION_LIFETIME_MS).toBe(60_000);
    expect(agent.keepSocketAlive(socket)).toBe(true); // first use
    clock = 59_999;
    expect(agent.keepSocketAlive(socket)).toBe(true);
    clock = 60_000;
    expect(agent.keepSocketAlive(socket)).toBe(false); // Node then closes it; the next request resolves the name again
    agent.destroy();
  });

  test('with @aws-sdk/signature-v4a loaded, a send with EndpointId goes to the global endpoint signed with SigV4a', async () => {
    let captured: HttpRequest | undefined;
    const client = new SESv2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async (request: HttpRequest) => {
          captured = request;
          return { response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{"MessageId":"m-2"}')]) }) };
        },
      } as any,
    });
    const output = await client.send(new SendEmailCommand({
      EndpointId: 'abcdef12.g3h',
      FromEmailAddress: 'orders@example.com',
      Destination: { ToAddresses: ['customer@example.org'] },
      Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
    }));
    expect(output.MessageId).toBe('m-2');
    expect(captured!.hostname).toBe('abcdef12.g3h.endpoints.email.amazonaws.com');
    expect(captured!.headers['x-amz-region-set']).toBe('*');
    expect(captured!.headers.authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ses\/aws4_request/);
  });
});
