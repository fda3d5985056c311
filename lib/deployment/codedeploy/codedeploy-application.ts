import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform } from '../../foundation/platform-contract';

/** The platform's one CodeDeploy application. */
const DEPLOYMENT_APPLICATION = new PlatformSingleton(['DeploymentApplication'], (platform) => new codedeploy.EcsApplication(platform, 'DeploymentApplication'));

/** The CodeDeploy application of a platform, created with its first blue/green service. */
export function platformApplication(platform: IContainerPlatform): codedeploy.EcsApplication {
  return PlatformContext.of(platform).singleton(DEPLOYMENT_APPLICATION);
}
