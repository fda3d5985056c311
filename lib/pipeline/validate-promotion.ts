import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { Problems } from '../private/errors';
import { deployedStack } from '../private/stacks';
import type { PromotionEnvironmentOptions, PromotionPipelineProps } from './promotion-options';
import { validateApproval, validateBuild } from './validate-pipeline';

/** An architecture's name, as ecs.CpuArchitecture spells its constants. */
export function architectureName(architecture: ecs.CpuArchitecture): string {
  return architecture === ecs.CpuArchitecture.ARM64 ? 'ARM64' : architecture === ecs.CpuArchitecture.X86_64 ? 'X86_64' : 'another architecture';
}

/** The pipeline's props, and a stack with an explicit account and Region: the environments' roles name them. */
export function validatePromotionPipeline(p: Problems, scope: IConstruct, props: PromotionPipelineProps): void {
  p.require(props.source !== undefined, 'source', props.source, 'a Source: where the pipeline gets its code', 'add source: Source.codeCommit()');
  props.source?._validate(p, 'source');
  validateBuild(p, props, '');
  const stack = deployedStack(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    p.add('stack env', `${stack.stackName} (${stack.account}/${stack.region})`,
      'a stack with an explicit account and Region: the environments\' roles trust the pipeline\'s roles by ARN',
      'create the stack with env: { account, region }');
  }
  const arch = props.cpuArchitecture;
  if (arch !== undefined) {
    p.require(arch === ecs.CpuArchitecture.X86_64 || arch === ecs.CpuArchitecture.ARM64, 'cpuArchitecture', architectureName(arch),
      'X86_64 or ARM64, the architectures Fargate runs', 'use ecs.CpuArchitecture.X86_64 or ecs.CpuArchitecture.ARM64');
  }
}

/**
 * An environment's name (a stage of CodePipeline, also in construct IDs and role names), unique
 * in the pipeline, and its options: no approval before the first environment.
 * @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StageDeclaration.html (name: [A-Za-z0-9.@\-_]+)
 */
export function validateEnvironment(p: Problems, name: string, options: PromotionEnvironmentOptions, others: Array<{ readonly name: string }>): void {
  p.require(/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(name), 'name', name,
    'letters, digits and hyphens, starting with a letter, at most 40 characters (it names a stage and the roles of the environment)', "use a name such as 'Staging'");
  const taken = others.map((e) => e.name);
  p.require(!taken.includes(name), 'name', name, `a name no other environment of the pipeline has (${taken.join(', ')})`, 'give each environment its own name');
  p.require(others.length > 0 || options.approval === undefined, 'approval', options.approval,
    'no approval before the first environment (it deploys what was built; an approval comes before every later one)',
    'remove approval, or give it to the next environment');
  validateBuild(p, { testCommands: options.testCommands }, '');
  if (options.approval) validateApproval(p, 'approval', options.approval);
}
