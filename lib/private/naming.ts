import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { shortDigest } from './hash';

/**
 * A physical name unique in the account and region: the name of the stack that holds the
 * platform, and an ID. Always the platform's stack, never the stack a workload lives in: a
 * nested stack's name is a token at synth (CloudFormation names it
 * `<parent>-<logical id>-<suffix>`), so a name derived from it is unknown and can exceed the
 * service's limit. A name longer than `maxLength` keeps its start and ends in a digest of the
 * whole, so that it stays unique and stable.
 */
export function platformScopedName(platform: IConstruct, id: string, maxLength: number): string {
  return fitName(`${Stack.of(platform).stackName}-${id}`, maxLength);
}

/** A name shortened to `maxLength`: its start, a hyphen and a digest of the whole name. */
export function fitName(name: string, maxLength: number): string {
  if (Token.isUnresolved(name) || name.length <= maxLength) return name;
  return `${name.slice(0, maxLength - 9)}-${shortDigest(name, 8)}`;
}
