import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform } from '../../foundation/platform-contract';

/**
 * The platform's one CodeDeploy application. A published platform names it after itself: a
 * pipeline in another account deploys through it by name.
 */
const DEPLOYMENT_APPLICATION = new PlatformSingleton(['DeploymentApplication'], (platform) => new codedeploy.EcsApplication(platform, 'DeploymentApplication', {
  applicationName: PlatformContext.of(platform).published ? platform.platformName : undefined,
}));

/**
 * The CodeDeploy application of a platform, created with its first blue/green service (with the
 * platform, when it is published); the published one for a platform imported by name.
 */
export function platformApplication(platform: IContainerPlatform): codedeploy.IEcsApplication {
  const context = PlatformContext.of(platform);
  return context.imported?.application ?? context.singleton(DEPLOYMENT_APPLICATION);
}
