/**
 * CodePipeline as the platform's pipelines use it: a source action gives the commit, a
 * CodeBuild action runs the project's buildspec (see buildspec-runner), a manual approval
 * waits, and a deploy action deploys: CodeDeployToECS registers the task definition of
 * `taskdef.json` (the image placeholder replaced by `imageDetail.json`'s ImageURI), puts its
 * ARN in the appspec and creates a CodeDeploy deployment; the ECS action registers a new
 * revision of the task definition the service uses now with the image of
 * `imagedefinitions.json` and updates the service. Both wait for the deployment's end.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html ("creates its own revision of the task definition based on the revision used by the Amazon ECS service")
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html
 */
import { BuildFailed, runBuildSpec } from './buildspec-runner';
import type { World } from './world';

type Props = Record<string, any>;

export interface Execution {
  readonly id: string;
  readonly pipeline: string;
  readonly commit: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  waiting?: 'approval' | 'deployment' | 'service';
  /** The image the build pushed, once built. */
  image?: string;
  error?: string;
  deploymentId?: string;
  service?: { cluster: string; name: string; taskDefinition: string };
  readonly actions: Array<{ stage: string; action: Props }>;
  next: number;
  readonly artifacts: Map<string, Map<string, string>>;
}

export class Pipelines {
  public readonly projects = new Map<string, Props>();
  public readonly definitions = new Map<string, Props>();
  public readonly executions: Execution[] = [];

  constructor(private readonly world: World) {}

  /** A commit pushed to the pipeline's source starts an execution; it runs until it waits or ends. */
  public async start(pipeline: string, commit: string): Promise<Execution> {
    const def = this.definitions.get(pipeline);
    if (!def) throw new Error(`no pipeline ${pipeline}`);
    const actions = (def.Stages as Props[]).flatMap((s) => [...s.Actions].sort((a: Props,
      b: Props) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1)).map((action: Props) => ({ stage: String(s.Name), action })));
    const e: Execution = { id: `exec-${this.executions.length + 1}`, pipeline, commit, status: 'InProgress', actions, next: 0, artifacts: new Map() };
    this.executions.push(e);
    await this.run(e);
    return e;
  }

  public async approve(e: Execution): Promise<void> {
    if (e.waiting !== 'approval') throw new Error(`${e.id} does not wait for an approval`);
    e.waiting = undefined;
    e.next += 1;
    await this.run(e);
  }

  /** Continues executions whose deployment ended; answers whether one moved. */
  public async resume(): Promise<boolean> {
    let moved = false;
    for (const e of this.executions.filter((x) => x.status === 'InProgress' && (x.waiting === 'deployment' || x.waiting === 'service'))) {
      const outcome = this.deploymentOutcome(e);
      if (outcome === 'pending') continue;
      moved = true;
      e.waiting = undefined;
      if (outcome !== 'ok') { e.status = 'Failed'; e.error = outcome; continue; }
      e.next += 1;
      await this.run(e);
    }
    return moved;
  }

  /** The newest execution of a pipeline that succeeded. */
  public lastSucceeded(pipeline: string): Execution | undefined {
    return [...this.executions].reverse().find((e) => e.pipeline === pipeline && e.status === 'Succeeded');
  }

  private deploymentOutcome(e: Execution): 'pending' | 'ok' | string {
    if (e.waiting === 'deployment') {
      const d = this.world.codedeploy.get(e.deploymentId!);
      if (d.status === 'InProgress') return 'pending';
      return d.status === 'Succeeded' ? 'ok' : `CodeDeploy deployment ${d.id} ${d.status}: ${d.errorMessage}`;
    }
    const service = this.world.ecs.findService(e.service!.cluster, e.service!.name);
    if (!service) return 'the service no longer exists';
    const primary = this.world.ecs.primary(service);
    if (primary?.rolloutState === 'IN_PROGRESS') return 'pending';
    // The action succeeds when the service reaches a steady state running its image (a
    // deployment that superseded the action's with the same image counts).
    const image = (td: string) => this.world.ecs.describeTaskDefinition(td).containerDefinitions.map((c) => c.image).join();
    if (primary?.rolloutState === 'COMPLETED' && image(primary.taskDefinition) === image(e.service!.taskDefinition)) return 'ok';
    return `the ECS deployment of ${e.service!.taskDefinition} did not complete (${service.events.at(-1) ?? 'superseded'})`;
  }

  private async run(e: Execution): Promise<void> {
    while (e.status === 'InProgress' && e.next < e.actions.length) {
      const { action } = e.actions[e.next];
      try {
        const blocked = await this.runAction(e, action);
        if (blocked) { e.waiting = blocked; return; }
      } catch (err) {
        e.status = 'Failed';
        e.error = `${action.Name}: ${(err as Error).message}`;
        return;
      }
      e.next += 1;
    }
    if (e.status === 'InProgress') e.status = 'Succeeded';
  }

  private async runAction(e: Execution, action: Props): Promise<Execution['waiting']> {
    const type = action.ActionTypeId as Props;
    const config = (action.Configuration ?? {}) as Props;
    const input = (name?: string) => e.artifacts.get(name ?? action.InputArtifacts?.[0]?.Name) ?? new Map<string, string>();
    if (type.Category === 'Source') {
      e.artifacts.set(action.OutputArtifacts[0].Name, new Map([['.commit', e.commit]]));
      return undefined;
    }
    if (type.Category === 'Approval') return 'approval';
    if (type.Provider === 'CodeBuild') {
      const project = this.projects.get(config.ProjectName);
      if (!project) throw new Error(`no CodeBuild project ${config.ProjectName}`);
      const env = Object.fromEntries((project.Environment?.EnvironmentVariables ?? []).map((v: Props) => [v.Name, String(v.Value)]));
      const files = new Map(input());
      try {
        const out = await runBuildSpec(JSON.parse(project.Source.BuildSpec), { world: this.world, env, commit: e.commit, files });
        if (action.OutputArtifacts?.[0]) e.artifacts.set(action.OutputArtifacts[0].Name, out);
        e.image ??= imageOf(out);
      } catch (err) {
        if (err instanceof BuildFailed) throw new Error(`Build failed: ${err.message}`, { cause: err });
        throw err;
      }
      return undefined;
    }
    if (type.Provider === 'CodeDeployToECS') {
      const taskdefFiles = input(config.TaskDefinitionTemplateArtifact);
      const image = JSON.parse(input(config.Image1ArtifactName).get('imageDetail.json')!).ImageURI as string;
      const taskdefText = taskdefFiles.get(config.TaskDefinitionTemplatePath ?? 'taskdef.json')!.split(`<${config.Image1ContainerName ?? 'IMAGE'}>`).join(image);
      const registered = await this.world.api('ECS', 'RegisterTaskDefinition', JSON.parse(taskdefText)) as { taskDefinition: { taskDefinitionArn: string } };
      const appspec = input(config.AppSpecTemplateArtifact).get(config.AppSpecTemplatePath ?? 'appspec.yaml')!.split('<TASK_DEFINITION>').join(registered.taskDefinition.taskDefinitionArn);
      const out = await this.world.api('CodeDeploy', 'CreateDeployment', {
        applicationName: config.ApplicationName, deploymentGroupName: config.DeploymentGroupName,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appspec } }, description: `pipeline ${e.pipeline} ${e.id}`,
      }) as { deploymentId: string };
      e.deploymentId = out.deploymentId;
      return 'deployment';
    }
    if (type.Provider === 'ECS') {
      const definitions = JSON.parse(input().get(config.FileName ?? 'imagedefinitions.json')!) as Array<{ name: string; imageUri: string }>;
      const described = await this.world.api('ECS', 'DescribeServices', { cluster: config.ClusterName, services: [config.ServiceName] }) as { services: Props[] };
      const service = described.services[0];
      if (!service) throw new Error(`service ${config.ServiceName} not found`);
      const current = (await this.world.api('ECS', 'DescribeTaskDefinition', { taskDefinition: service.taskDefinition }) as { taskDefinition: Props }).taskDefinition;
      const { taskDefinitionArn: _a, revision: _r, status: _s, ...rest } = current;
      const next = { ...rest, containerDefinitions: (current.containerDefinitions as Props[]).map((c) => ({ ...c,
        image: definitions.find((d) => d.name === c.name)?.imageUri ?? c.image })) };
      const registered = await this.world.api('ECS', 'RegisterTaskDefinition', next) as { taskDefinition: { taskDefinitionArn: string } };
      await this.world.api('ECS', 'UpdateService', { cluster: config.ClusterName, service: config.ServiceName, taskDefinition: registered.taskDefinition.taskDefinitionArn });
      e.service = { cluster: config.ClusterName, name: config.ServiceName, taskDefinition: registered.taskDefinition.taskDefinitionArn };
      return 'service';
    }
    throw new Error(`the lifecycle model does not run ${type.Category}/${type.Provider} actions`);
  }
}

/** The image a build's output names (imageDetail.json, imagedefinitions.json or image.txt). */
function imageOf(files: Map<string, string>): string | undefined {
  const detail = files.get('imageDetail.json');
  if (detail) return JSON.parse(detail).ImageURI;
  const defs = files.get('imagedefinitions.json');
  if (defs) return JSON.parse(defs)[0]?.imageUri;
  return files.get('image.txt')?.trim();
}
