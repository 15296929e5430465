/**
 * cdk-nag (AwsSolutions) acknowledgments for this library's own provider resources,
 * each with its reason. Applied by the library to its private constructs only, never to
 * the user's. cdk-nag matches a finding id exactly, so ids are computed for the stack.
 */
import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { IConstruct } from 'constructs';

/** A token-bearing string as cdk-nag renders it in finding ids: `${Ref}` -> `<Ref>`, GetAtt -> `<Id.Attr>`. */
export function nagResourceId(stack: Stack, value: string): string {
  const render = (node: any): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node?.['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(render).join(node['Fn::Join'][0]);
    if (node?.['Fn::GetAtt']) return `<${render(node['Fn::GetAtt'][0])}.${render(node['Fn::GetAtt'][1])}>`;
    if (node?.Ref) return `<${render(node.Ref)}>`;
    return JSON.stringify(node);
  };
  return Token.isUnresolved(value) ? render(stack.resolve(value)) : value;
}

/** Acknowledges what the CDK Provider framework (aws-cdk-lib/custom-resources) itself creates. */
export function acknowledgeProviderFramework(provider: cr.Provider, userFunctions: IConstruct[]): void {
  const stack = Stack.of(provider);
  const invoked = [
    ...userFunctions,
    provider.node.findChild('framework-isComplete'),
    provider.node.findChild('framework-onTimeout'),
  ].map((fn) => ({
    id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
    reason: 'The CDK Provider framework grants lambda:InvokeFunction on this provider\'s own function and its versions '
      + '(function ARN and ARN:*); nothing else.',
  }));
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The CDK Provider framework\'s own functions (framework-onEvent, -isComplete, -onTimeout) use AWSLambdaBasicExecutionRole '
        + 'to write their logs; it only allows CloudWatch Logs writes.',
    },
    ...invoked,
    {
      id: 'AwsSolutions-SF1',
      reason: 'The CDK Provider framework\'s waiter state machine only retries isComplete; every handler call and its SES '
        + 'outcome are logged to the provider\'s log group, so Step Functions execution logs would add cost, not information.',
    },
    {
      id: 'AwsSolutions-SF2',
      reason: 'The CDK Provider framework\'s waiter state machine runs one Lambda task in a retry loop and exposes no tracing option; '
        + 'X-Ray would add nothing the handlers\' logs do not show.',
    },
  );
}
