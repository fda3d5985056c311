import { Aws, Fn, Token } from 'aws-cdk-lib';
import { shortDigest } from './hash';

/**
 * A physical name unique in the account and region: the platform's name (by default the name
 * of the stack that holds the platform, never the stack a workload lives in: a nested stack's
 * name is a token at synth, CloudFormation names it `<parent>-<logical id>-<suffix>`) and an ID.
 * A name longer than `maxLength` keeps its start and ends in a digest of the whole, so that it
 * stays unique and stable.
 */
export function platformScopedName(platformName: string, id: string, maxLength: number): string {
  return fitName(`${platformName}-${id}`, maxLength);
}

/** A name shortened to `maxLength`: its start, a hyphen and a digest of the whole name. */
export function fitName(name: string, maxLength: number): string {
  if (Token.isUnresolved(name) || name.length <= maxLength) return name;
  return `${name.slice(0, maxLength - 9)}-${shortDigest(name, 8)}`;
}

/** The length of {@link stackInstanceSuffix}. */
export const STACK_INSTANCE_SUFFIX_LENGTH = 8;

/**
 * The first 8 hex digits of the GUID that ends the ID of the stack instance holding `scope`
 * (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<guid>`): a stack deleted and
 * created again gets a new one. A token, resolved by CloudFormation.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-stackid
 */
export function stackInstanceSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/**
 * A name unique to this instance of the stack, for a resource that is retained when the
 * stack is deleted and whose name must be unique: `name`, fitted, then `-` and
 * {@link stackInstanceSuffix}, at most `maxLength` characters in all. Deploying the stack
 * again after deleting it creates a new resource beside the retained one.
 */
export function instanceUniqueName(name: string, maxLength: number): string {
  return `${fitName(name, maxLength - STACK_INSTANCE_SUFFIX_LENGTH - 1)}-${stackInstanceSuffix()}`;
}

/**
 * Where a platform published under `platformName` writes what services need, in SSM Parameter
 * Store of its account and Region: `/cdk-container-platform/platform/<platformName>/`. Parameter
 * names allow letters, digits, `_ . -` and `/` for the hierarchy, at most 15 levels.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
 */
export function publicationPrefix(platformName: string): string {
  return `/cdk-container-platform/platform/${platformName}/`;
}
