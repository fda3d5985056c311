/**
 * The custom resource behind cdk-container-platform's image ownership (bundled into
 * assets/service-state by `npm run bundle`; runs on Lambda with the AWS SDK it ships).
 *
 * Custom::DeployedState  reads what is deployed now: the image of the service's primary
 *                        task set or deployment, and its desired count. Before the service
 *                        exists it answers the bootstrap image and the initial count.
 * Custom::BlueGreenRollout pins the task definition the CODE_DEPLOY service was created with
 *                        (CloudFormation may never change it) and, when `cdk deploy` registers
 *                        a new revision, starts a CodeDeploy blue/green deployment of it.
 */
import { CodeDeployClient, CreateDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, Service } from '@aws-sdk/client-ecs';
import { renderAppSpec } from '../private/appspec';

interface CfnEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, any>;
  readonly OldResourceProperties?: Record<string, any>;
}

interface Result {
  readonly physicalId: string;
  readonly data: Record<string, string | number>;
}

const ecs = new ECSClient({});
const codedeploy = new CodeDeployClient({});

export async function handler(event: CfnEvent): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = '';
  let result: Result = { physicalId: event.PhysicalResourceId ?? event.LogicalResourceId, data: {} };
  try {
    if (event.RequestType !== 'Delete') {
      if (event.ResourceType === 'Custom::DeployedState') result = await deployedState(event);
      else if (event.ResourceType === 'Custom::BlueGreenRollout') result = await blueGreenRollout(event);
      else throw new Error(`unknown resource type ${event.ResourceType}`);
    }
  } catch (e) {
    status = 'FAILED';
    reason = e instanceof Error ? e.message : String(e);
    console.error(reason);
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason || 'see the CloudWatch logs of the function',
    PhysicalResourceId: result.physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: result.data,
  });
  await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
}

async function describeService(cluster: string, service: string): Promise<Service | undefined> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return out.services?.find((s) => s.status === 'ACTIVE');
}

/** The task definition serving production now. */
function liveTaskDefinition(service: Service): string | undefined {
  const taskSet = service.taskSets?.find((t) => t.status === 'PRIMARY');
  const deployment = service.deployments?.find((d) => d.status === 'PRIMARY');
  return taskSet?.taskDefinition ?? deployment?.taskDefinition ?? service.taskDefinition;
}

async function deployedState(event: CfnEvent): Promise<Result> {
  const p = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId ?? `${p.ClusterName}/${p.ServiceName}`;
  const service = await describeService(p.ClusterName, p.ServiceName);
  const arn = service && liveTaskDefinition(service);
  if (!service || !arn) {
    return { physicalId, data: { Image: p.BootstrapImage, DesiredCount: Number(p.InitialDesiredCount), Deployed: 'false' } };
  }
  const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  const container = td.taskDefinition?.containerDefinitions?.find((c) => c.name === p.ContainerName);
  return {
    physicalId,
    data: { Image: container?.image ?? p.BootstrapImage, DesiredCount: service.desiredCount ?? 0, Deployed: 'true' },
  };
}

async function blueGreenRollout(event: CfnEvent): Promise<Result> {
  const p = event.ResourceProperties;
  if (event.RequestType === 'Create' || !event.PhysicalResourceId) {
    return { physicalId: p.TaskDefinitionArn, data: { ServiceTaskDefinition: p.TaskDefinitionArn, DeploymentId: '' } };
  }
  const pinned = event.PhysicalResourceId;
  const changed = event.OldResourceProperties?.TaskDefinitionArn !== p.TaskDefinitionArn;
  const service = changed ? await describeService(p.ClusterName, p.ServiceName) : undefined;
  if (!service) return { physicalId: pinned, data: { ServiceTaskDefinition: pinned, DeploymentId: '' } };
  try {
    const out = await codedeploy.send(new CreateDeploymentCommand({
      applicationName: p.ApplicationName,
      deploymentGroupName: p.DeploymentGroupName,
      description: `cdk deploy: ${p.TaskDefinitionArn}`,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: {
          content: renderAppSpec({
            taskDefinition: p.TaskDefinitionArn,
            containerName: p.ContainerName,
            containerPort: Number(p.ContainerPort),
            capacity: (p.CapacityProviderStrategy ?? []).map((c: Record<string, string>) => ({
              capacityProvider: c.CapacityProvider, base: Number(c.Base ?? 0), weight: Number(c.Weight ?? 0),
            })),
            hooks: (p.Hooks ?? []).map((h: Record<string, string>) => ({ event: h.Event, functionArn: h.FunctionArn })),
          }),
        },
      },
    }));
    return { physicalId: pinned, data: { ServiceTaskDefinition: pinned, DeploymentId: out.deploymentId ?? '' } };
  } catch (e) {
    const name = e instanceof Error ? e.name : '';
    if (name === 'DeploymentLimitExceededException') {
      throw new Error(`A CodeDeploy deployment of ${p.ServiceName} is in progress; wait for it to finish (or stop it) and run cdk deploy again.`);
    }
    throw e;
  }
}
