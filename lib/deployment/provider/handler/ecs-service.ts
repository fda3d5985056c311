/**
 * Custom::EcsService: a service on the ECS deployment controller (rolling, or ECS-native
 * blue/green), owned by the platform's service provider instead of CloudFormation's
 * AWS::ECS::Service handler. That handler sends every property of the template in
 * UpdateService, and its rollback replays the task definition and desired count it resolved
 * at the last deploy that changed the service, which predate the pipeline's deployments
 * (containers-roadmap#493). This one:
 *
 * Create   CreateService with the template's properties; waits until its deployment completes.
 * Update   UpdateService with only the properties that changed, never the desired count (auto
 *          scaling owns it). The task definition only when production does not run its settings
 *          already, with the image production runs when the pipeline owns the image (a rollback
 *          thus restores the previous settings, never an older image). Waits until the deployment
 *          completes; fails when ECS fails or rolls it back (circuit breaker, alarms, hooks).
 * Delete   DeleteService (force), then waits until ECS reports the service INACTIVE.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 * @see https://github.com/aws/containers-roadmap/issues/493
 */
import { CreateServiceCommand, CreateServiceCommandInput, Service, UpdateServiceCommand, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import { serviceTags } from './blue-green-spec';
import { createOnlyChange, createServiceInput, EcsServiceProperties, updateServiceInput } from './ecs-service-spec';
import {
  activeService, deleteService, ecs, isDeleted, IsCompleteResponse, OnEventResponse, ProviderEvent, sameSettingsOf, stackTags, updateTags, withProductionImage,
} from './shared';

export async function onEcsServiceEvent(event: ProviderEvent): Promise<OnEventResponse> {
  const p: EcsServiceProperties = event.ResourceProperties;
  if (event.RequestType === 'Delete') return deleteService(p.Cluster, event.PhysicalResourceId ?? '');
  // The service carries the stack's tags, as CloudFormation tags an AWS::ECS::Service.
  const tags = serviceTags(await stackTags(event.StackId), p.Tags);
  if (event.RequestType === 'Create') {
    const out = await ecs.send(new CreateServiceCommand(createServiceInput({ ...p, Tags: tags }, event.RequestId) as unknown as CreateServiceCommandInput));
    const arn = out.service?.serviceArn;
    if (!arn) throw new Error(`CreateService returned no service for ${p.ServiceName}`);
    return { PhysicalResourceId: arn, Data: data(p, arn), DeploymentId: primary(out.service)?.id };
  }
  const old: EcsServiceProperties = event.OldResourceProperties ?? {};
  const reason = createOnlyChange(old, p);
  if (reason) throw new Error(reason);
  const service = await activeService(p.Cluster, p.ServiceName);
  const input = updateServiceInput(old, p, await taskDefinitionToDeploy(old, p, service));
  let deploymentId: string | undefined;
  if (input) {
    const before = primary(service)?.id;
    const out = await ecs.send(new UpdateServiceCommand(input as unknown as UpdateServiceCommandInput));
    const after = primary(out.service)?.id;
    // Only a change of what the tasks run starts a deployment: wait for it, not for an older one.
    if (after !== before) deploymentId = after;
  }
  await updateTags(service.serviceArn, { Tags: serviceTags(old.StackTags ?? [], old.Tags) }, { Tags: tags });
  return { PhysicalResourceId: event.PhysicalResourceId ?? service.serviceArn!, Data: data(p, service.serviceArn!), DeploymentId: deploymentId };
}

export async function isEcsServiceComplete(event: ProviderEvent): Promise<IsCompleteResponse> {
  const p: EcsServiceProperties = event.ResourceProperties;
  if (event.RequestType === 'Delete') return { IsComplete: await isDeleted(p.Cluster, event.PhysicalResourceId ?? '') };
  if (!event.DeploymentId) return { IsComplete: true };
  const service = await activeService(p.Cluster, p.ServiceName);
  const mine = service.deployments?.find((d) => d.id === event.DeploymentId);
  if (mine?.rolloutState === 'COMPLETED') return { IsComplete: true };
  if (mine && mine.rolloutState !== 'FAILED') return { IsComplete: false };
  // Failed, or gone: a later deployment replaced it. One with the same settings (the pipeline
  // releasing a new image meanwhile) carries this change: wait for that one instead.
  const current = primary(service);
  if (!mine && current?.taskDefinition && p.ImageOwner === 'pipeline' && await sameSettingsOf(current.taskDefinition, String(p.TaskDefinition), String(p.ContainerName))) {
    if (current.rolloutState === 'COMPLETED') return { IsComplete: true };
    if (current.rolloutState !== 'FAILED') return { IsComplete: false };
  }
  // The provider framework answers FAILED, with this message, when isComplete throws; ECS has
  // rolled back to the last completed deployment when the circuit breaker or an alarm is set to.
  // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
  const why = mine?.rolloutStateReason ?? service.events?.[0]?.message ?? 'no reason given';
  throw new Error(`The ECS deployment ${event.DeploymentId} of ${p.ServiceName} did not complete: ${why}. `
    + 'ECS keeps (or rolls back to) the tasks that ran before, and CloudFormation rolls this update back. '
    + 'Fix the cause (see the service\'s events in the ECS console) and deploy again.');
}

function data(p: EcsServiceProperties, serviceArn: string): Record<string, string> {
  // The attributes of AWS::ECS::Service that aws-cdk-lib's FargateService reads.
  return { Name: String(p.ServiceName), ServiceArn: serviceArn };
}

/** The deployment that ECS is rolling out (or has rolled out) now. */
function primary(service: Service | undefined) {
  return service?.deployments?.find((d) => d.status === 'PRIMARY');
}

/**
 * The task definition UpdateService must carry, if any. None when the template's task
 * definition did not change (whatever the pipeline deployed since stays), nor when production
 * runs its settings already (a retried event; a rollback after ECS rolled back). When the
 * pipeline owns the image, the settings go out with the image production runs.
 */
async function taskDefinitionToDeploy(old: EcsServiceProperties, p: EcsServiceProperties, service: Service): Promise<string | undefined> {
  if (old.TaskDefinition === p.TaskDefinition) return undefined;
  const running = primary(service)?.taskDefinition ?? service.taskDefinition;
  if (running === p.TaskDefinition) return undefined;
  if (p.ImageOwner !== 'pipeline') return p.TaskDefinition;
  if (running && await sameSettingsOf(running, p.TaskDefinition, p.ContainerName)) return undefined;
  return withProductionImage(p.TaskDefinition, running, p.ContainerName);
}
