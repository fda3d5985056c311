import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SecureRepository } from '../../lib';
import { DEFAULTS } from '../../lib/private/defaults';
import { onlyProperties, refTo, serviceTemplate } from '../service/helpers';
import { errorOf, newStack, templateOf } from '../util';

function lifecycleRules(template: Template): any[] {
  return JSON.parse(onlyProperties(template, 'AWS::ECR::Repository').LifecyclePolicy.LifecyclePolicyText).rules;
}

/** An image of a repository: its tags and when it was pushed. */
interface Image {
  readonly tags: string[];
  readonly pushedAt: number;
}

/**
 * The first tag of every image a lifecycle policy keeps, applying ECR's documented evaluation:
 * rules are applied by priority; an image that matches the tagging requirements of a rule
 * cannot be expired by a rule with a lower priority, which still counts it; `tagPrefixList`
 * matches when an image has a tag with each prefix; `imageCountMoreThan` sorts images youngest
 * first and expires those beyond the count (ages are not simulated: every image is younger
 * than `sinceImagePushed` days).
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules
 */
function survivors(rules: any[], images: Image[]): string[] {
  const expired = new Set<Image>();
  const claimed = new Set<Image>();
  for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
    const sel = rule.selection;
    const selected = images.filter((img) => sel.tagStatus === 'any'
      || (sel.tagStatus === 'untagged' && img.tags.length === 0)
      || (sel.tagStatus === 'tagged' && (sel.tagPrefixList as string[]).every((prefix) => img.tags.some((t) => t.startsWith(prefix)))));
    if (sel.countType === 'imageCountMoreThan') {
      const youngestFirst = [...selected].sort((a, b) => b.pushedAt - a.pushedAt);
      youngestFirst.slice(sel.countNumber).filter((img) => !claimed.has(img)).forEach((img) => expired.add(img));
    }
    selected.forEach((img) => claimed.add(img));
  }
  return images.filter((img) => !expired.has(img)).map((img) => img.tags[0]);
}

describe('the repository of a service, by default', () => {
  let template: Template;
  beforeAll(() => {
    // GIVEN a platform / WHEN a service is added without repository options
    template = serviceTemplate().template;
  });

  test('scans images on push', () => {
    // THEN
    template.hasResourceProperties('AWS::ECR::Repository', { ImageScanningConfiguration: { ScanOnPush: true } });
  });

  test('makes tags immutable', () => {
    // THEN
    template.hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'IMMUTABLE' });
  });

  test('encrypts with AES256 (no KMS key)', () => {
    // THEN
    const props = onlyProperties(template, 'AWS::ECR::Repository');
    expect(props.EncryptionConfiguration ?? { EncryptionType: 'AES256' }).toEqual({ EncryptionType: 'AES256' });
    expect(JSON.stringify(props)).not.toContain('KMS');
  });

  test('never expires the bootstrap image, expires untagged images after 1 day, then keeps the last 30 images', () => {
    // THEN
    expect(lifecycleRules(template)).toEqual([
      {
        rulePriority: 1,
        description: 'Never expire the bootstrap image: the task definition a service was created with runs it',
        selection: { tagStatus: 'tagged', tagPrefixList: ['bootstrap'], countType: 'imageCountMoreThan', countNumber: 1 },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: 'Expire untagged images after 1 day',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: DEFAULTS.untaggedImageExpiryDays, countUnit: 'days' },
        action: { type: 'expire' },
      },
      {
        rulePriority: 3,
        description: 'Keep the last 30 images',
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: DEFAULTS.keepImages },
        action: { type: 'expire' },
      },
    ]);
  });

  test('after 45 builds keeps the bootstrap image and the last 30 images', () => {
    // GIVEN the first build pushed one image tagged with its commit and `bootstrap`, and 44 builds followed
    const images: Image[] = [{ tags: ['c0', 'bootstrap'], pushedAt: 0 }];
    for (let i = 1; i < 45; i++) images.push({ tags: [`c${i}`], pushedAt: i });
    // WHEN the repository's lifecycle policy runs
    const kept = survivors(lifecycleRules(template), images);
    // THEN
    expect(kept).toEqual(['c0', ...Array.from({ length: 30 }, (_, i) => `c${15 + i}`)]);
  });

  test('is retained when the stack is deleted or the repository replaced', () => {
    // THEN
    template.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the execution role may pull from exactly this repository', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Effect: 'Allow',
          Resource: refTo('OrdersRepository', 'Arn'),
        }]),
      },
      Roles: [refTo('OrdersTaskDefinitionExecutionRole')],
    });
  });
});

describe('repository options of a service', () => {
  test('keepImages: keeps that many images', () => {
    // GIVEN / WHEN
    const { template } = serviceTemplate({ repository: { keepImages: 5 } });
    // THEN
    expect(lifecycleRules(template)[2]).toEqual({
      rulePriority: 3,
      description: 'Keep the last 5 images',
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 },
      action: { type: 'expire' },
    });
  });

  test('encryptionKey: encrypts with the KMS key', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'ImagesKey', { enableKeyRotation: true });
    // WHEN
    const { template } = serviceTemplate({ repository: { encryptionKey: key } }, {}, stack);
    // THEN
    template.hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: refTo('ImagesKey', 'Arn') },
    });
  });

  test('repository: uses the given repository and creates none', () => {
    // GIVEN
    const stack = newStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Existing', 'team/orders');
    // WHEN
    const { service, template } = serviceTemplate({ repository: { repository } }, {}, stack);
    // THEN
    expect(service.repository).toBe(repository);
    template.resourceCountIs('AWS::ECR::Repository', 0);
  });
});

describe('SecureRepository', () => {
  test('removalPolicy: DESTROY deletes the repository with the stack, its images too (ECR refuses to delete a repository that has images)', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new SecureRepository(stack, 'Repo', { removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html#cfn-ecr-repository-emptyondelete
    templateOf(stack).hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ EmptyOnDelete: true }) });
  });

  test('a retained repository is not emptied', () => {
    const stack = newStack();
    new SecureRepository(stack, 'Repo', {});
    templateOf(stack).hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EmptyOnDelete: Match.absent() }) });
  });

  test('keepImages outside 1..10000 fails with the path, prop, value and fix', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const message = errorOf(() => new SecureRepository(stack, 'Repo', { keepImages: 0 }));
    // THEN
    expect(message).toBe('[Test/Repo] 1 invalid prop:\n'
      + '  - keepImages: received 0; allowed: an integer from 1 to 10000. Fix: set keepImages to a whole number between 1 and 10000.');
  });
});
