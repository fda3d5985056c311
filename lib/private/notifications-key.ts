import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The platform's one KMS key for its SNS topics: rotated, retained, and usable by the
 * services that publish to the topics (CodeStar Notifications, EventBridge, CloudWatch).
 */
export function notificationsKey(platform: Construct): kms.Key {
  const existing = platform.node.tryFindChild('NotificationsKey');
  if (existing) return existing as kms.Key;
  const key = new kms.Key(platform, 'NotificationsKey', {
    description: `Encrypts the notification topics of ${platform.node.path}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const service of ['codestar-notifications.amazonaws.com', 'events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
  }
  return key;
}
