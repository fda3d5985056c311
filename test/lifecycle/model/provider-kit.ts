/**
 * What the resource handlers share: generated physical names, attributes, and a provider
 * built from three functions.
 */
import type { Applied, Provider, ProviderContext, ResourceState } from './cloudformation';

type Props = Record<string, any>;

/** A generated physical name: `<stack>-<logical id>-<suffix>`, cut to the type's limit. */
export function generatedName(ctx: ProviderContext, max = 64, lower = false): string {
  const base = `${ctx.stack.name}-${ctx.logicalId}`.slice(0, max - 9);
  const name = `${base}-${ctx.world.ids.suffix()}`;
  return lower ? name.toLowerCase() : name;
}

/** A resource's attributes: the known ones, and a made-up value for any other the template reads. */
export function withAttributes(known: Record<string, unknown>, id: string): Record<string, unknown> {
  return new Proxy(known, { has: () => true, get: (t, k: string) => (k in t ? t[k] : `${id}.${k}`) });
}

/** A provider from three functions (update defaults to keeping the physical id). */
export function provider(p: {
  create(ctx: ProviderContext, props: Props): Promise<Applied> | Applied;
  update?(ctx: ProviderContext, current: ResourceState, props: Props, old: Props): Promise<Applied | void> | Applied | void;
  delete?(ctx: ProviderContext, current: ResourceState): Promise<void> | void;
}): Provider {
  return {
    create: async (ctx, props) => p.create(ctx, props),
    update: async (ctx, current, props, old) =>
      (await p.update?.(ctx, current, props, old)) ?? { physicalId: current.physicalId, attributes: current.attributes },
    delete: async (ctx, current) => { await p.delete?.(ctx, current); },
  };
}
