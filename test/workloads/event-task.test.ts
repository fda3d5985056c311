import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventTask, EventTrigger } from '../../lib';
import { errorOf, newPlatform, templateOf } from '../util';

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37');

test('an object created in the bucket starts the task with the bucket and key as environment overrides', () => {
  // GIVEN a bucket
  const { stack, platform } = newPlatform();
  const bucket = new s3.Bucket(stack, 'Uploads');
  // WHEN an S3-triggered task is added
  new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated(bucket), container: { image } });
  // THEN a rule matches Object Created in that bucket and passes the fields to the container
  templateOf(stack).hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: [{ Ref: Match.stringLikeRegexp('^Uploads') }] } } },
    Targets: [Match.objectLike({
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ThumbnailDeadLetterQueue'), 'Arn'] } },
      InputTransformer: {
        InputPathsMap: { 'detail-bucket-name': '$.detail.bucket.name', 'detail-object-key': '$.detail.object.key' },
        InputTemplate: '{"containerOverrides":[{"name":"app","environment":[{"name":"BUCKET_NAME","value":<detail-bucket-name>},{"name":"OBJECT_KEY","value":<detail-object-key>}]}]}',
      },
    })],
  });
});

/** The bucket notification configuration aws-cdk-lib's Custom::S3BucketNotifications resource puts, and whether it owns the bucket's configuration. */
function notificationsOf(stack: Stack): Array<{ configuration: Record<string, unknown>; managed: unknown }> {
  return Object.values(templateOf(stack).findResources('Custom::S3BucketNotifications'))
    .map((r: any) => ({ configuration: r.Properties.NotificationConfiguration, managed: r.Properties.Managed }));
}

test('the bucket sends its events to EventBridge, through aws-cdk-lib\'s notifications, which a notification the app adds keeps on', () => {
  // GIVEN a bucket created in the app, which also notifies a topic of removed objects
  // (aws-cdk-lib puts a bucket's notifications with one PutBucketNotificationConfiguration:
  // EventBridge turned on beside it, in the bucket's own properties, would be turned off again).
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
  const { stack, platform } = newPlatform();
  const bucket = new s3.Bucket(stack, 'Uploads');
  bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new s3n.SnsDestination(new sns.Topic(stack, 'Removed')));
  // WHEN it triggers a task
  new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated(bucket), container: { image } });
  // THEN one notification configuration has both, and the bucket sets none of its own
  const both = expect.objectContaining({ EventBridgeConfiguration: {}, TopicConfigurations: [expect.anything()] });
  expect(notificationsOf(stack)).toEqual([{ configuration: both, managed: true }]);
  const own = Object.values(templateOf(stack).findResources('AWS::S3::Bucket')).map((b: any) => b.Properties?.NotificationConfiguration);
  expect(own.filter((n) => n)).toEqual([]);
});

test('an imported bucket sends its events to EventBridge too, its other notifications kept', () => {
  // GIVEN a bucket of another stack or app
  const { stack, platform } = newPlatform();
  const bucket = s3.Bucket.fromBucketName(stack, 'Uploads', 'uploads-of-another-app');
  // WHEN it triggers a task
  new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated(bucket), container: { image } });
  // THEN aws-cdk-lib turns EventBridge on, merged into what the bucket has (Managed: false)
  expect(notificationsOf(stack)).toEqual([{ configuration: { EventBridgeConfiguration: {} }, managed: false }]);
  Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('EventBridge'));
});

test('the task role may read exactly the trigger bucket\'s prefix', () => {
  // GIVEN a trigger on a prefix
  const { stack, platform } = newPlatform();
  const bucket = new s3.Bucket(stack, 'Uploads');
  new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated(bucket, { prefix: 'incoming/' }), container: { image } });
  // THEN the task role reads the bucket and the objects under the prefix only
  templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: Match.stringLikeRegexp('^ThumbnailTaskDefinitionTaskRole') }],
    PolicyDocument: { Statement: [{
      Effect: 'Allow',
      Action: ['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketVersioning', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
      Resource: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Uploads'), 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Uploads'), 'Arn'] }, '/incoming/*']] },
      ],
    }] },
  });
});

test('a pattern that is not JSON fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the pattern is not JSON
  const message = errorOf(() => new EventTask(stack, 'Importer', { platform, trigger: EventTrigger.fromJson('source: aws.s3'), container: { image } }));
  // THEN the error names the prop, the value and the fix
  expect(message).toContain('[Test/Importer] 1 invalid prop:');
  expect(message).toContain('trigger.pattern: received "source: aws.s3"; allowed: JSON text');
  expect(message).toContain("Fix: write a JSON object such as");
});

test('an empty pattern fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN the pattern is an empty object
  const message = errorOf(() => new EventTask(stack, 'Importer', { platform, trigger: EventTrigger.fromJson('{}'), container: { image } }));
  // THEN the error asks for a field
  expect(message).toContain('[Test/Importer]');
  expect(message).toContain('trigger.pattern: received {}; allowed: a JSON object with at least one field. Fix: write a JSON object');
});

test('a pattern value that is not an array fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN source is a string instead of an array
  const message = errorOf(() => new EventTask(stack, 'Importer', { platform, trigger: EventTrigger.fromJson('{"source":"aws.s3"}'), container: { image } }));
  // THEN the error names the field and the fix
  expect(message).toContain('[Test/Importer]');
  expect(message).toContain('trigger.pattern: received {"source":"aws.s3"}; allowed: values that are non-empty arrays of matchers, or objects of them (source is "aws.s3", not an array). Fix: wrap each value in an array');
});

test('an environment path that is not a JSON path fails', () => {
  // GIVEN a platform
  const { stack, platform } = newPlatform();
  // WHEN an environment variable is filled from 'detail.id'
  const message = errorOf(() => new EventTask(stack, 'Importer', {
    platform, container: { image },
    trigger: EventTrigger.fromJson('{"source":["my.app"]}', { ORDER_ID: 'detail.id' }),
  }));
  // THEN the error asks for '$.'
  expect(message).toContain('[Test/Importer]');
  expect(message).toContain("trigger.environment.ORDER_ID: received \"detail.id\"; allowed: a JSON path into the event such as '$.detail.object.key'. Fix: start the path with '$.'.");
});

describe('an S3 trigger\'s prefix, bucket and an event\'s variables are checked at synth', () => {
  test.each([
    ['incoming/*', "write 'incoming/'"],
    ['/incoming/', "write 'incoming/'"],
  ])('prefix %p is refused: EventBridge matches the start of the key as written', (prefix, fix) => {
    const { stack, platform } = newPlatform();
    const bucket = new s3.Bucket(stack, 'Uploads');
    const message = errorOf(() => new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated(bucket, { prefix }), container: { image } }));
    expect(message).toContain(`  - trigger.prefix: received "${prefix}"; allowed: the start of the object keys as they are written: no '*' (EventBridge matches the prefix literally, with no wildcards)`);
    expect(message).toContain(`Fix: ${fix}.`);
  });

  test('a bucket name where the bucket goes is refused, naming the fix', () => {
    const { stack, platform } = newPlatform();
    const message = errorOf(() => new EventTask(stack, 'Thumbnail', { platform, trigger: EventTrigger.s3ObjectCreated('my-uploads' as any), container: { image } }));
    expect(message).toContain('  - trigger.bucket: received "my-uploads"; allowed: an s3.IBucket. Fix: pass the bucket construct, such as s3.Bucket.fromBucketName(this, \'Uploads\', \'my-uploads\').');
  });

  test('more than 100 variables from the event are refused (an input transformer takes 100 paths)', () => {
    const { stack, platform } = newPlatform();
    const environment = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, `$.detail.f${i}`]));
    const message = errorOf(() => new EventTask(stack, 'Importer', { platform, trigger: EventTrigger.fromJson('{"source":["my.app"]}', environment), container: { image } }));
    expect(message).toContain('  - trigger.environment: received "101 variables"; allowed: at most 100 variables (EventBridge\'s input transformer takes 100 paths).');
  });
});
