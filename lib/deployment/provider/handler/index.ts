/**
 * Custom::BlueGreenService: the ECS service of a CodeDeploy blue/green microservice, owned by
 * this handler instead of AWS::ECS::Service (whose CloudFormation handler sends every template
 * property in UpdateService, which ECS rejects for a CODE_DEPLOY service: aws-cdk#23564,
 * cloudformation-coverage-roadmap#1529). Bundled into assets/provider by
 * `npm run bundle`; served by the aws-cdk-lib provider framework (onEvent + isComplete).
 *
 * Create   CreateService (CODE_DEPLOY controller, blue target group, desired count from the properties).
 * Update   UpdateService with the allowed fields that changed (never the desired count), tags;
 *          isComplete then brings a changed task definition, network, capacity or platform
 *          version to production through ONE CodeDeploy deployment, forward only: nothing is
 *          deployed when production already runs it (a retried event, or CloudFormation's
 *          rollback after CodeDeploy rolled back), and the resource fails when CodeDeploy fails.
 * Delete   DeleteService (force), then isComplete waits until ECS reports the service INACTIVE.
 */
import {
  BatchGetDeploymentsCommand, CodeDeployClient, CreateDeploymentCommand, DeploymentInfo, DeploymentStatus, ListDeploymentsCommand, ListDeploymentsCommandInput,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateServiceCommand, CreateServiceCommandInput, Service, UpdateServiceCommand, UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { BLUE_GREEN_LIMITS, CONFIRM_TRAFFIC_SHIFTED } from '../limits';
import {
  appSpecOf, appSpecTaskDefinition, createServiceInput, deployableChanged, deploymentDescription, DEPLOYMENT_MARKER, describesTemplate, execChange,
  isReplacement, LiveTaskSet, loadBalancerChange, placementMatches, serviceTags, serviceUpdate, ServiceProperties, startedBy,
} from './blue-green-spec';
import { isEcsServiceComplete, onEcsServiceEvent } from './ecs-service';
import {
  activeService, completeUnlessTransient, deleteService, ecs, isDeleted, IsCompleteResponse, OnEventResponse, ProviderEvent, RETRY, sameSettingsOf, stackTags,
  updateTags, withProductionImage,
} from './shared';

const codedeploy = new CodeDeployClient(RETRY);

/**
 * CodeDeploy's deployment statuses that are not final. A deployment group runs one deployment
 * at a time (CreateDeployment fails with DeploymentLimitExceededException otherwise).
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeployment.html
 */
const ACTIVE = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
/** The most deployment IDs BatchGetDeployments takes. */
const BATCH_GET_DEPLOYMENTS_MAX = 25;
/** How far back isComplete looks for the deployment its request started (a retried event may have started it). */
const LOOKBACK_MS = 2 * 60 * 60 * 1000;

const properties = (raw: Record<string, any> | undefined) => (raw ?? {}) as ServiceProperties;

export type { IsCompleteResponse, OnEventResponse, ProviderEvent } from './shared';

/** The resource type of the ECS-controller services the same provider serves. */
const ECS_SERVICE = 'Custom::EcsService';

export async function onEvent(event: ProviderEvent): Promise<OnEventResponse> {
  return event.ResourceType === ECS_SERVICE ? onEcsServiceEvent(event) : onBlueGreenEvent(event);
}

export async function isComplete(event: ProviderEvent): Promise<IsCompleteResponse> {
  return completeUnlessTransient(() => (event.ResourceType === ECS_SERVICE ? isEcsServiceComplete(event) : isBlueGreenComplete(event)));
}

async function onBlueGreenEvent(event: ProviderEvent): Promise<OnEventResponse> {
  const p = properties(event.ResourceProperties);
  if (event.RequestType === 'Delete') return deleteService(p.ClusterName, event.PhysicalResourceId ?? '');
  // The service carries the stack's tags, as CloudFormation tags an AWS::ECS::Service.
  const tags = serviceTags(await stackTags(event.StackId), p.Tags);
  if (event.RequestType === 'Create') return create({ ...p, Tags: tags }, event.RequestId);
  const old = properties(event.OldResourceProperties);
  if (isReplacement(old, p)) return create({ ...p, Tags: tags }, event.RequestId);
  const service = await activeService(p.ClusterName, p.ServiceName);
  // Against what the service has, not the previous properties: after a refused change,
  // CloudFormation's rollback sends those back, and the service still has them.
  const created = asCreated(service, old);
  const reason = loadBalancerChange(created, p) ?? execChange(created, p);
  if (reason) throw new Error(reason);
  const update = serviceUpdate(old, p);
  if (update) {
    await ecs.send(new UpdateServiceCommand({ cluster: p.ClusterName, service: p.ServiceName, ...update } as UpdateServiceCommandInput));
  }
  await updateTags(service.serviceArn, { Tags: serviceTags(old.StackTags ?? [], old.Tags) }, { Tags: tags });
  return { PhysicalResourceId: event.PhysicalResourceId ?? service.serviceArn!, Data: data(p, service.serviceArn!), StartedAt: Date.now() };
}

async function isBlueGreenComplete(event: ProviderEvent): Promise<IsCompleteResponse> {
  const p = properties(event.ResourceProperties);
  if (event.RequestType === 'Create') return { IsComplete: true };
  if (event.RequestType === 'Delete') return { IsComplete: await isDeleted(p.ClusterName, event.PhysicalResourceId ?? '') };
  const old = properties(event.OldResourceProperties);
  if (isReplacement(old, p) || !deployableChanged(old, p)) return { IsComplete: true };
  return { IsComplete: await rollOut(event, p, old) };
}

/**
 * What ECS fixed when it created the service (its load balancer and ECS Exec), over `old`.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html (loadBalancers, enableExecuteCommand)
 */
function asCreated(service: Service, old: ServiceProperties): ServiceProperties {
  const lb = service.loadBalancers?.[0];
  return {
    ...old,
    ...(lb ? { TargetGroupArn: String(lb.targetGroupArn), ContainerName: String(lb.containerName), ContainerPort: String(lb.containerPort) } : {}),
    EnableExecuteCommand: String(service.enableExecuteCommand ?? false),
  };
}

function data(p: ServiceProperties, serviceArn: string): Record<string, string> {
  return { ServiceName: p.ServiceName, ServiceArn: serviceArn };
}

async function create(p: ServiceProperties, requestId: string): Promise<OnEventResponse> {
  const out = await ecs.send(new CreateServiceCommand(createServiceInput(p, requestId) as unknown as CreateServiceCommandInput));
  const arn = out.service?.serviceArn;
  if (!arn) throw new Error(`CreateService returned no service for ${p.ServiceName}`);
  return { PhysicalResourceId: arn, Data: data(p, arn) };
}

/**
 * What serves production: the PRIMARY task set of a CODE_DEPLOY service (the one CreateService
 * made, then each successful deployment's green one), or the service's own fields.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html (PRIMARY: serving production traffic)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html ("Service creation results in the creation of a (blue) task set")
 */
function live(service: Service): LiveTaskSet {
  return (service.taskSets?.find((t) => t.status === 'PRIMARY') ?? service) as LiveTaskSet;
}

/** Whether production already runs what the properties describe. */
async function isLive(p: ServiceProperties, service: Service): Promise<boolean> {
  const running = live(service);
  if (!placementMatches(p, running)) return false;
  if (running.taskDefinition === p.TaskDefinition) return true;
  if (p.ImageOwner !== 'pipeline' || !running.taskDefinition) return false;
  // The pipeline registers revisions of the same settings with its image: such a revision
  // runs what the template describes (this happens when CloudFormation rolls back to the
  // revision that ran before the pipeline's last deployment).
  return sameSettingsOf(running.taskDefinition, p.TaskDefinition, p.ContainerName);
}

/**
 * Brings what the properties describe to production, one step per call: follow the deployment
 * this request started; else stop this platform's own deployment of the properties being
 * replaced (CloudFormation's rollback of an update whose deployment still runs); else succeed
 * if production already runs what the properties describe; else wait for the group's running
 * deployment; else start the deployment.
 */
async function rollOut(event: ProviderEvent, p: ServiceProperties, old: ServiceProperties): Promise<boolean> {
  const [service, deployments] = await Promise.all([activeService(p.ClusterName, p.ServiceName), groupDeployments(p)]);
  const mine = deployments.find((d) => startedBy(d.description, event.RequestId));
  if (mine) return follow(mine, p, service);
  const active = deployments.filter((d) => ACTIVE.includes(d.status ?? ''));
  const superseded = active.filter((d) => d.description?.startsWith(`${DEPLOYMENT_MARKER} `) && old.TaskDefinition !== p.TaskDefinition
    && (/ of \S+$/.test(d.description) ? describesTemplate(d.description, old.TaskDefinition)
      : appSpecTaskDefinition(d.revision?.appSpecContent?.content) === old.TaskDefinition));
  if (superseded.length > 0) {
    for (const d of superseded) {
      // Stopping with rollback sends production back to the task set that ran before.
      // @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html
      await codedeploy.send(new StopDeploymentCommand({ deploymentId: d.deploymentId, autoRollbackEnabled: true }));
    }
    return false;
  }
  if (await isLive(p, service)) return true;
  if (active.length > 0) {
    giveUpIfLate(event, p, active);
    return false;
  }
  try {
    await codedeploy.send(new CreateDeploymentCommand({
      applicationName: p.ApplicationName,
      deploymentGroupName: p.DeploymentGroupName,
      description: deploymentDescription(event.RequestId, p.TaskDefinition),
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpecOf(p, await deployable(p, service)) } },
    }));
  } catch (e) {
    // Another deployment started since the listing: wait for it.
    if ((e as Error).name !== 'DeploymentLimitExceededException') throw e;
  }
  return false;
}

/**
 * The revision to deploy: the template's, or (when the pipeline owns the image and production
 * runs a newer one than the template's, which Custom::DeployedState read before this deploy
 * waited for a pipeline deployment) a revision of the template's settings with production's
 * image, registered now. Registering just before CreateDeployment leaves no window in which a
 * pipeline deployment can start: the group runs one deployment at a time and none is active.
 */
async function deployable(p: ServiceProperties, service: Service): Promise<string> {
  if (p.ImageOwner !== 'pipeline') return p.TaskDefinition;
  return withProductionImage(p.TaskDefinition, live(service).taskDefinition, p.ContainerName);
}

/** The outcome of the deployment this request started. */
async function follow(mine: DeploymentInfo, p: ServiceProperties, service: Service): Promise<boolean> {
  const status = mine.status ?? '';
  if (status === 'Succeeded') return true;
  if (ACTIVE.includes(status)) {
    // A termination wait longer than a custom resource may wait: confirm once production
    // traffic has moved (the green task set is PRIMARY), and leave the wait to CodeDeploy.
    const deployed = appSpecTaskDefinition(mine.revision?.appSpecContent?.content) ?? p.TaskDefinition;
    return p.Confirm === CONFIRM_TRAFFIC_SHIFTED && live(service).taskDefinition === deployed && placementMatches(p, live(service));
  }
  // Failed or Stopped: CodeDeploy rolls back (the group rolls back on failure, stop and alarm);
  // report once its rollback has finished, so that CloudFormation's rollback finds production settled.
  // @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_RollbackInfo.html
  // @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html
  const rollbackId = mine.rollbackInfo?.rollbackDeploymentId;
  if (rollbackId) {
    const [rollback] = await deploymentsById([rollbackId]);
    if (ACTIVE.includes(rollback?.status ?? '')) return false;
  }
  const error = mine.errorInformation;
  // The provider framework answers FAILED, with this message, when isComplete throws.
  // @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#asynchronous-providers-iscomplete
  throw new Error(`CodeDeploy deployment ${mine.deploymentId} of ${p.TaskDefinition} to ${p.ServiceName} ended ${status}`
    + `${error?.code ? ` (${error.code})` : ''}: ${error?.message ?? 'no error information'}. `
    + `CodeDeploy rolled production back to the task set that ran before${mine.rollbackInfo?.rollbackMessage ? ` (${mine.rollbackInfo.rollbackMessage})` : ''}, `
    + 'and CloudFormation rolls this update back. Fix the cause (see the deployment in the CodeDeploy console) and deploy again.');
}

/** Fails now, with a reason, when waiting for another deployment leaves too little time for this one. */
function giveUpIfLate(event: ProviderEvent, p: ServiceProperties, active: DeploymentInfo[]): void {
  const waited = (Date.now() - Number(event.StartedAt ?? Date.now())) / 60_000;
  if (waited + Number(p.ExpectedMinutes ?? 0) <= BLUE_GREEN_LIMITS.waitMinutes) return;
  throw new Error(`${p.ServiceName}: the deployment group is still busy with ${active.map((d) => `${d.deploymentId} (${d.status})`).join(', ')} `
    + `after ${Math.round(waited)} minutes; this cdk deploy cannot wait longer and still finish its own deployment (about ${p.ExpectedMinutes} minutes) `
    + `within the hour CloudFormation gives a custom resource. Run cdk deploy again once that deployment has finished.`);
}

/** The group's running deployments and every deployment of the last two hours, newest first. */
async function groupDeployments(p: ServiceProperties): Promise<DeploymentInfo[]> {
  const ids = new Set<string>();
  const filters: Array<Partial<ListDeploymentsCommandInput>> = [
    { includeOnlyStatuses: ACTIVE as DeploymentStatus[] },
    { createTimeRange: { start: new Date(Date.now() - LOOKBACK_MS) } },
  ];
  for (const filter of filters) {
    let nextToken: string | undefined;
    do {
      // @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ListDeployments.html
      const out = await codedeploy.send(new ListDeploymentsCommand({
        applicationName: p.ApplicationName, deploymentGroupName: p.DeploymentGroupName, ...filter, nextToken,
      }));
      for (const id of out.deployments ?? []) ids.add(id);
      nextToken = out.nextToken;
    } while (nextToken);
  }
  const infos = await deploymentsById([...ids]);
  return infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
}

/**
 * Deployments by ID, 25 to a request: BatchGetDeployments takes at most 25 IDs (its API
 * reference; the quotas page says 100), one request where GetDeployment would make one per
 * deployment and meet CodeDeploy's request rate sooner.
 * @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BatchGetDeployments.html
 */
async function deploymentsById(ids: string[]): Promise<DeploymentInfo[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_GET_DEPLOYMENTS_MAX) batches.push(ids.slice(i, i + BATCH_GET_DEPLOYMENTS_MAX));
  const answers = await Promise.all(batches.map((deploymentIds) => codedeploy.send(new BatchGetDeploymentsCommand({ deploymentIds }))));
  return answers.flatMap((a) => a.deploymentsInfo ?? []);
}
