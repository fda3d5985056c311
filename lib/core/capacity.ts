import * as ecs from 'aws-cdk-lib/aws-ecs';
import { DEFAULTS } from '../private/defaults';
import { rememberOptions } from '../private/known-keys';

/** Options of {@link Capacity.spot}. */
export interface SpotCapacityOptions {
  /**
   * Tasks that always run on on-demand Fargate before any weight applies (0 to 100000).
   * @default 1
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html
   */
  readonly onDemandBase?: number;
  /**
   * Relative share of tasks beyond the base on on-demand Fargate (0 to 1000; one of the two weights above 0).
   * @default 1
   */
  readonly onDemandWeight?: number;
  /**
   * Relative share of tasks beyond the base on Fargate Spot (0 to 1000).
   * @default 3
   */
  readonly spotWeight?: number;
}

/** Where a service's tasks run: on-demand Fargate, or a mix with Fargate Spot. */
export class Capacity {
  /** Every task on on-demand Fargate. */
  public static onDemand(): Capacity {
    return new Capacity([{ capacityProvider: 'FARGATE', base: 0, weight: 1 }]);
  }

  /**
   * An on-demand base, the rest shared between on-demand and Spot by weight.
   * Spot tasks can be stopped with two minutes' notice; keep the base at your minimum.
   * Fargate Spot runs X86_64 Linux tasks only: ARM64 tasks need `Capacity.onDemand()`.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
   */
  public static spot(options: SpotCapacityOptions = {}): Capacity {
    return rememberOptions(new Capacity([
      { capacityProvider: 'FARGATE', base: options.onDemandBase ?? DEFAULTS.onDemandBase, weight: options.onDemandWeight ?? DEFAULTS.onDemandWeight },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: options.spotWeight ?? DEFAULTS.spotWeight },
    ]), 'SpotCapacityOptions', 'Capacity.spot', options);
  }

  private constructor(
    /** The capacity provider strategy. */
    public readonly strategies: ecs.CapacityProviderStrategy[],
  ) {}
}
