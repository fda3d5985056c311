import { Deployment, DeploymentKind } from '../policy/deployment';
import { CodeDeployStrategy } from './codedeploy';
import { EcsBlueGreenStrategy } from './ecs-blue-green';
import { RollingStrategy } from './rolling';
import { ServiceStrategy } from './strategy';

/** The strategy of each deployment policy. */
const STRATEGIES: Record<DeploymentKind, (deployment: Deployment) => ServiceStrategy> = {
  [DeploymentKind.ALL_AT_ONCE]: (d) => new RollingStrategy(d),
  [DeploymentKind.ROLLING]: (d) => new RollingStrategy(d),
  [DeploymentKind.ROLLING_WITH_ADDITIONAL_BATCH]: (d) => new RollingStrategy(d),
  [DeploymentKind.IMMUTABLE]: (d) => new RollingStrategy(d),
  [DeploymentKind.BLUE_GREEN]: (d) => new CodeDeployStrategy(d),
  [DeploymentKind.ECS_BLUE_GREEN]: (d) => new EcsBlueGreenStrategy(d),
};

/** A new strategy for one service deployed with `deployment` (a policy may be shared; a strategy is not). */
export function strategyFor(deployment: Deployment): ServiceStrategy {
  return STRATEGIES[deployment.kind](deployment);
}
