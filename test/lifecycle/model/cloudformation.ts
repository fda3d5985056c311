/**
 * The CloudFormation engine of the lifecycle model: given the template a stack runs and the
 * next one, it decides per resource create, update without interruption, update with
 * replacement (from the type's create-only properties) or delete, runs them in dependency
 * order, deletes replaced and removed resources in the cleanup phase, and on a failure rolls
 * back by replaying the previous properties. Nested stacks are stacks of their own whose
 * parameters come from the parent; the whole tree is one operation, as in CloudFormation.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 */
import { CloudAssembly, Template, TemplateResource } from './assembly';
import { ACCOUNT, arn, clone, PARTITION, REGION, same, URL_SUFFIX } from './aws';
import { NO_VALUE, references, resolve, ResolveContext } from './intrinsics';
import { createOnlyPaths, NAME_PROPERTY, valueAt } from './replacement';
import type { World } from './world';

export interface ResourceState {
  readonly logicalId: string;
  readonly type: string;
  physicalId: string;
  attributes: Record<string, unknown>;
  /** The resolved properties as applied (dynamic references left as written). */
  properties: Record<string, unknown>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

export type StackStatus = 'CREATE_COMPLETE' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED' | 'UPDATE_COMPLETE'
| 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED' | 'DELETE_COMPLETE' | 'DELETE_FAILED'
/** The operation never started: CloudFormation refused the template or its parameters (a ValidationError of CreateChangeSet). */
| 'VALIDATION_FAILED';

export interface StackState {
  readonly name: string;
  readonly id: string;
  /** The stack-level tags (a root stack's, as cdk deploy gave them; a nested stack's root's). */
  tags: Record<string, string>;
  /** A nested stack's root and parent stacks. */
  rootId?: string;
  parentId?: string;
  template: Template;
  parameters: Record<string, unknown>;
  resources: Map<string, ResourceState>;
  status: StackStatus;
  assembly: CloudAssembly;
}

/** The outcome of one `cdk deploy` or `cdk destroy` of a root stack. */
export interface Operation {
  readonly stack: string;
  readonly action: 'CREATE' | 'UPDATE' | 'DELETE';
  status: StackStatus;
  /** The first resource that failed, and why. */
  failure?: { stack: string; logicalId: string; message: string };
  /** A resource that failed while rolling back. */
  rollbackFailure?: { stack: string; logicalId: string; message: string };
  /** The failure was a wait that would never end (CloudFormation times out after hours). */
  hung: boolean;
  readonly events: string[];
  readonly warnings: string[];
}

/** Thrown by a provider whose resource never stabilizes: CloudFormation waits until it times out. */
export class StackHang extends Error {}

/**
 * Thrown by a provider whose resource exists although its creation failed (a custom resource
 * that answered FAILED with a physical id, a service that never stabilized): CloudFormation's
 * rollback deletes it like the resources it created.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html
 */
export class CreateFailed extends Error {
  constructor(message: string, public readonly physicalId: string, public readonly hung = false) {
    super(message);
  }
}

/** What a resource provider gets: the engine, the stack, the resource, the running operation. */
export interface ProviderContext {
  readonly world: World;
  readonly stack: StackState;
  readonly logicalId: string;
  readonly type: string;
  readonly run: OperationRun;
  /** True while CloudFormation rolls back. */
  readonly rollingBack: boolean;
}

export interface Applied {
  readonly physicalId: string;
  readonly attributes: Record<string, unknown>;
}

export interface Provider {
  create(ctx: ProviderContext, props: Record<string, unknown>): Promise<Applied>;
  update(ctx: ProviderContext, current: ResourceState, props: Record<string, unknown>, old: Record<string, unknown>): Promise<Applied>;
  delete(ctx: ProviderContext, current: ResourceState): Promise<void>;
  /** Custom resources are always updated in place; their handler replaces them by returning another physical id. */
  readonly inPlaceOnly?: boolean;
  /** A nested stack rolls back through the undo log of its own resources, not by an update of its own. */
  readonly rolledBackByItsResources?: boolean;
}

interface Step {
  readonly describe: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly run: () => Promise<void>;
}

/** The undo log and the cleanup list of one operation over a tree of stacks. */
export class OperationRun {
  public readonly undo: Step[] = [];
  public readonly cleanup: Step[] = [];
  public rollingBack = false;
  constructor(public readonly operation: Operation) {}
  public event(text: string): void {
    this.operation.events.push(text);
  }
}

class ResourceFailure extends Error {
  constructor(public readonly stack: string, public readonly logicalId: string, message: string, public readonly hung: boolean) {
    super(message);
  }
}

export class CloudFormation {
  public readonly stacks = new Map<string, StackState>();
  public readonly operations: Operation[] = [];
  private readonly injected = new Map<string, string>();

  constructor(private readonly world: World) {}

  /** Makes the next create or update of a resource whose logical ID starts with `prefix` fail. */
  public injectFailure(prefix: string, message = 'Resource handler returned message: "injected failure" (HandlerErrorCode: GeneralServiceException)'): void {
    this.injected.set(prefix, message);
  }

  /**
   * `cdk deploy` of one top-level stack of an assembly, with the stack-level tags the manifest
   * names, or those of `--tags`, which replace them.
   * @see https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html (--tags)
   */
  public async deploy(assembly: CloudAssembly, stackName: string, cliTags?: Record<string, string>): Promise<Operation> {
    const existing = this.stacks.get(stackName);
    if (existing?.status === 'ROLLBACK_COMPLETE') {
      // The CDK CLI deletes a stack whose creation failed before creating it again
      // (aws-cdk packages/aws-cdk/lib/api/deployments/deploy-stack.ts, "isCreationFailure").
      await this.destroy(stackName);
    }
    const current = this.stacks.get(stackName);
    const template = assembly.template(stackName);
    const operation: Operation = { stack: stackName, action: current ? 'UPDATE' : 'CREATE', status: 'UPDATE_COMPLETE', hung: false, events: [], warnings: [] };
    this.operations.push(operation);
    if (current && current.status === 'UPDATE_ROLLBACK_FAILED') {
      // A stack in UPDATE_ROLLBACK_FAILED takes no update until the rollback is continued.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
      operation.status = 'UPDATE_ROLLBACK_FAILED';
      operation.failure = { stack: stackName, logicalId: stackName, message: `Stack:${current.id} is in UPDATE_ROLLBACK_FAILED state and can not be updated.` };
      return operation;
    }
    const parameters = this.parameterValues(template);
    if ('missing' in parameters) {
      // CloudFormation resolves SSM-typed parameters before it changes anything: a name that does
      // not exist fails the request, and the stack stays as it was (or is not created).
      operation.status = 'VALIDATION_FAILED';
      operation.failure = { stack: stackName, logicalId: stackName, message: `Unable to fetch parameters [${parameters.missing.join(',')}] from parameter store for this account.` };
      return operation;
    }
    const run = new OperationRun(operation);
    const stack = current ?? this.newStack(stackName, assembly, {});
    if (!current) this.stacks.set(stackName, stack);
    stack.tags = { ...(cliTags ?? assembly.tags.get(stackName) ?? {}) };
    try {
      await this.applyTemplate(stack, assembly, template, parameters.values, run);
    } catch (e) {
      await this.rollBack(run, e);
      operation.status = current
        ? (operation.rollbackFailure ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE')
        : (operation.rollbackFailure ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE');
      stack.status = operation.status;
      return operation;
    }
    await this.runCleanup(run);
    operation.status = current ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE';
    stack.status = operation.status;
    return operation;
  }

  /** `cdk destroy`: every resource in reverse dependency order, retained ones left in place. */
  public async destroy(stackName: string): Promise<Operation> {
    const operation: Operation = { stack: stackName, action: 'DELETE', status: 'DELETE_COMPLETE', hung: false, events: [], warnings: [] };
    this.operations.push(operation);
    const stack = this.stacks.get(stackName);
    if (!stack) return operation;
    const run = new OperationRun(operation);
    try {
      await this.deleteStackResources(stack, run);
      this.stacks.delete(stackName);
    } catch (e) {
      operation.status = 'DELETE_FAILED';
      operation.failure = failureOf(e, stackName);
      stack.status = 'DELETE_FAILED';
    }
    return operation;
  }

  /** Creates or updates the resources of `stack` to match `template` (used for nested stacks too). */
  public async applyTemplate(stack: StackState, assembly: CloudAssembly, template: Template, parameters: Record<string, unknown>,
    run: OperationRun): Promise<void> {
    const previous = { template: stack.template, parameters: stack.parameters, assembly: stack.assembly };
    stack.parameters = parameters;
    stack.assembly = assembly;
    const ctx = this.context(stack, template);
    const wanted = Object.entries(template.Resources).filter(([, r]) => !r.Condition || ctx.condition(r.Condition));
    const wantedIds = new Set(wanted.map(([id]) => id));
    const existing = (id: string) => stack.resources.get(id)?.type === template.Resources[id]?.Type;
    for (const id of adversarialOrder(template, wantedIds, 'create', existing)) {
      await this.applyResource(stack, id, template.Resources[id], ctx, run);
    }
    // Removed resources go in the cleanup phase, in an order the old template allows.
    const removed = [...stack.resources.keys()].filter((id) => !wantedIds.has(id));
    if (removed.length > 0) {
      const oldTemplate = stack.template;
      run.cleanup.push({
        describe: `delete removed resources of ${stack.name}`, stack: stack.name, logicalId: stack.name,
        run: async () => {
          for (const id of adversarialOrder(oldTemplate, new Set(removed), 'delete', () => true)) {
            const state = stack.resources.get(id);
            if (!state) continue;
            try {
              await this.deleteResource(stack, state, run);
            } catch (e) {
              run.operation.warnings.push(`${stack.name}/${id}: ${e instanceof Error ? e.message : String(e)}`);
            }
          }
        },
      });
    }
    stack.template = template;
    run.undo.push({
      describe: `restore template of ${stack.name}`,
      stack: stack.name,
      logicalId: stack.name,
      run: async () => { stack.template = previous.template; stack.parameters = previous.parameters; stack.assembly = previous.assembly; },
    });
  }

  private async applyResource(stack: StackState, id: string, resource: TemplateResource, ctx: ResolveContext, run: OperationRun): Promise<void> {
    let props: Record<string, unknown>;
    try {
      props = resolveProperties(resource, ctx);
    } catch (e) {
      throw new ResourceFailure(stack.name, id, `Template error: ${(e as Error).message}`, false);
    }
    const current = stack.resources.get(id);
    const provider = this.world.providerFor(resource.Type);
    const pctx = (): ProviderContext => ({ world: this.world, stack, logicalId: id, type: resource.Type, run, rollingBack: run.rollingBack });
    const guard = async <T>(f: () => Promise<T>): Promise<T> => {
      try {
        for (const [prefix, message] of this.injected) {
          if (id.startsWith(prefix)) { this.injected.delete(prefix); throw new Error(message); }
        }
        return await f();
      } catch (e) {
        if (e instanceof ResourceFailure) throw e;
        throw new ResourceFailure(stack.name, id, e instanceof Error ? e.message : String(e), e instanceof StackHang);
      }
    };
    if (!current || current.type !== resource.Type) {
      run.event(`${stack.name}/${id} CREATE`);
      const applied = await guard(async () => {
        try {
          return await provider.create(pctx(), props);
        } catch (e) {
          if (e instanceof CreateFailed) {
            const failed: ResourceState = { logicalId: id, type: resource.Type, physicalId: e.physicalId, attributes: {}, properties: props,
              deletionPolicy: resource.DeletionPolicy, updateReplacePolicy: resource.UpdateReplacePolicy };
            run.undo.push({ describe: `delete failed ${id}`, stack: stack.name, logicalId: id, run: async () => { await this.deleteResource(stack, failed, run, 'rollback'); } });
            throw e.hung ? new StackHang(e.message) : new Error(e.message);
          }
          throw e;
        }
      });
      const state: ResourceState = { logicalId: id, type: resource.Type, physicalId: applied.physicalId, attributes: applied.attributes, properties: props,
        deletionPolicy: resource.DeletionPolicy, updateReplacePolicy: resource.UpdateReplacePolicy };
      stack.resources.set(id, state);
      this.world.recordCreated(stack, state);
      run.undo.push({ describe: `delete new ${id}`, stack: stack.name, logicalId: id, run: async () => { await this.deleteResource(stack, state, run, 'rollback'); } });
      if (current) run.cleanup.push({ describe: `delete old ${id}`, stack: stack.name, logicalId: id, run: async () => this.deleteResource(stack, current, run, 'replaced') });
      return;
    }
    // A property whose resolved value did not change is no change.
    if (same(props, current.properties)) {
      current.deletionPolicy = resource.DeletionPolicy;
      current.updateReplacePolicy = resource.UpdateReplacePolicy;
      return;
    }
    const replace = !provider.inPlaceOnly && createOnlyPaths(resource.Type).some((p) => !same(valueAt(props, p), valueAt(current.properties, p)));
    if (replace) {
      const nameProp = NAME_PROPERTY[resource.Type];
      if (nameProp && props[nameProp] !== undefined && same(props[nameProp], current.properties[nameProp])) {
        // @see https://repost.aws/knowledge-center/cloudformation-custom-name
        throw new ResourceFailure(stack.name, id, `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(props[nameProp])} and update the stack again.`, false);
      }
      run.event(`${stack.name}/${id} REPLACE`);
      const applied = await guard(() => provider.create(pctx(), props));
      const state: ResourceState = { logicalId: id, type: resource.Type, physicalId: applied.physicalId, attributes: applied.attributes, properties: props,
        deletionPolicy: resource.DeletionPolicy, updateReplacePolicy: resource.UpdateReplacePolicy };
      stack.resources.set(id, state);
      this.world.recordCreated(stack, state);
      run.undo.push({
        describe: `delete replacement ${id}`, stack: stack.name, logicalId: id,
        run: async () => { await this.deleteResource(stack, state, run, 'rollback'); stack.resources.set(id, current); },
      });
      // The old resource goes in the cleanup phase, unless UpdateReplacePolicy keeps it.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html
      run.cleanup.push({
        describe: `delete replaced ${id}`, stack: stack.name, logicalId: id,
        run: async () => {
          if (current.updateReplacePolicy === 'Retain') return;
          await this.deleteResource(stack, current, run, 'replaced');
        },
      });
      return;
    }
    run.event(`${stack.name}/${id} UPDATE`);
    const before = { physicalId: current.physicalId, attributes: current.attributes, properties: current.properties };
    const applied = await guard(async () => {
      try {
        return await provider.update(pctx(), current, props, before.properties);
      } catch (e) {
        // The rollback sends the custom resource whose update failed an update back to its
        // previous properties too: an Update whose OldResourceProperties are the properties of
        // the update that failed. (The model does this for custom resources, where it is
        // reported; what a resource type's own handler gets is not documented.)
        // @see https://github.com/aws/aws-cdk/issues/17040 ("CloudFormation ... execute another update when rolling back")
        // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
        if (provider.inPlaceOnly) {
          run.undo.push({
            describe: `roll back failed ${id}`, stack: stack.name, logicalId: id,
            run: async () => {
              run.event(`${stack.name}/${id} UPDATE (rollback of the failed update)`);
              const failed: ResourceState = { ...current, properties: props };
              const back = await provider.update(pctx(), failed, before.properties, props);
              stack.resources.set(id, { ...current, physicalId: back.physicalId, attributes: back.attributes, properties: before.properties });
            },
          });
        }
        throw e;
      }
    });
    const replacedByHandler = applied.physicalId !== before.physicalId;
    const next: ResourceState = { ...current, physicalId: applied.physicalId, attributes: applied.attributes, properties: props,
      deletionPolicy: resource.DeletionPolicy, updateReplacePolicy: resource.UpdateReplacePolicy };
    stack.resources.set(id, next);
    if (replacedByHandler) {
      // A custom resource that answers another physical id was replaced: CloudFormation
      // deletes the old one in the cleanup phase, and the new one on a rollback.
      // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
      // @see https://github.com/aws/aws-cdk/pull/29581
      const old: ResourceState = { ...current, ...before };
      run.undo.push({ describe: `delete replacement ${id}`, stack: stack.name, logicalId: id, run: async () => { await this.deleteResource(stack, next, run, 'rollback'); stack.resources.set(id, old); } });
      run.cleanup.push({ describe: `delete replaced ${id}`, stack: stack.name, logicalId: id, run: async () => this.deleteResource(stack, old, run, 'replaced') });
      return;
    }
    // Rolling back an update replays the previous properties: a custom resource gets an
    // Update whose ResourceProperties are the old ones (aws-cdk#29581 lists the sequence).
    run.undo.push({
      describe: `roll back ${id}`, stack: stack.name, logicalId: id,
      run: async () => {
        run.event(`${stack.name}/${id} UPDATE (rollback)`);
        if (provider.rolledBackByItsResources) { stack.resources.set(id, { ...next, ...before }); return; }
        const back = await provider.update(pctx(), next, before.properties, props);
        stack.resources.set(id, { ...next, physicalId: back.physicalId, attributes: back.attributes, properties: before.properties });
      },
    });
  }

  /**
   * Deletes a resource: `remove` (left the template, or the stack is deleted), `replaced` (the
   * old resource of a replacement; UpdateReplacePolicy was checked by the caller) or
   * `rollback` (a resource this operation created). DeletionPolicy Retain keeps the resource
   * in all but the replaced case; RetainExceptOnCreate lets a rollback delete what it created.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
   */
  private async deleteResource(stack: StackState, state: ResourceState, run: OperationRun, reason: 'remove' | 'replaced' | 'rollback' = 'remove'): Promise<void> {
    if (stack.resources.get(state.logicalId) === state) stack.resources.delete(state.logicalId);
    const keep = reason === 'remove' ? ['Retain', 'RetainExceptOnCreate'] : reason === 'rollback' ? ['Retain'] : [];
    if (keep.includes(state.deletionPolicy ?? '')) {
      run.event(`${stack.name}/${state.logicalId} RETAIN`);
      return;
    }
    run.event(`${stack.name}/${state.logicalId} DELETE`);
    await this.world.providerFor(state.type).delete({ world: this.world, stack, logicalId: state.logicalId, type: state.type, run,
      rollingBack: run.rollingBack }, state);
    this.world.recordDeleted(stack, state);
  }

  /** Deletes every resource of a stack, dependents first, in the adversary's order (used by `cdk destroy` and nested stack deletion). */
  public async deleteStackResources(stack: StackState, run: OperationRun): Promise<void> {
    const order = adversarialOrder(stack.template, new Set(stack.resources.keys()), 'delete', () => true);
    for (const id of order) {
      const state = stack.resources.get(id);
      if (!state) continue;
      try {
        await this.deleteResource(stack, state, run);
      } catch (e) {
        throw new ResourceFailure(stack.name, id, e instanceof Error ? e.message : String(e), false);
      }
    }
    stack.status = 'DELETE_COMPLETE';
  }

  private async rollBack(run: OperationRun, e: unknown): Promise<void> {
    const op = run.operation;
    op.failure = failureOf(e, op.stack);
    op.hung = e instanceof ResourceFailure && e.hung;
    run.rollingBack = true;
    run.event(`ROLLBACK after ${op.failure.stack}/${op.failure.logicalId}: ${op.failure.message}`);
    for (const step of [...run.undo].reverse()) {
      try {
        await step.run();
      } catch (err) {
        // A failure while rolling back leaves the stack in UPDATE_ROLLBACK_FAILED.
        // @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ContinueUpdateRollback.html
        op.rollbackFailure ??= { stack: step.stack, logicalId: step.logicalId, message: err instanceof Error ? err.message : String(err) };
        run.event(`ROLLBACK FAILED ${step.stack}/${step.logicalId}: ${op.rollbackFailure.message}`);
      }
    }
  }

  private async runCleanup(run: OperationRun): Promise<void> {
    for (const step of [...run.cleanup].reverse()) {
      try {
        await step.run();
      } catch (e) {
        // A failed cleanup delete leaves the stack UPDATE_COMPLETE with a warning.
        run.operation.warnings.push(`${step.stack}/${step.logicalId}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  public newStack(name: string, assembly: CloudAssembly, parameters: Record<string, unknown>, parent?: StackState): StackState {
    const id = arn('cloudformation', `stack/${name}/${this.world.ids.suffix()}`);
    return {
      name, id, template: { Resources: {} }, parameters, resources: new Map(), status: 'CREATE_COMPLETE', assembly, tags: {},
      rootId: parent ? parent.rootId ?? parent.id : undefined, parentId: parent?.id,
    };
  }

  /**
   * DescribeStacks of one stack, by name or ID: its ID, name, tags, and for a nested stack its
   * root and parent. CloudFormation propagates a stack's tags to the resources that take tags,
   * nested stacks included: a nested stack has its root's tags.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html (RootId, ParentId, Tags)
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html (Tags: "CloudFormation also propagates these tags to the resources created in this stack")
   */
  public describeStack(nameOrId: string): {
    StackId: string; StackName: string; Tags: Array<{ Key: string; Value: string }>; RootId?: string; ParentId?: string;
  } {
    const stack = [...this.stacks.values()].find((s) => s.id === nameOrId || s.name === nameOrId);
    if (!stack) {
      const e = new Error(`Stack with id ${nameOrId} does not exist`);
      e.name = 'ValidationError';
      throw e;
    }
    const root = stack.rootId ? [...this.stacks.values()].find((s) => s.id === stack.rootId) : stack;
    return {
      StackId: stack.id, StackName: stack.name, Tags: Object.entries(root?.tags ?? stack.tags).map(([Key, Value]) => ({ Key, Value })),
      ...(stack.rootId ? { RootId: stack.rootId, ParentId: stack.parentId } : {}),
    };
  }

  /**
   * The values of a stack's parameters, each its default (`cdk deploy` passes none but the
   * assets'); a parameter of an SSM type gets the value of the SSM parameter its default names,
   * read now, at each create and update (a `List<...>` type splits it at commas). CDK's bootstrap
   * version parameter reads the bootstrap stack's, which the model takes as deployed.
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html (ResolvedValue)
   */
  private parameterValues(template: Template): { values: Record<string, unknown> } | { missing: string[] } {
    const values: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const [k, p] of Object.entries(template.Parameters ?? {})) {
      if (!p.Type.startsWith('AWS::SSM::Parameter::Value<')) {
        values[k] = p.Default ?? '';
        continue;
      }
      const name = String(p.Default);
      if (name.startsWith('/cdk-bootstrap/') && !this.world.ssm.parameters.has(name)) {
        values[k] = '30';
        continue;
      }
      if (!this.world.ssm.parameters.has(name)) {
        missing.push(name);
        continue;
      }
      const value = this.world.ssm.get(name);
      values[k] = p.Type.includes('<List<') ? value.split(',') : value;
    }
    return missing.length > 0 ? { missing } : { values };
  }

  /** How expressions of `template` resolve in `stack`: parameters, pseudo parameters, resources. */
  public context(stack: StackState, template: Template): ResolveContext {
    const conditions = new Map<string, boolean>();
    const ctx: ResolveContext = {
      mappings: template.Mappings ?? {},
      ref: (name) => {
        const pseudo: Record<string, unknown> = {
          'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION, 'AWS::Partition': PARTITION, 'AWS::URLSuffix': URL_SUFFIX,
          'AWS::StackName': stack.name, 'AWS::StackId': stack.id, 'AWS::NotificationARNs': [],
        };
        if (name in pseudo) return pseudo[name];
        if (name in (template.Parameters ?? {})) return stack.parameters[name];
        const r = stack.resources.get(name);
        if (!r) throw new Error(`${stack.name}: Ref ${name} before it exists`);
        return this.world.providerRef(r);
      },
      getAtt: (id, attribute) => {
        const r = stack.resources.get(id);
        if (!r) throw new Error(`${stack.name}: GetAtt ${id}.${attribute} before it exists`);
        if (!(attribute in r.attributes)) throw new Error(`${stack.name}: ${r.type} ${id} has no attribute ${attribute}`);
        return r.attributes[attribute];
      },
      condition: (name) => {
        if (!conditions.has(name)) conditions.set(name, resolve(template.Conditions?.[name], ctx) === true);
        return conditions.get(name)!;
      },
    };
    return ctx;
  }
}

function resolveProperties(resource: TemplateResource, ctx: ResolveContext): Record<string, unknown> {
  const v = resolve(clone(resource.Properties ?? {}), ctx);
  return v === NO_VALUE ? {} : v as Record<string, unknown>;
}

function failureOf(e: unknown, stack: string): { stack: string; logicalId: string; message: string } {
  if (e instanceof ResourceFailure) return { stack: e.stack, logicalId: e.logicalId, message: e.message };
  return { stack, logicalId: stack, message: e instanceof Error ? e.message : String(e) };
}

/**
 * The types whose resources grant permissions or attach one resource to another: a dependent
 * that needs one must say so (Ref, GetAtt, Sub or DependsOn), since CloudFormation is free to
 * create it late and delete it early.
 */
export const GRANTING_TYPES = new Set([
  'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::UserToGroupAddition', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy',
  'AWS::Lambda::Permission', 'AWS::ECS::ClusterCapacityProviderAssociations', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress',
  'AWS::ECR::RepositoryPolicy', 'AWS::Events::EventBusPolicy', 'AWS::Logs::ResourcePolicy', 'AWS::KMS::Grant',
]);

/** Types whose update can change what they grant (a key policy, a role's inline policies and trust). */
const GRANTING_WHEN_UPDATED = new Set(['AWS::KMS::Key', 'AWS::IAM::Role']);

/**
 * The order the model's adversary runs the resources of `ids` in: CloudFormation creates,
 * updates and deletes in parallel whatever no Ref, GetAtt, Sub or DependsOn orders, so any order
 * the dependencies allow can happen. The adversary picks the one most likely to break a missing
 * dependency: when creating or updating, a resource that grants permissions or attaches things
 * (GRANTING_TYPES, and a key or role being updated) goes as late as its dependents allow; when
 * deleting, as early as allowed; among the rest, reverse template order.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html ("CloudFormation creates, updates, and deletes resources in parallel to the extent possible")
 */
export function adversarialOrder(template: Template, ids: Set<string>, mode: 'create' | 'delete', exists: (id: string) => boolean): string[] {
  const position = new Map(Object.keys(template.Resources).map((id, i) => [id, i]));
  const deps = new Map<string, Set<string>>();
  for (const id of ids) {
    const r = template.Resources[id];
    const d = r ? references(r.Properties ?? {}) : new Set<string>();
    for (const x of [r?.DependsOn ?? []].flat()) d.add(x);
    deps.set(id, new Set([...d].filter((x) => ids.has(x) && x !== id)));
  }
  const granting = (id: string) => {
    const type = template.Resources[id]?.Type ?? '';
    return GRANTING_TYPES.has(type) || (GRANTING_WHEN_UPDATED.has(type) && exists(id));
  };
  // When deleting, a resource waits for its dependents.
  const waitsFor = new Map<string, Set<string>>([...ids].map((id) => [id, new Set<string>()]));
  for (const [id, d] of deps) for (const x of d) (mode === 'create' ? waitsFor.get(id)! : waitsFor.get(x)!).add(mode === 'create' ? x : id);
  // What each resource holds up: its dependents when creating.
  const holds = new Map<string, Set<string>>([...ids].map((id) => [id, new Set<string>()]));
  for (const [id, w] of waitsFor) for (const x of w) holds.get(x)!.add(id);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.size) {
    const ready = [...ids].filter((id) => !done.has(id) && [...waitsFor.get(id)!].every((x) => done.has(x)));
    if (ready.length === 0) throw new Error(`circular dependency among ${[...ids].filter((id) => !done.has(id)).join(', ')}`);
    let pool = ready.filter((id) => (mode === 'create' ? !granting(id) : granting(id)));
    if (pool.length === 0 && mode === 'create') {
      // Only grants are left to run: first one that something waits for; one that nothing waits for goes last.
      const needed = ready.filter((id) => [...holds.get(id)!].some((x) => !done.has(x)));
      pool = needed.length > 0 ? needed : ready;
    }
    if (pool.length === 0) pool = ready;
    const next = pool.sort((a, b) => (position.get(b) ?? 0) - (position.get(a) ?? 0))[0];
    done.add(next);
    order.push(next);
  }
  return order;
}
