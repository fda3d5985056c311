import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';

/** Properties of a {@link SecureRepository}. */
export interface SecureRepositoryProps {
  /**
   * How many images to keep; older ones expire. Untagged images expire after a day.
   * @default 30
   */
  readonly keepImages?: number;
  /**
   * A KMS key to encrypt the images with.
   * @default - AES256 (Amazon S3-managed keys)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the repository (and its images) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An ECR repository with secure defaults: scan on push, immutable tags, encryption,
 * a lifecycle policy that keeps the last images, and retained on stack deletion.
 */
export class SecureRepository extends Construct {
  public readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: SecureRepositoryProps = {}) {
    super(scope, id);
    const p = new Problems(this);
    p.intRange('keepImages', props.keepImages, 1, 10000);
    p.throwIfAny();
    const keep = props.keepImages ?? DEFAULTS.keepImages;
    const keepIsNumber = !Token.isUnresolved(keep);
    this.repository = new ecr.Repository(this, 'Resource', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: props.encryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          rulePriority: 1,
          description: `Expire untagged images after ${DEFAULTS.untaggedImageExpiryDays} day`,
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(DEFAULTS.untaggedImageExpiryDays),
        },
        {
          rulePriority: 2,
          description: keepIsNumber ? `Keep the last ${keep} images` : 'Keep the last images',
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount: keep,
        },
      ],
    });
  }
}
