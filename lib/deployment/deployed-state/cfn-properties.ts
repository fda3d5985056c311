import { CfnResource, IResolvable, IResolveContext, Token } from 'aws-cdk-lib';

/** The two members every generated L1 class has, protected in aws-cdk-lib's typings. */
interface L1Properties {
  readonly cfnProperties: Record<string, unknown>;
  renderProperties(props: Record<string, unknown>): Record<string, unknown>;
}

/** Edits the properties of an L1 in its camelCase form, before they are resolved. */
export type PropertyEdit = (props: Record<string, unknown>) => Record<string, unknown>;

/** Edits the properties in CloudFormation's form, after they are resolved and rendered. */
export type RenderedEdit = (props: Record<string, any>) => Record<string, any>;

/**
 * The properties of an L1 resource as CloudFormation receives them, as a token to place in
 * another resource's properties: `edit` removes or replaces some of them first, `after`
 * changes the rendered result. It renders exactly as the L1 renders itself (its properties
 * resolved in the normal resolution pass, then `renderProperties` in a post-processor), so
 * nothing is resolved ahead of time and CDK's cross-stack reference pass sees every reference.
 * The L2 constructs fill some properties in late (containers, load balancers, volumes): they
 * are read when the token is resolved.
 *
 * Property overrides (`addPropertyOverride`) are not part of it.
 */
export function templateProperties(resource: CfnResource, edit: PropertyEdit, after: RenderedEdit = (p) => p): IResolvable {
  return new RenderedProperties(resource, edit, after);
}

class RenderedProperties implements IResolvable {
  public readonly creationStack: string[] = [];

  constructor(private readonly resource: CfnResource, private readonly edit: PropertyEdit, private readonly after: RenderedEdit) {}

  public resolve(context: IResolveContext): unknown {
    // `cfnProperties` and `renderProperties` are how each generated L1 class renders itself.
    const l1 = this.resource as unknown as L1Properties;
    context.registerPostProcessor({ postProcess: (resolved) => this.after(l1.renderProperties(resolved ?? {})) });
    return this.edit({ ...l1.cfnProperties });
  }

  public toString(): string {
    return Token.asString(this);
  }
}
