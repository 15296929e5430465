import { claimExisting, decideDelete } from '../lambda/shared/ownership';
import {
  endpointArn,
  generatedEndpointName,
  generatedNamePrefix,
  GENERATED_PREFIX_MAX_LENGTH,
  OWNER_TAG_KEY,
  ownerTagValue,
  parseStackId,
  PREVIOUS_OWNER_TAG_KEY,
  resourceTarget,
  REGION_MAX_LENGTH,
} from '../lib/private/rules';

describe('generated name prefix', () => {
  test('keeps the readable end of the path and a hash of stack and path', () => {
    expect(generatedNamePrefix('Stack', 'Stack/Mail/Global')).toMatch(/^Stack-Mail-Global-[0-9a-f]{8}$/);
    expect(generatedNamePrefix('Stack', 'Stack/Mail/Global')).not.toEqual(generatedNamePrefix('Other', 'Stack/Mail/Global'));
  });

  test('always leaves room for the longest region', () => {
    const prefix = generatedNamePrefix('S', `S/${'VeryLongConstructId'.repeat(10)}/x`);
    expect(prefix.length).toBeLessThanOrEqual(GENERATED_PREFIX_MAX_LENGTH);
    const name = generatedEndpointName(prefix, 'x'.repeat(REGION_MAX_LENGTH));
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[\w-]+$/);
  });

  test('replaces characters SES does not allow', () => {
    expect(generatedNamePrefix('S', 'S/a.b c$d')).toMatch(/^S-a-b-c-d-[0-9a-f]{8}$/);
  });
});

describe('ownership and ARNs', () => {
  const stackId = 'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/Mail/0f1e2d3c-aaaa-bbbb-cccc-000000000001';

  test('the owner is the stack id and the logical id', () => {
    expect(ownerTagValue(stackId, 'Global')).toBe(`${stackId}/Global`);
  });

  test('an owner too long for a tag value is hashed, deterministically', () => {
    const long = ownerTagValue(stackId, 'L'.repeat(255));
    expect(long).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ownerTagValue(stackId, 'L'.repeat(255))).toBe(long);
  });

  test('the ARN is built from the stack location and the name', () => {
    expect(endpointArn(parseStackId(stackId), 'orders')).toBe('arn:aws-cn:ses:cn-north-1:123456789012:multi-region-endpoint/orders');
  });

  test('a malformed stack id is refused', () => {
    expect(() => parseStackId('not-an-arn')).toThrow("StackId must be a CloudFormation stack ARN, got: 'not-an-arn'");
  });
});

describe('ownership decisions (a construct moved inside its stack)', () => {
  const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Mail/0f1e2d3c-aaaa';
  const target = resourceTarget(STACK, 'New');
  const owner = (logicalId: string, stack = STACK) => ({ [OWNER_TAG_KEY]: `${stack}/${logicalId}` });

  test('Create: ours, another resource of the same stack (take over), or foreign', () => {
    expect(claimExisting(owner('New'), target)).toBe('ours');
    expect(claimExisting(owner('Old'), target)).toBe('take over');
    expect(claimExisting(owner('Old', 'arn:aws:cloudformation:us-east-1:123456789012:stack/Mail/another-id'), target)).toBe('foreign');
    expect(claimExisting({}, target)).toBe('foreign');
    expect(claimExisting({ [OWNER_TAG_KEY]: 'sha256:abc' }, target)).toBe('foreign');
    expect(claimExisting({ [OWNER_TAG_KEY]: `${STACK}/Old/extra` }, target)).toBe('foreign');
  });

  test('Delete: delete what is ours; complete a handover; give back a taken-over one; leave the rest', () => {
    expect(decideDelete(owner('New'), target)).toEqual({ action: 'delete' });
    expect(decideDelete({ ...owner('Newer'), [PREVIOUS_OWNER_TAG_KEY]: `${STACK}/New` }, target)).toEqual({ action: 'complete handover' });
    expect(decideDelete({ ...owner('New'), [PREVIOUS_OWNER_TAG_KEY]: `${STACK}/Old` }, target)).toEqual({ action: 'give back', to: `${STACK}/Old` });
    expect(decideDelete(owner('Other'), target)).toMatchObject({ action: 'leave' });
  });
});
