import { Problems } from '../private/errors';

/**
 * Checks the props of a secure repository; records the problems in `p`.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (countNumber: 1 to 10000)
 */
export function validateSecureRepository(p: Problems, props: { readonly keepImages?: number }): void {
  p.intRange('keepImages', props.keepImages, 1, 10000);
}
