import {
  CfnElement,
  CustomResource,
  Duration,
  IResource,
  ITaggable,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  claimUniqueName,
  grantInStackRegion,
  namesIn,
  RegionalObjectKind,
  secondaryRegionPolicy,
  stableStackName,
  tagValidationErrors,
  throwIfAny,
} from './private/construct-support';
import { nagResourceId } from './private/nag';
import { SesProvider } from './private/provider';
import { generatedNamePrefix, otherRegionError, serviceTimeoutSeconds, timeoutError } from './private/rules';
import {
  CONSTRUCT_CONTENT_PROPS,
  DEFAULT_TEMPLATE_TIMEOUT_SECONDS,
  EMAIL_TEMPLATE_RESOURCE_TYPE,
  regionHash,
  templateContentErrors,
  templateNameError,
} from './private/template-rules';

/**
 * An Amazon SES v2 email template that exists, with the same name, in both regions of a
 * global endpoint.
 */
export interface IMultiRegionEmailTemplate extends IResource {
  /**
   * The template's name, the same in both regions (`Content.Template.TemplateName` of a send).
   *
   * @attribute
   */
  readonly templateName: string;
}

/**
 * Properties of a {@link MultiRegionEmailTemplate}.
 */
export interface MultiRegionEmailTemplateProps {
  /**
   * The second region to create the template in, for example the endpoint's
   * `secondaryRegion`. The first is the stack's own region (the primary).
   *
   * Must be a region name such as `us-west-2`, different from the stack's region. Changing it
   * replaces the template there: the new one is created before the old one is deleted.
   */
  readonly secondaryRegion: string;

  /**
   * The template's name in both regions: 1-64 characters of letters, digits, `_` and `-`,
   * unique in the account and each region.
   *
   * Changing it replaces the template in both regions.
   *
   * @default - generated from the stack name and the construct path
   */
  readonly templateName?: string;

  /**
   * The subject line. It may use replacement tags such as `{{name}}`.
   */
  readonly subject: string;

  /**
   * The body for email clients that do not show HTML. At least one of `text` and `html` must be
   * given; together with `subject` and `html`, at most 500 KB (SES's limit for one template).
   *
   * @default - no text part (then `html`)
   */
  readonly text?: string;

  /**
   * The HTML body. At least one of `text` and `html` must be given.
   *
   * @default - no HTML part (then `text`)
   */
  readonly html?: string;

  /**
   * Tags to apply to the template in both regions. Changes are applied in place. `Tags.of(scope)`
   * reaches the template too, merged with these.
   *
   * At most 49 (SES allows 50 and this library keeps one to mark the templates it owns).
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the template in both regions when it is removed from the stack or replaced.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long to wait, in each region, for the template to be visible with the wanted content
   * before the deployment fails. Between 5 seconds and 55 minutes, in whole seconds.
   *
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
}

/**
 * An SES v2 email template kept in step in both regions of a global endpoint, from one
 * definition: a send through the endpoint may be served by either region, so its template must
 * exist in both.
 *
 * Deploying creates the template, with the same name, content and tags, in the stack's region
 * and in `secondaryRegion`, and waits until both are visible with that content. An update
 * changes both; removing it deletes both. Templates this library did not create are never
 * modified or deleted.
 *
 * @resource Custom::SESEmailTemplate
 */
export class MultiRegionEmailTemplate extends Resource implements IMultiRegionEmailTemplate, ITaggable {
  /** The CloudFormation resource type of the custom resources (one per region). */
  public static readonly RESOURCE_TYPE = EMAIL_TEMPLATE_RESOURCE_TYPE;

  /**
   * The template's name. Using it makes a resource wait until the template exists in both
   * regions with its content.
   *
   * @attribute
   */
  public readonly templateName: string;

  /**
   * The template's ARN in the primary region (the stack's):
   * `arn:${Partition}:ses:${Region}:${Account}:template/${TemplateName}`.
   *
   * @attribute
   */
  public readonly templateArn: string;

  /** The primary region: the stack's region. */
  public readonly primaryRegion: string;

  /** The secondary region. */
  public readonly secondaryRegion: string;

  /** The template's tags in both regions: `props.tags` merged with what `Tags.of()` adds. */
  public readonly tags: TagManager;

  /** The custom resources, primary first. */
  private readonly resources: CustomResource[];

  /**
   * @param scope the construct scope; the primary template is created in its stack's region
   * @param id the construct id
   * @param props the template's content, name, secondary region and options
   */
  constructor(scope: Construct, id: string, props: MultiRegionEmailTemplateProps) {
    super(scope, id, { physicalName: props.templateName });
    const stack = Stack.of(this);
    const provider = SesProvider.getOrCreate(this);

    this.primaryRegion = stack.region;
    this.secondaryRegion = props.secondaryRegion;
    validateSecondaryRegion(props.secondaryRegion, stack.region);
    const templateName = props.templateName ?? generatedNamePrefix(stableStackName(stack), this.node.path);
    if (props.templateName !== undefined) {
      validateTemplateName(props.templateName);
      claimUniqueName(namesIn(explicitNames, stack), 'templateName', props.templateName, this.node.path);
    }
    const unresolved = (value: unknown) => Token.isUnresolved(value);
    throwIfAny(templateContentErrors({ subject: props.subject, text: props.text, html: props.html }, CONSTRUCT_CONTENT_PROPS, unresolved));
    throwIfAny(tagValidationErrors(Object.entries(props.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))));
    this.tags = new TagManager(TagType.KEY_VALUE, MultiRegionEmailTemplate.RESOURCE_TYPE, props.tags);
    // Tags.of() adds tags later (an aspect), so check the merged set once more before synthesis.
    this.node.addValidation({ validate: () => tagValidationErrors(this.renderedTags(), 'tags` and `Tags.of()') });
    const timeoutSeconds = props.timeout ? props.timeout.toMilliseconds({ integral: false }) / 1000 : DEFAULT_TEMPLATE_TIMEOUT_SECONDS;
    throwIfAny([timeoutError(timeoutSeconds)].filter((e): e is string => e !== undefined));

    const resourceIn = (resourceId: string, region: string, secondary: boolean) => {
      const resource = new CustomResource(this, resourceId, {
        serviceToken: provider.serviceToken,
        resourceType: MultiRegionEmailTemplate.RESOURCE_TYPE,
        properties: {
          Region: region,
          ...(secondary ? { Secondary: true } : {}),
          TemplateName: templateName,
          Subject: props.subject,
          Text: props.text,
          Html: props.html,
          // Sorted by key, so the template does not change with the object's key order.
          Tags: Lazy.any({ produce: () => this.renderedTags() }),
          TimeoutSeconds: timeoutSeconds,
        },
        removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
        // CloudFormation's own limit, past the handler's: the handler's message comes first.
        serviceTimeout: Duration.seconds(serviceTimeoutSeconds(timeoutSeconds)),
      });
      // Both take turns in the stack's one schedule of SES calls, whatever their region.
      provider.schedule(resource);
      return resource;
    };

    // The secondary region first: the primary's attributes (templateName, templateArn) then
    // mean that the template exists in both regions.
    const secondary = resourceIn('Secondary', props.secondaryRegion, true);
    const primary = resourceIn('Primary', stack.region, false);
    primary.node.addDependency(secondary);

    // The primary region never changes for a deployed stack: its permissions go on the
    // provider's role, once per stack.
    grantInStackRegion(provider, TEMPLATES);
    primary.node.addDependency(provider.role);
    // The secondary region's permissions live in a policy of that region (one per stack and
    // region), and the resource's logical id names the region: changing secondaryRegion makes
    // CloudFormation create a new resource (and policy), then delete the old resource before
    // the old policy, so the old template's deletion still has its permissions.
    secondary.node.addDependency(secondaryRegionPolicy(this, provider, props.secondaryRegion, TEMPLATES));
    secondary.node.addDependency(provider.role);
    const element = secondary.node.defaultChild as CfnElement;
    element.overrideLogicalId(`${stack.getLogicalId(element)}${regionHash(Token.isUnresolved(props.secondaryRegion) ? undefined : props.secondaryRegion)}`);

    this.resources = [primary, secondary];
    this.templateName = primary.getAttString('TemplateName');
    this.templateArn = primary.getAttString('Arn');
  }

  /**
   * The template's ARN in `region` (the primary or the secondary region):
   * `arn:${Partition}:ses:${region}:${Account}:template/${TemplateName}`.
   *
   * @param region the region
   */
  public templateArnIn(region: string): string {
    return Stack.of(this).formatArn({ service: 'ses', region, resource: 'template', resourceName: this.templateName });
  }

  /**
   * What happens to the template in both regions when it is removed from the stack or
   * replaced, as on any L2 construct (the same as the `removalPolicy` prop).
   *
   * @param policy RETAIN keeps the templates in SES; DESTROY deletes them
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    for (const resource of this.resources) resource.applyRemovalPolicy(policy);
  }

  /** The merged tags as SES takes them, sorted by key. */
  private renderedTags(): Array<{ Key: string; Value: string }> {
    return this.tags.renderTags() ?? [];
  }
}

/** What a template resource calls SES for, on the templates of one region. */
const TEMPLATE_ACTIONS = [
  'ses:CreateEmailTemplate',
  'ses:GetEmailTemplate',
  'ses:UpdateEmailTemplate',
  'ses:DeleteEmailTemplate',
  // `template` is a resource type of the tag actions, so no '*' is needed. TagResource:
  // CreateEmailTemplate with Tags requires it; UntagResource: tag updates and handovers.
  'ses:TagResource',
  'ses:UntagResource',
  'ses:ListTagsForResource',
];

/** Every template of the account in `region`. */
function templatesArn(stack: Stack, region: string): string {
  return stack.formatArn({ service: 'ses', region, resource: 'template', resourceName: '*' });
}

const IAM5_REASON = 'Every email template of this account in the region, not exact names: when a new templateName replaces a template, '
  + 'CloudFormation deletes the old one after the policy already names the new one. The handler only writes and deletes templates '
  + 'that carry this resource\'s ownership tag.';

/** Email templates, as the provider's role manages them in each region. */
const TEMPLATES: RegionalObjectKind = {
  grantKey: 'email-templates',
  policyIdPrefix: 'cdk-ses-multi-region-endpoint.EmailTemplates.',
  statementsIn: (stack, region) => [new iam.PolicyStatement({ sid: 'ManageEmailTemplates', actions: TEMPLATE_ACTIONS, resources: [templatesArn(stack, region)] })],
  acknowledgeIn: (scope, stack, region) => Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagResourceId(stack, templatesArn(stack, region))}]`,
    reason: IAM5_REASON,
  }),
  cleanup: {
    sid: 'CleanUpOwnEmailTemplates',
    actions: ['ses:GetEmailTemplate', 'ses:DeleteEmailTemplate', 'ses:ListTagsForResource', 'ses:TagResource', 'ses:UntagResource'],
    anyRegionArn: (stack) => templatesArn(stack, '*'),
    reason: 'Read, untag and delete email templates of any region: when a secondaryRegion given as a token changes, this policy is '
      + 'updated before CloudFormation deletes the old template. The handler only deletes templates that carry this resource\'s ownership tag.',
  },
};

/** Explicit template names already used in each stack, and by which construct. */
const explicitNames = new WeakMap<Stack, Map<string, string>>();

function validateTemplateName(name: string): void {
  if (Token.isUnresolved(name)) return; // checked by the handler once resolved
  throwIfAny([templateNameError(name)].filter((e): e is string => e !== undefined));
}

function validateSecondaryRegion(region: string, stackRegion: string): void {
  if (Token.isUnresolved(region)) return;
  const error = otherRegionError(region, Token.isUnresolved(stackRegion) ? undefined : stackRegion, 'secondaryRegion', 'the primary template is created');
  if (error) throw new Error(error);
}
