import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { IContainerPlatform, PlatformSingleton } from '../foundation/platform-contract';

/** The platform's one CodeDeploy application. */
const DEPLOYMENT_APPLICATION = new PlatformSingleton((platform) => new codedeploy.EcsApplication(platform, 'DeploymentApplication'));

/** The CodeDeploy application of a platform, created with its first blue/green service. */
export function platformApplication(platform: IContainerPlatform): codedeploy.EcsApplication {
  return platform._singleton(DEPLOYMENT_APPLICATION);
}
