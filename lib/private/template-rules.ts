/**
 * Validation and naming rules for SES email templates kept in both regions of a global endpoint.
 *
 * Pure: no aws-cdk-lib import, because the custom-resource handler bundles this file too. The
 * construct applies these rules at synth time to resolved values; the handler applies the very
 * same rules to whatever reached it as tokens.
 */
import { createHash } from 'crypto';
import { REGION_MAX_LENGTH, REGION_PATTERN, sesResourceNameError, show, StackLocation } from './rules';

/** The custom resource type the email template handler serves: one resource per template and region. */
export const EMAIL_TEMPLATE_RESOURCE_TYPE = 'Custom::SESEmailTemplate';

/**
 * How long a template resource waits, by default, for its template to be visible with the wanted
 * content (or for a Delete): SES answers within seconds; five minutes leave room for throttling.
 */
export const DEFAULT_TEMPLATE_TIMEOUT_SECONDS = 300;

/**
 * SES's limit on one template: "The maximum size of each template is 500KB, including both the
 * text and HTML parts" (SES developer guide, "Using templates to send personalized email with
 * the Amazon SES API"). The guide does not say whether KB means 1000 or 1024 bytes, nor whether
 * the subject counts: this library counts the UTF-8 bytes of the subject, text and HTML parts
 * together against 500,000 bytes, the stricter reading.
 */
export const TEMPLATE_MAX_BYTES = 500_000;

/** The content of a template, as SES's `EmailTemplateContent` holds it. */
export interface TemplateContent {
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
}

/** Returns why `name` is not a valid template name (`prop` says which property), or undefined. */
export function templateNameError(name: unknown, prop = 'templateName'): string | undefined {
  return sesResourceNameError(name, prop);
}

/** Returns why `region` is not a region name such as `us-west-2`, or undefined. */
export function regionNameError(region: unknown, prop: string): string | undefined {
  if (typeof region === 'string' && region.length <= REGION_MAX_LENGTH && REGION_PATTERN.test(region)) return undefined;
  return `\`${prop}\` must be an AWS region name such as 'us-west-2', got: ${show(region)}`;
}

/** The names a message gives the content properties: the construct's props, or the custom resource's. */
export interface ContentPropNames {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const CONSTRUCT_CONTENT_PROPS: ContentPropNames = { subject: 'subject', text: 'text', html: 'html' };
export const RESOURCE_CONTENT_PROPS: ContentPropNames = { subject: 'Subject', text: 'Text', html: 'Html' };

/**
 * Returns every reason why the content is not a valid SES template content (empty when it is).
 * @param isUnresolved tells which values are not known yet (synth-time tokens): those are
 *   skipped here (a token text or html still counts as given) and checked by the handler
 */
export function templateContentErrors(
  content: { readonly subject?: unknown; readonly text?: unknown; readonly html?: unknown },
  names: ContentPropNames = CONSTRUCT_CONTENT_PROPS,
  isUnresolved: (value: unknown) => boolean = () => false,
): string[] {
  const errors: string[] = [];
  const known = (value: unknown) => !isUnresolved(value);
  const { subject, text, html } = content;
  if (known(subject) && (typeof subject !== 'string' || subject.length === 0)) {
    errors.push(`\`${names.subject}\` must be a non-empty string, got: ${show(subject)}`);
  }
  for (const [prop, value] of [[names.text, text], [names.html, html]] as const) {
    if (value !== undefined && known(value) && typeof value !== 'string') {
      errors.push(`\`${prop}\` must be a string, got: ${show(value)}`);
    }
  }
  const given = (value: unknown) => value !== undefined && (!known(value) || (typeof value === 'string' && value.length > 0));
  if (!given(text) && !given(html)) {
    errors.push(`\`${names.text}\` or \`${names.html}\` must be a non-empty string (SES needs a text or an HTML part), got neither`);
  }
  // Only what is known counts; a token part is checked by the handler.
  const bytes = [subject, text, html]
    .filter((v): v is string => typeof v === 'string' && known(v))
    .reduce((n: number, v) => n + Buffer.byteLength(v, 'utf8'), 0);
  if (bytes > TEMPLATE_MAX_BYTES) {
    errors.push(`\`${names.subject}\`, \`${names.text}\` and \`${names.html}\` must together be at most ${TEMPLATE_MAX_BYTES} bytes `
      + `(SES's limit for one template, 500 KB), got: ${bytes} bytes`);
  }
  return errors;
}

/** An SES template ARN: `arn:${Partition}:ses:${Region}:${Account}:template/${TemplateName}`. */
export function templateArn(location: Pick<StackLocation, 'partition' | 'account'>, region: string, templateName: string): string {
  return `arn:${location.partition}:ses:${region}:${location.account}:template/${templateName}`;
}

/**
 * The custom resource's physical id: `<region>/<templateName>`. With the region in it, a region
 * change is a replacement CloudFormation can see (new id, old one deleted).
 */
export function templatePhysicalId(region: string, templateName: string): string {
  return `${region}/${templateName}`;
}

/** Parses {@link templatePhysicalId}; undefined when `id` is not one (nothing of ours behind it). */
export function parseTemplatePhysicalId(id: unknown): { readonly region: string; readonly templateName: string } | undefined {
  if (typeof id !== 'string') return undefined;
  const slash = id.indexOf('/');
  if (slash < 0) return undefined;
  const region = id.slice(0, slash);
  const templateName = id.slice(slash + 1);
  if (regionNameError(region, 'region') !== undefined || templateNameError(templateName) !== undefined) return undefined;
  return { region, templateName };
}

/**
 * A short, stable hash of a template resource's region. The construct adds it to the logical id
 * of the secondary region's custom resource, so that changing the secondary region makes
 * CloudFormation create a new resource and then delete the old one, before the old region's
 * policy (on which it depends) is deleted. An unresolved region (a token) counts as `undefined`.
 */
export function regionHash(region: string | undefined): string {
  return createHash('sha256').update(JSON.stringify(region ?? null)).digest('hex').slice(0, 8).toUpperCase();
}
