import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { newPlatform, templateOf } from '../util';

/** The platform's KMS key: which AWS services may use it, on what, and its removal policy. */

/** The statements of the key policy that name the service `service` among their principals, each with that principal only. */
function statementsFor(template: Template, service: string): any[] {
  const keys = Object.values(template.findResources('AWS::KMS::Key')) as any[];
  expect(keys).toHaveLength(1);
  return keys[0].Properties.KeyPolicy.Statement
    .filter((s: any) => [s.Principal?.Service].flat().includes(service))
    .map((s: any) => ({ ...s, Principal: { Service: service } }));
}

describe('the key policy lets each AWS service that uses the key do so only for this account\'s resources', () => {
  let template: Template;
  beforeAll(() => {
    const { stack } = newPlatform();
    template = templateOf(stack);
  });

  // SNS encrypts a topic's messages under the encryption context aws:sns:topicArn.
  // https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html
  const topicsOfThisAccount = { 'kms:EncryptionContext:aws:sns:topicArn': 'arn:aws:sns:eu-west-1:111111111111:*' };

  test('CloudWatch alarms: only for this account\'s alarms and topics', () => {
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    expect(statementsFor(template, 'cloudwatch.amazonaws.com')).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*', ...topicsOfThisAccount },
      },
    }]);
  });

  test('EventBridge: only for this account\'s topics (SNS does not support aws:SourceAccount or aws:SourceArn for EventBridge)', () => {
    expect(statementsFor(template, 'events.amazonaws.com')).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { ArnLike: topicsOfThisAccount },
    }]);
  });

  test('CodeStar Notifications (pipeline notifications): only for this account\'s topics', () => {
    expect(statementsFor(template, 'codestar-notifications.amazonaws.com')).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'codestar-notifications.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { ArnLike: topicsOfThisAccount },
    }]);
  });

  test('CloudWatch Logs: only for this account\'s log groups in the region', () => {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    expect(statementsFor(template, 'logs.eu-west-1.amazonaws.com')).toEqual([expect.objectContaining({
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*' } },
    })]);
  });
});

describe('the key\'s removal policy', () => {
  test('is the platform\'s removalPolicy', () => {
    // GIVEN / WHEN a platform whose stateful resources are destroyed with the stack
    const { stack } = newPlatform({ removalPolicy: RemovalPolicy.DESTROY });
    // THEN the key goes too
    templateOf(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('is RETAIN by default', () => {
    // GIVEN / WHEN
    const { stack } = newPlatform();
    // THEN
    templateOf(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
