import type { IConstruct } from 'constructs';
import type { ContainerPlatform } from './container-platform';

/**
 * A part of which a platform has at most one, made on first use (the smoke test, the CodeDeploy
 * application, the deployed-state function, the blue/green service provider). The module that
 * owns the part declares its key; the platform holds the instance by that key, so nobody finds
 * it by a child-id string and the platform does not import the part.
 */
export class PlatformSingleton<T extends IConstruct> {
  /** @param create makes the part in the platform (with its construct ID: a public contract) */
  constructor(public readonly create: (platform: ContainerPlatform) => T) {}
}
