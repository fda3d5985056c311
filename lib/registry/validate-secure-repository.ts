import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { Problems } from '../private/errors';

/**
 * Checks the props of a secure repository; records the problems in `p`.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (countNumber: 1 to 10000)
 */
export function validateSecureRepository(p: Problems, props: { readonly keepImages?: number; readonly removalPolicy?: RemovalPolicy }): void {
  // The count is written into the lifecycle policy's JSON text, where a token would stay a
  // reference ECR cannot read (a nested stack would not even receive the parameter).
  p.require(!Token.isUnresolved(props.keepImages), 'keepImages', 'an unresolved token',
    'a number known at synth (it is written into the text of the lifecycle policy)', 'pass a literal such as 30');
  p.intRange('keepImages', props.keepImages, 1, 10000);
  p.removalPolicy('removalPolicy', props.removalPolicy);
}
