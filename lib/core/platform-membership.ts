// What a workload does as a member of a published platform, or of a platform imported by name:
// services, workers, scheduled jobs and event tasks alike.
import { AspectPriority, Aspects, IAspect } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { claimPlaces, nameClaim, PlaceClaim } from '../deployment/claims/claims';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { platformRolePath } from '../foundation/platform-resources';
import { acknowledgeTemplateRule, ExplicitActions } from '../private/compliance';

/** Gives every role made under a construct that has none the IAM path of a platform. */
class RolePath implements IAspect {
  constructor(private readonly path: string) {}

  public visit(node: IConstruct): void {
    if (node instanceof iam.CfnRole && node.path === undefined) node.path = this.path;
  }
}

/**
 * A workload's membership of its platform beyond synth: for a platform imported by name (or a
 * workload a pipeline promotes), every role the workload makes goes under the platform's IAM
 * path, which the platform's provider may pass to ECS (one statement for all importers, in the
 * platform's account); for a published or
 * imported platform, the workload claims its name (and what `claims` adds: a service's rule
 * priority and route) at deploy, before `dependents` are created (`Custom::PlatformClaims`).
 */
export function joinPlatform(workload: Construct, platform: IContainerPlatform, workloadName: string, claims: PlaceClaim[], dependents: IConstruct[],
  promoted = false): void {
  const imported = PlatformContext.of(platform).imported !== undefined;
  // Outside the platform's tree, the platform's own rewrite of aws-cdk-lib's wildcard actions does not reach the workload.
  if (imported) Aspects.of(workload).add(new ExplicitActions());
  // A promoted workload's roles too: the pipeline's repository lets exactly the roles under the path pull.
  if (imported || promoted) {
    Aspects.of(workload).add(new RolePath(platformRolePath(platform)), { priority: AspectPriority.MUTATING });
    // A role with a path must be named by its ARN where a property takes a name or an ARN, which
    // the projects do (Fn::GetAtt Arn); aws-cdk-lib's built-in validator still reports a Ref there.
    // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codebuild-project.html#cfn-codebuild-project-servicerole
    for (const project of workload.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project)) {
      acknowledgeTemplateRule(project.node.defaultChild!, 'E3050',
        'The project names its role with Fn::GetAtt Arn, as a role with a path requires; aws-cdk-lib\'s built-in validator reports a Ref all the same (cfn-lint accepts the template).');
    }
  }
  claimPlaces(workload, platform, [nameClaim(workloadName), ...claims], dependents);
}
