import { Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Problems } from '../private/errors';
import { Capacity } from './capacity';

/**
 * Checks a capacity provider strategy: each base 0-100000 and weight 0-1000 (whole numbers),
 * at least one weight above 0, and no Fargate Spot for ARM64 tasks.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
 *   ("Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider")
 */
export function validateCapacity(p: Problems, capacity: Capacity | undefined, architecture: ecs.CpuArchitecture | undefined): void {
  if (!capacity) return;
  const strategies = capacity.strategies;
  const onDemand = strategies.find((s) => s.capacityProvider === 'FARGATE');
  const spot = strategies.find((s) => s.capacityProvider === 'FARGATE_SPOT');
  if (!spot) return; // Capacity.onDemand(): fixed by the library.
  p.intRange('capacity.onDemandBase', onDemand?.base, 0, 100_000);
  p.intRange('capacity.onDemandWeight', onDemand?.weight, 0, 1000);
  p.intRange('capacity.spotWeight', spot.weight, 0, 1000);
  const weights = [onDemand?.weight ?? 0, spot.weight ?? 0];
  if (weights.every((w) => !Token.isUnresolved(w) && w === 0)) {
    p.add('capacity', { onDemandWeight: weights[0], spotWeight: weights[1] },
      'a weight above 0 for at least one of onDemandWeight and spotWeight', 'give onDemandWeight or spotWeight a weight from 1 to 1000');
  }
  if (architecture === ecs.CpuArchitecture.ARM64) {
    p.add('capacity', strategies.map((s) => s.capacityProvider),
      'Capacity.onDemand() for ARM64 tasks (Fargate Spot runs only X86_64 Linux tasks)',
      'use Capacity.onDemand(), or build the image for X86_64 to run it on Spot');
  }
}
