/**
 * CodePipeline as the platform's pipelines use it, each step authorized as AWS authorizes it:
 * CodePipeline assumes the pipeline's role, which assumes each action's role; a source action
 * reads the branch (CodeCommit) and writes its artifact to the artifact bucket; a CodeBuild
 * action starts the build, and CodeBuild runs the project's buildspec as the project's role
 * (see buildspec-runner), reading and writing artifacts and writing its logs; a manual approval
 * waits; a deploy action deploys: CodeDeployToECS registers the task definition of
 * `taskdef.json` (the image placeholder replaced by `imageDetail.json`'s ImageURI), puts its
 * ARN in the appspec and creates a CodeDeploy deployment; the ECS action registers a new
 * revision of the task definition the service uses now with the image of
 * `imagedefinitions.json` and updates the service (and fails after its DeploymentTimeout, 60
 * minutes by default). Both wait for the deployment's end. A pipeline starts an execution when
 * it is created ("When a pipeline is created, a pipeline execution starts automatically"), and
 * on each push its EventBridge rule sees. The end of an execution goes to EventBridge and to the
 * pipeline's notification rules.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECSbluegreen.html#edit-role-codedeploy-ecs
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html#edit-role-ecs ("creates its own revision of the task definition based on the revision used by the Amazon ECS service")
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeCommit.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html ("When a pipeline is created, a pipeline execution starts automatically.")
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/security-iam.html#how-to-custom-role
 * @see https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/file-reference.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import { deploymentGroupArn } from './authorization';
import { arn, REGION } from './aws';
import { BuildFailed, runBuildSpec } from './buildspec-runner';
import type { Principal } from './iam';
import type { World } from './world';

type Props = Record<string, any>;

export interface Execution {
  readonly id: string;
  readonly pipeline: string;
  readonly commit: string;
  /** What started it: the pipeline's creation, or a source change. */
  readonly trigger: 'CreatePipeline' | 'CloudWatchEvent';
  status: 'InProgress' | 'Succeeded' | 'Failed';
  waiting?: 'approval' | 'deployment' | 'service';
  /** The image the build pushed, once built. */
  image?: string;
  error?: string;
  deploymentId?: string;
  service?: { cluster: string; name: string; taskDefinition: string; deadline: number };
  readonly actions: Array<{ stage: string; action: Props }>;
  next: number;
  readonly artifacts: Map<string, Map<string, string>>;
  /** The pipeline role's session. */
  role?: Principal;
  /** The account whose deployment the execution waits for (a cross-account action's). */
  target?: World;
}

export class Pipelines {
  public readonly projects = new Map<string, Props>();
  public readonly definitions = new Map<string, Props>();
  public readonly executions: Execution[] = [];

  constructor(private readonly world: World) {}

  /** A pipeline was created: CodePipeline starts its first execution at once, with the branch as it is. */
  public async started(pipeline: string): Promise<void> {
    const source = this.sourceAction(pipeline);
    const repo = source && this.world.codecommit.repositories.get(String(source.Configuration.RepositoryName));
    await this.start(pipeline, repo?.commits.get(String(source?.Configuration.BranchName ?? 'main')) ?? '', 'CreatePipeline');
  }

  /** An EventBridge rule started the pipeline (a push). */
  public async startFromEvent(pipeline: string, event: { detail: Record<string, unknown> }): Promise<void> {
    await this.start(pipeline, String(event.detail.commitId ?? ''), 'CloudWatchEvent');
  }

  private sourceAction(pipeline: string): Props | undefined {
    return (this.definitions.get(pipeline)?.Stages as Props[] | undefined)?.flatMap((s) => s.Actions as Props[]).find((a) => a.ActionTypeId.Category === 'Source');
  }

  /** An execution; it runs until it waits or ends. */
  public async start(pipeline: string, commit: string, trigger: Execution['trigger']): Promise<Execution> {
    const def = this.definitions.get(pipeline);
    if (!def) throw new Error(`no pipeline ${pipeline}`);
    const byRunOrder = (a: Props, b: Props) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1);
    const actions = (def.Stages as Props[]).flatMap((s) => [...s.Actions].sort(byRunOrder).map((action: Props) => ({ stage: String(s.Name), action })));
    const e: Execution = { id: `exec-${this.executions.length + 1}`, pipeline, commit, trigger, status: 'InProgress', actions, next: 0, artifacts: new Map() };
    this.executions.push(e);
    e.role = await this.world.assume('codepipeline.amazonaws.com', String(def.RoleArn), `codepipeline-${e.id}`, arn('codepipeline', pipeline));
    if (!e.role) {
      await this.end(e, `CodePipeline is not authorized to perform AssumeRole on role ${def.RoleArn}`);
      return e;
    }
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
      if (outcome !== 'ok') { await this.end(e, outcome); continue; }
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
    const target = e.target ?? this.world;
    if (e.waiting === 'deployment') {
      const d = target.codedeploy.get(e.deploymentId!);
      if (d.status === 'InProgress') return 'pending';
      return d.status === 'Succeeded' ? 'ok' : `CodeDeploy deployment ${d.id} ${d.status}: ${d.error?.message}`;
    }
    const service = target.ecs.findService(e.service!.cluster, e.service!.name);
    if (!service) return 'the service no longer exists';
    const primary = target.ecs.primary(service);
    if (primary?.rolloutState === 'IN_PROGRESS') {
      // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ECS.html (DeploymentTimeout: 1 to 60 minutes, 60 by default)
      return this.world.now >= e.service!.deadline ? `the ECS deployment of ${e.service!.taskDefinition} did not complete within the action's deployment timeout` : 'pending';
    }
    // The action succeeds when the service reaches a steady state running its image (a
    // deployment that superseded the action's with the same image counts).
    const image = (td: string) => target.ecs.describeTaskDefinition(td).containerDefinitions.map((c) => c.image).join();
    if (primary?.rolloutState === 'COMPLETED' && image(primary.taskDefinition) === image(e.service!.taskDefinition)) return 'ok';
    return `the ECS deployment of ${e.service!.taskDefinition} did not complete (${service.events.at(-1) ?? 'superseded'})`;
  }

  private async run(e: Execution): Promise<void> {
    while (e.status === 'InProgress' && e.next < e.actions.length) {
      const { action } = e.actions[e.next];
      try {
        const blocked = await this.runAction(e, action);
        if (blocked) {
          e.waiting = blocked;
          if (blocked === 'approval') await this.world.notifications.notify(arn('codepipeline', e.pipeline), 'codepipeline-pipeline-manual-approval-needed');
          return;
        }
      } catch (err) {
        await this.end(e, `${action.Name}: ${(err as Error).message}`);
        return;
      }
      e.next += 1;
    }
    if (e.status === 'InProgress') await this.end(e);
  }

  /** The end of an execution: its state change goes to EventBridge and the pipeline's notification rules. */
  private async end(e: Execution, error?: string): Promise<void> {
    e.status = error ? 'Failed' : 'Succeeded';
    e.error = error;
    const state = error ? 'FAILED' : 'SUCCEEDED';
    await this.world.notifications.put({
      source: 'aws.codepipeline', 'detail-type': 'CodePipeline Pipeline Execution State Change', resources: [arn('codepipeline', e.pipeline)],
      detail: { pipeline: e.pipeline, 'execution-id': e.id, state },
    });
    await this.world.notifications.notify(arn('codepipeline', e.pipeline), `codepipeline-pipeline-pipeline-execution-${state.toLowerCase()}`);
  }

  /** The artifact bucket's object for an artifact of an execution. */
  private artifactArn(e: Execution, name: string): string {
    const bucket = String(this.definitions.get(e.pipeline)!.ArtifactStore?.Location);
    return `arn:aws:s3:::${bucket}/${e.pipeline.slice(0, 20)}/${name.slice(0, 10)}/${e.id}`;
  }

  /**
   * Reading or writing an artifact: the object in the artifact bucket and, for a bucket encrypted
   * with a KMS key, the key, used through S3 (kms:Decrypt to read, kms:GenerateDataKey to write),
   * by a principal of any account (a cross-account action's role: its identity policies and the
   * bucket's and key's policies decide).
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
   * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html
   */
  private async artifact(who: Principal, e: Execution, name: string, mode: 'read' | 'write', during: string): Promise<void> {
    const objectArn = this.artifactArn(e, name);
    await this.world.iam.authorize(who, { action: mode === 'read' ? 's3:GetObject' : 's3:PutObject', resource: objectArn }, during);
    const bucket = objectArn.slice('arn:aws:s3:::'.length).split('/')[0];
    const key = this.world.iam.bucketKeys.get(bucket);
    if (!key) return;
    await this.world.iam.authorize(who, {
      action: mode === 'read' ? 'kms:Decrypt' : 'kms:GenerateDataKey',
      resource: key,
      context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}` },
    }, during);
  }

  private async runAction(e: Execution, action: Props): Promise<Execution['waiting']> {
    const type = action.ActionTypeId as Props;
    const config = (action.Configuration ?? {}) as Props;
    const { world } = this;
    const as = action.RoleArn ? await world.assumeAs(e.role!, String(action.RoleArn), `${e.id}-${action.Name}`) : e.role!;
    // An action whose role is another account's acts in that account.
    // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html
    const target = as.kind === 'role' ? world.worldOf(as.roleArn) : world;
    const may = (request: { action: string; resource: string; context?: Record<string, string> }) => world.iam.authorize(as, request, `${e.pipeline} ${action.Name}`);
    const inputName = (name?: string) => name ?? action.InputArtifacts?.[0]?.Name;
    const input = async (name?: string) => {
      const artifact = inputName(name);
      await this.artifact(as, e, artifact, 'read', `${e.pipeline} ${action.Name}`);
      return e.artifacts.get(artifact) ?? new Map<string, string>();
    };
    if (type.Category === 'Source') {
      const repo = world.codecommit.repositories.get(String(config.RepositoryName));
      const repoArn = repo?.arn ?? arn('codecommit', String(config.RepositoryName));
      for (const a of ['codecommit:GetBranch', 'codecommit:GetCommit', 'codecommit:UploadArchive', 'codecommit:GetUploadArchiveStatus']) await may({ action: a, resource: repoArn });
      if (!e.commit || !repo?.commits.has(String(config.BranchName ?? 'main'))) {
        throw new Error(`The action failed because no branch named ${config.BranchName ?? 'main'} was found in the selected AWS CodeCommit repository ${config.RepositoryName}. Make sure you are using the correct branch name, and then try again.`);
      }
      await this.artifact(as, e, action.OutputArtifacts[0].Name, 'write', `${e.pipeline} ${action.Name}`);
      e.artifacts.set(action.OutputArtifacts[0].Name, new Map([['.commit', e.commit]]));
      return undefined;
    }
    if (type.Category === 'Approval') {
      if (config.NotificationArn) await world.notifications.publish(as, String(config.NotificationArn), `${e.pipeline} ${action.Name} approval`);
      return 'approval';
    }
    if (type.Provider === 'CodeBuild') {
      const project = this.projects.get(config.ProjectName);
      if (!project) throw new Error(`no CodeBuild project ${config.ProjectName}`);
      const projectArn = arn('codebuild', `project/${config.ProjectName}`);
      await may({ action: 'codebuild:StartBuild', resource: projectArn });
      await may({ action: 'codebuild:BatchGetBuilds', resource: projectArn });
      return this.build(e, action, project, String(config.ProjectName));
    }
    if (type.Provider === 'CodeDeployToECS' || type.Provider === 'ECS') {
      e.target = target;
      return target.run(() => this.deployAction(e, action, as, input, may));
    }
    throw new Error(`the lifecycle model does not run ${type.Category}/${type.Provider} actions`);
  }

  /** A deploy action, run in the account of its role (`world`: that account's). */
  private async deployAction(e: Execution, action: Props, as: Principal, input: (name?: string) => Promise<Map<string, string>>,
    may: (request: { action: string; resource: string; context?: Record<string, string> }) => Promise<void>): Promise<Execution['waiting']> {
    const type = action.ActionTypeId as Props;
    const config = (action.Configuration ?? {}) as Props;
    const world = e.target!;
    if (type.Provider === 'CodeDeployToECS') {
      const taskdefFiles = await input(config.TaskDefinitionTemplateArtifact);
      const image = JSON.parse((await input(config.Image1ArtifactName)).get('imageDetail.json')!).ImageURI as string;
      const taskdefText = taskdefFiles.get(config.TaskDefinitionTemplatePath ?? 'taskdef.json')!.split(`<${config.Image1ContainerName ?? 'IMAGE'}>`).join(image);
      const group = world.codedeploy.group(config.ApplicationName, config.DeploymentGroupName);
      await may({ action: 'codedeploy:GetApplication', resource: arn('codedeploy', `application:${config.ApplicationName}`) });
      await may({ action: 'codedeploy:GetDeploymentConfig', resource: arn('codedeploy', `deploymentconfig:${group.deploymentConfigName}`) });
      const registered = await world.api('ECS', 'RegisterTaskDefinition', JSON.parse(taskdefText), as) as { taskDefinition: { taskDefinitionArn: string } };
      const appspec = (await input(config.AppSpecTemplateArtifact)).get(config.AppSpecTemplatePath ?? 'appspec.yaml')!.split('<TASK_DEFINITION>').join(registered.taskDefinition.taskDefinitionArn);
      const out = await world.api('CodeDeploy', 'CreateDeployment', {
        applicationName: config.ApplicationName, deploymentGroupName: config.DeploymentGroupName,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appspec } }, description: `pipeline ${e.pipeline} ${e.id}`,
      }, as) as { deploymentId: string };
      await may({ action: 'codedeploy:GetDeployment', resource: deploymentGroupArn(config.ApplicationName, config.DeploymentGroupName) });
      e.deploymentId = out.deploymentId;
      return 'deployment';
    }
    if (type.Provider === 'ECS') {
      const definitions = JSON.parse((await input()).get(config.FileName ?? 'imagedefinitions.json')!) as Array<{ name: string; imageUri: string }>;
      const described = await world.api('ECS', 'DescribeServices', { cluster: config.ClusterName, services: [config.ServiceName] }, as) as { services: Props[] };
      const service = described.services[0];
      if (!service) throw new Error(`service ${config.ServiceName} not found`);
      const current = (await world.api('ECS', 'DescribeTaskDefinition', { taskDefinition: service.taskDefinition }, as) as { taskDefinition: Props }).taskDefinition;
      const { taskDefinitionArn: _a, revision: _r, status: _s, ...rest } = current;
      const imageOf = (c: Props) => definitions.find((d) => d.name === c.name)?.imageUri ?? c.image;
      const next = { ...rest, containerDefinitions: (current.containerDefinitions as Props[]).map((c) => ({ ...c, image: imageOf(c) })) };
      const registered = await world.api('ECS', 'RegisterTaskDefinition', next, as) as { taskDefinition: { taskDefinitionArn: string } };
      await world.api('ECS', 'UpdateService', { cluster: config.ClusterName, service: config.ServiceName, taskDefinition: registered.taskDefinition.taskDefinitionArn }, as);
      const deadline = world.now + Number(config.DeploymentTimeout ?? 60) * 60;
      e.service = { cluster: config.ClusterName, name: config.ServiceName, taskDefinition: registered.taskDefinition.taskDefinitionArn, deadline };
      return 'service';
    }
    throw new Error(`the lifecycle model does not run ${type.Category}/${type.Provider} actions`);
  }

  /**
   * A CodeBuild build: CodeBuild assumes the project's role, which reads the input artifacts,
   * writes the build's logs (a build whose logs CodeBuild cannot write fails), runs the
   * buildspec and writes the output artifact.
   * @see https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
   * @see https://docs.aws.amazon.com/codebuild/latest/userguide/troubleshooting.html#troubleshooting-cloudwatch-logs (ACCESS_DENIED on logs fails the build)
   */
  private async build(e: Execution, action: Props, project: Props, name: string): Promise<Execution['waiting']> {
    const { world } = this;
    const buildId = `${name}:${world.ids.suffix()}`;
    const role = await world.assume('codebuild.amazonaws.com', String(project.ServiceRole), `AWSCodeBuild-${buildId.split(':')[1]}`, arn('codebuild', `project/${name}`));
    if (!role) throw new Error(`Build failed: CLIENT_ERROR: CodeBuild is not authorized to perform: sts:AssumeRole on ${project.ServiceRole}`);
    const group = project.LogsConfig?.CloudWatchLogs?.GroupName ?? `/aws/codebuild/${name}`;
    if (!await world.writeLogs(role, String(group), buildId.split(':')[1], `the logs of build ${buildId}`)) {
      throw new Error(`Build failed: ACCESS_DENIED: Service role ${project.ServiceRole} does not allow AWS CodeBuild to create Amazon CloudWatch Logs log streams for build ${arn('codebuild', `build/${buildId}`)}`);
    }
    const files = new Map<string, string>();
    for (const artifact of (action.InputArtifacts ?? []) as Props[]) {
      await this.artifact(role, e, artifact.Name, 'read', `build ${buildId}`);
      for (const [k, v] of e.artifacts.get(artifact.Name) ?? []) files.set(k, v);
    }
    const env = Object.fromEntries((project.Environment?.EnvironmentVariables ?? []).map((v: Props) => [v.Name, String(v.Value)]));
    try {
      const out = await runBuildSpec(JSON.parse(project.Source.BuildSpec), { world, env, commit: e.commit, files, role });
      if (action.OutputArtifacts?.[0]) {
        await this.artifact(role, e, action.OutputArtifacts[0].Name, 'write', `build ${buildId}`);
        e.artifacts.set(action.OutputArtifacts[0].Name, out);
      }
      e.image ??= imageOf(out);
    } catch (err) {
      if (err instanceof BuildFailed) throw new Error(`Build failed: ${err.message}`, { cause: err });
      throw err;
    }
    return undefined;
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
