import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { rememberOptions } from '../private/known-keys';

/** Options of {@link EventTrigger.s3ObjectCreated}. */
export interface S3TriggerOptions {
  /**
   * Only objects whose key starts with this prefix start a task; the task may read only them.
   * @default - every object of the bucket
   */
  readonly prefix?: string;
}

/**
 * What starts an {@link EventTask}: an EventBridge event pattern on the default bus, and the
 * event fields passed to the container as environment variables.
 */
export class EventTrigger {
  /**
   * An object created in an S3 bucket. The container gets BUCKET_NAME and OBJECT_KEY, and the
   * task role may read exactly that bucket (or prefix). The bucket's EventBridge notifications
   * are turned on through aws-cdk-lib (`enableEventBridgeNotification`), beside the
   * notifications the app adds; an imported bucket's are merged into those it has.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
   */
  public static s3ObjectCreated(bucket: s3.IBucket, options: S3TriggerOptions = {}): EventTrigger {
    const object: Record<string, unknown> = options.prefix ? { key: [{ prefix: options.prefix }] } : {};
    const pattern = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      // (a bucket that is not one is refused by the task that takes the trigger)
      detail: { bucket: { name: [isBucket(bucket) ? bucket.bucketName : String(bucket)] }, ...(options.prefix ? { object } : {}) },
    };
    const trigger = new EventTrigger(JSON.stringify(pattern), { BUCKET_NAME: '$.detail.bucket.name', OBJECT_KEY: '$.detail.object.key' }, bucket, options.prefix);
    trigger._s3 = true;
    return rememberOptions(trigger, 'S3TriggerOptions', 'EventTrigger.s3ObjectCreated', options);
  }

  /**
   * Any event pattern, written as JSON (it is checked at synth), and the environment variables
   * to fill from the event, by JSON path (for example `{ ORDER_ID: '$.detail.orderId' }`).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   */
  public static fromJson(patternJson: string, environment: { [name: string]: string } = {}): EventTrigger {
    return new EventTrigger(patternJson, environment);
  }

  /** Any event pattern, as aws-cdk-lib's `EventPattern`, and the environment variables to fill from the event. */
  public static fromPattern(pattern: events.EventPattern, environment: { [name: string]: string } = {}): EventTrigger {
    return new EventTrigger(JSON.stringify(pattern), environment);
  }

  private constructor(
    /** The event pattern as JSON. */
    public readonly patternJson: string,
    /** Environment variables of the container and the JSON paths of the event that fill them. */
    public readonly environment: { [name: string]: string },
    /** The bucket of an S3 trigger. */
    public readonly bucket?: s3.IBucket,
    /** The key prefix of an S3 trigger. */
    public readonly prefix?: string,
  ) {}

  /** @internal made by s3ObjectCreated (whatever its bucket argument was) */
  public _s3 = false;
}

/** Whether `value` is a bucket construct (JavaScript can pass a bucket's name instead). */
export function isBucket(value: unknown): value is s3.IBucket {
  return typeof value === 'object' && value !== null && typeof (value as s3.IBucket).grantRead === 'function';
}
