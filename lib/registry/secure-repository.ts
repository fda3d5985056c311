import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BOOTSTRAP_TAG } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { validateSecureRepository } from './validate-secure-repository';

/** Properties of a {@link SecureRepository}. */
export interface SecureRepositoryProps {
  /**
   * How many of the last pushed images to keep; older ones expire, except the one tagged
   * `bootstrap`, which never does. Untagged images expire after a day. The image a service runs
   * is kept as long as it is among the last `keepImages` pushes: more builds than that which
   * never reached the service (failed smoke tests, rejected approvals, rollbacks) let it
   * expire, and ECS could then not start its tasks again. Raise it if that can happen.
   * @default 30
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
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
  /** The ECR repository. */
  public readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: SecureRepositoryProps = {}) {
    super(scope, id);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'SecureRepositoryProps');
    validateSecureRepository(p, props);
    p.throwIfAny();
    const keep = props.keepImages ?? DEFAULTS.keepImages;
    const keepIsNumber = !Token.isUnresolved(keep);
    this.repository = new ecr.Repository(this, 'Resource', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: props.encryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // ECR refuses to delete a repository that has images: one deleted with the stack takes them with it.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html#cfn-ecr-repository-emptyondelete
      emptyOnDelete: props.removalPolicy === RemovalPolicy.DESTROY ? true : undefined,
      // ECR applies the rules by priority, and an image that matches the tagging requirements of
      // a rule cannot be expired by a rule with a lower priority: the first rule keeps the one
      // image tagged `bootstrap` whatever the count of the last rule (which still counts it).
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules
      lifecycleRules: [
        {
          rulePriority: 1,
          description: `Never expire the ${BOOTSTRAP_TAG} image: the task definition a service was created with runs it`,
          tagStatus: ecr.TagStatus.TAGGED,
          tagPrefixList: [BOOTSTRAP_TAG],
          maxImageCount: 1,
        },
        {
          rulePriority: 2,
          description: `Expire untagged images after ${DEFAULTS.untaggedImageExpiryDays} day`,
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(DEFAULTS.untaggedImageExpiryDays),
        },
        {
          // The images the pipeline pushes carry one tag each (its build's); the image that runs
          // is among the last `keep` pushes unless more builds than that failed to deploy since.
          rulePriority: 3,
          description: keepIsNumber ? `Keep the last ${keep} images` : 'Keep the last images',
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount: keep,
        },
      ],
    });
  }
}
