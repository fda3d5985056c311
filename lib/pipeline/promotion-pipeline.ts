import { Aspects, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { acknowledgeLogBucket, encryptedTopic, platformKey, secureBucket, SERVER_ACCESS_LOGS_PREFIX } from '../foundation/platform-resources';
import { acknowledgeAll, ExplicitActions } from '../private/compliance';
import { CONTAINER_NAME } from '../private/constants';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { fitName } from '../private/naming';
import { deployedStack } from '../private/stacks';
import { SecureRepository } from '../registry/secure-repository';
import { newBuildProject } from './build-project';
import { renderBuildSpec, renderEnvironmentTestSpec, renderPrepareSpec } from './buildspec';
import { notifyExecutions, waitForActionRolePolicies } from './delivery';
import { bindEnvironment, environmentRoleNames, PromotedWorkload, roleArn } from './promotion-environment';
import type { PromotionEnvironmentOptions, PromotionPipelineProps } from './promotion-options';
import { architectureName, validateEnvironment, validatePromotionPipeline } from './validate-promotion';

/** IAM role names: at most 64 characters. @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME_MAX = 64;

/**
 * One environment a {@link PromotionPipeline} deploys to, in the order the environments were
 * added: made by `pipeline.addEnvironment(name)`, and taken by exactly one workload as its
 * `promotion` (a `Microservice` or a `QueueWorker`), whose account, Region and deployment policy
 * it then deploys with.
 */
export class PromotionEnvironment {
  /** @internal an environment of a pipeline (`pipeline.addEnvironment`) */
  public static _create(pipeline: PromotionPipeline, name: string, index: number, options: PromotionEnvironmentOptions): PromotionEnvironment {
    return new PromotionEnvironment(pipeline, name, index, options);
  }

  private bound?: IConstruct;

  private constructor(
    /** The pipeline that promotes to this environment. */
    public readonly pipeline: PromotionPipeline,
    /** The environment's name: its stage of the pipeline. */
    public readonly name: string,
    /** Its place in the pipeline's order, 0 first. */
    public readonly index: number,
    /** Its test commands and who approves the promotion to it. */
    public readonly options: PromotionEnvironmentOptions,
  ) {}

  /** The workload this environment deploys, once a workload took it. */
  public get workload(): IConstruct | undefined {
    return this.bound;
  }

  /** @internal records the problems of promoting a workload of `platform` to this environment (on its `promotion` prop). */
  public _check(p: Problems, workload: IConstruct, platform: IContainerPlatform, cpuArchitecture: ecs.CpuArchitecture): void {
    this.pipeline._check(p, this, workload, platform, cpuArchitecture);
  }

  /** @internal the pipeline's image repository, as the workload of this environment pulls from it. */
  public _repository(scope: Construct): ecr.IRepository {
    return this.pipeline._repositoryFor(scope);
  }

  /** @internal adds the workload's side (roles, appspec) and the environment's stage. */
  public _bind(target: PromotedWorkload): void {
    this.bound = target.scope;
    this.pipeline._bind(this, target);
  }
}

/**
 * One pipeline per service, from commit to every environment: Source, Build (the test commands,
 * then one image pushed to the pipeline's ECR repository; its digest is what every environment
 * deploys), then for each environment in the order added: a manual approval (before every
 * environment after the first), Prepare, Deploy with that environment's deployment policy
 * (CodeDeploy blue/green with its smoke test, ECS-native blue/green or rolling) and the
 * environment's test commands. A failed action stops the execution: an image never reaches an
 * environment after one where it failed.
 *
 * Environments may be in other accounts (the pipeline in a tooling account): the artifacts are
 * encrypted with the pipeline's KMS key, and each environment's workload has a deploy role and
 * a prepare role that trust exactly the pipeline's role and the prepare project's role
 * (`aws:PrincipalArn`), while the key and bucket policies admit exactly those roles and the
 * repository lets exactly the roles under each environment's platform path pull.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html
 */
export class PromotionPipeline extends Construct {
  /** The CodePipeline pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The repository of the images the pipeline builds; every environment pulls from it. */
  public readonly repository: ecr.IRepository;
  /** The image build: tests, docker build with the layer cache, push, and the image's digest. */
  public readonly project: codebuild.PipelineProject;
  /** The key of the artifacts, the logs and the notification topic. */
  public readonly encryptionKey: kms.IKey;
  /** The artifact bucket (SSE-KMS with the pipeline's key, SSL only, artifacts expire after 30 days). */
  public readonly artifactBucket: s3.Bucket;
  /** Where failed and succeeded executions and pending approvals are announced. */
  public readonly notificationTopic: sns.ITopic;
  /** The CodeCommit repository, for a CodeCommit source. */
  public readonly sourceRepository?: codecommit.IRepository;
  /** The role CodePipeline assumes: the environments' deploy roles trust exactly it. */
  public readonly role: iam.Role;
  private readonly environmentList: PromotionEnvironment[] = [];
  private readonly stages = new Map<PromotionEnvironment, codepipeline.IStage>();
  private readonly buildOutput = new codepipeline.Artifact('Build');
  private readonly logGroup: logs.LogGroup;
  private readonly baseName: string;
  private readonly roleName: string;
  private readonly repositoryName: string;
  private readonly cpuArchitecture: ecs.CpuArchitecture;

  constructor(scope: Construct, id: string, props: PromotionPipelineProps) {
    super(scope, id);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'PromotionPipelineProps');
    validatePromotionPipeline(p, this, props);
    p.throwIfAny();
    const stack = deployedStack(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.cpuArchitecture = props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64;
    this.baseName = `${stack.stackName}-${id}`;

    this.encryptionKey = platformKey(this, removalPolicy);
    this.logGroup = new logs.LogGroup(this, 'BuildLogs', {
      retention: DEFAULTS.logRetentionDays as logs.RetentionDays,
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });
    const accessLogs = secureBucket(this, 'AccessLogs', { expiration: Duration.days(DEFAULTS.accessLogsExpirationDays), removalPolicy });
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects(`${SERVER_ACCESS_LOGS_PREFIX}*`)],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    acknowledgeAll(accessLogs, ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 's3_bucket_logging_enabled_check'],
      'This bucket is where the artifact bucket\'s access logs go; logging its own access would log into itself.');
    acknowledgeAll(accessLogs, ['NIST.800.53.R5-S3DefaultEncryptionKMS', 's3_bucket_default_encryption_kms_check'],
      'S3 server access logs can only be delivered to buckets encrypted with S3-managed keys (SSE-S3).');
    acknowledgeLogBucket(accessLogs);
    // The artifacts are encrypted with the pipeline's key: the environments' roles decrypt them
    // in their accounts, which an AWS managed key (aws/s3) does not allow.
    // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-cross-account.html
    this.artifactBucket = secureBucket(this, 'Artifacts', {
      expiration: Duration.days(DEFAULTS.artifactExpirationDays),
      abortIncompleteUploads: true,
      removalPolicy,
      encryptionKey: this.encryptionKey,
    });
    (this.artifactBucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogs.bucketName,
      logFilePrefix: `${SERVER_ACCESS_LOGS_PREFIX}artifacts/`,
    };
    acknowledgeLogBucket(this.artifactBucket);

    // Named, so that each environment's account addresses it (an ECR name: lower case).
    // @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html (repositoryName)
    this.repositoryName = fitName(this.baseName.toLowerCase().replace(/[^a-z0-9._/-]/g, '-'), 256);
    const repository = new SecureRepository(this, 'Repository', { removalPolicy }).repository;
    (repository.node.defaultChild as ecr.CfnRepository).repositoryName = this.repositoryName;
    this.repository = repository;

    this.roleName = fitName(`${this.baseName}-pipeline`, ROLE_NAME_MAX);
    this.role = new iam.Role(this, 'Role', {
      roleName: this.roleName,
      assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com'),
      description: `CodePipeline of ${this.node.path}`,
    });

    const sourceOutput = new codepipeline.Artifact('Source');
    const source = props.source._bind(this, sourceOutput, this.baseName);
    this.sourceRepository = source.codeCommitRepository;
    this.project = newBuildProject(this, 'Build', {
      description: `Builds the image ${this.node.path} promotes`,
      buildSpec: renderBuildSpec({
        testCommands: props.testCommands ?? [],
        dockerfile: props.dockerfile ?? 'Dockerfile',
        buildContext: props.buildContext ?? '.',
        target: 'promotion',
      }),
      logGroup: this.logGroup,
      docker: true,
      cpuArchitecture: this.cpuArchitecture,
      environment: { REPOSITORY_URI: repository.repositoryUri, CONTAINER_NAME },
    });
    repository.grantPullPush(this.project);
    this.project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecr:DescribeImages'], resources: [repository.repositoryArn] }));

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      role: this.role,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [source.action] },
        { stageName: 'Build', actions: [new actions.CodeBuildAction({ actionName: 'Image', project: this.project, input: sourceOutput, outputs: [this.buildOutput] })] },
      ],
    });
    this.notificationTopic = notifyExecutions(this, this.pipeline, this.encryptionKey, this.baseName, props.notificationTopic);
    Aspects.of(this).add(new ExplicitActions());
    this.node.addValidation({ validate: () => this.unbound() });
  }

  /** The environments, in the order the pipeline deploys to them. */
  public get environments(): PromotionEnvironment[] {
    return [...this.environmentList];
  }

  /**
   * Adds the next environment the pipeline deploys to (after the ones added before): pass it as
   * the `promotion` of the one workload that runs there.
   * @param name the environment's name, such as 'Staging': its stage of the pipeline (letters, digits, hyphens)
   */
  public addEnvironment(name: string, options: PromotionEnvironmentOptions = {}): PromotionEnvironment {
    const p = new Problems(this);
    checkKnownKeys(p, options, 'PromotionEnvironmentOptions');
    validateEnvironment(p, name, options, this.environmentList);
    p.throwIfAny();
    const environment = PromotionEnvironment._create(this, name, this.environmentList.length, options);
    this.environmentList.push(environment);
    return environment;
  }

  /** @internal the checks of a workload's `promotion`: see {@link PromotionEnvironment}. */
  public _check(p: Problems, environment: PromotionEnvironment, workload: IConstruct, platform: IContainerPlatform,
    cpuArchitecture: ecs.CpuArchitecture): void {
    const own = deployedStack(this);
    const context = PlatformContext.of(platform);
    p.require(context.published || context.imported !== undefined, 'promotion', `${this.node.path} environment ${environment.name}`,
      `a workload of a published platform, or of one imported by name (the pipeline addresses the cluster and CodeDeploy application of ${platform.node.path} by its name)`,
      `publish the platform (publish: true) and import it with ContainerPlatform.fromName(scope, 'Platform', '${platform.platformName}')`);
    const target = deployedStack(workload);
    const value = `${this.node.path} environment ${environment.name}`;
    if (environment.workload) {
      p.add('promotion', value, `an environment no other workload takes (${environment.workload.node.path} takes it)`,
        `add an environment for each workload with pipeline.addEnvironment(name)`);
    }
    if (Token.isUnresolved(target.account) || Token.isUnresolved(target.region)) {
      p.add('promotion', value, `a workload in a stack with an explicit account and Region (${target.stackName} has none): the pipeline's roles and policies name them`,
        'create the stack with env: { account, region }');
    } else if (target.region !== own.region) {
      p.add('promotion', value, `a workload in the pipeline's Region ${own.region} (${target.stackName} is in ${target.region}): the pipeline's artifacts and key are in its Region`,
        `put the environment's stack in ${own.region}, or give that Region a pipeline of its own`);
    }
    if (cpuArchitecture !== this.cpuArchitecture) {
      const [wanted, got] = [architectureName(this.cpuArchitecture), architectureName(cpuArchitecture)];
      p.add('container.cpuArchitecture', got, `the pipeline's cpuArchitecture ${wanted} (it builds one image for every environment)`,
        `run the workload on ${wanted}, or build for ${got} with the pipeline's cpuArchitecture`);
    }
  }

  /** @internal the pipeline's repository as a workload in another stack (or account) pulls from it: by ARN, named. */
  public _repositoryFor(scope: Construct): ecr.IRepository {
    const stack = deployedStack(this);
    return ecr.Repository.fromRepositoryAttributes(scope, 'PromotedRepository', {
      repositoryArn: stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: this.repositoryName }),
      repositoryName: this.repositoryName,
    });
  }

  /** @internal the workload's side of an environment, and its stage, in the order of the environments. */
  public _bind(environment: PromotionEnvironment, target: PromotedWorkload): void {
    const own = deployedStack(this);
    const env = deployedStack(target.scope);
    const names = environmentRoleNames(target.workloadName);
    const prepareRoleName = fitName(`${this.baseName}-${environment.name}-prepare`, ROLE_NAME_MAX);
    const { path, appSpecParameterName } = bindEnvironment(target, {
      toolingAccount: own.account,
      pipelineRoleArn: roleArn(own, own.account, '/', this.roleName),
      prepareProjectRoleArn: roleArn(own, own.account, '/', prepareRoleName),
    });
    const deployRoleArn = roleArn(own, env.account, path, names.deploy);
    const envPrepareRoleArn = roleArn(own, env.account, path, names.prepare);
    // The environment's stack comes first: the key and bucket policies here name its roles, and
    // a policy naming a role that does not exist yet is refused.
    own.addStackDependency(env);

    // Exactly the roles under the environment's platform path may pull the image.
    // @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
    this.repository.addToResourcePolicy(new iam.PolicyStatement({
      sid: `Pull${environment.name}`.replace(/[^A-Za-z0-9]/g, ''),
      principals: [new iam.AccountPrincipal(env.account)],
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      conditions: { ArnLike: { 'aws:PrincipalArn': own.formatArn({ service: 'iam', region: '', account: env.account, resource: 'role', resourceName: `${path.slice(1)}*` }) } },
    }));

    const order = { next: 1 };
    const stageActions: codepipeline.IAction[] = [];
    if (environment.index > 0) {
      stageActions.push(new actions.ManualApprovalAction({
        actionName: 'Approve',
        notificationTopic: this.approvalTopic(environment),
        additionalInformation: `Approve to deploy ${target.workloadName} to ${environment.name}.`,
        runOrder: order.next++,
      }));
    }
    const prepareRole = new iam.Role(this, `${environment.name}PrepareRole`, {
      roleName: prepareRoleName,
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: `Prepares the deployment of ${target.workloadName} to ${environment.name}`,
    });
    prepareRole.addToPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [envPrepareRoleArn] }));
    const prepare = newBuildProject(this, `Prepare${environment.name}`, {
      description: `Prepares the deployment of ${target.workloadName} to ${environment.name} (${env.account})`,
      buildSpec: renderPrepareSpec(target.codeDeploy),
      logGroup: this.logGroup,
      docker: false,
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      role: prepareRole,
      environment: {
        ENVIRONMENT_ROLE_ARN: envPrepareRoleArn,
        CLUSTER: target.clusterName,
        SERVICE: target.workloadName,
        TASK_FAMILY: target.taskDefinition.family,
        CONTAINER_NAME: target.containerName,
        MIN_TASKS: String(target.minTasks),
        APPSPEC_PARAMETER: appSpecParameterName ?? '',
      },
    });
    const files = target.codeDeploy ? new codepipeline.Artifact(`${environment.name}Files`) : undefined;
    stageActions.push(new actions.CodeBuildAction({
      actionName: 'Prepare', project: prepare, input: this.buildOutput, outputs: files ? [files] : undefined, runOrder: order.next++,
    }));
    const deployRole = iam.Role.fromRoleArn(this, `${environment.name}DeployRole`, deployRoleArn, { mutable: false });
    stageActions.push(this.deployAction(environment, target, env, deployRole, files, order.next++));
    const tests = environment.options.testCommands ?? [];
    if (tests.length > 0) {
      const test = newBuildProject(this, `Test${environment.name}`, {
        description: `Tests ${target.workloadName} in ${environment.name}`,
        buildSpec: renderEnvironmentTestSpec(tests),
        logGroup: this.logGroup,
        docker: false,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        environment: { ENVIRONMENT: environment.name, SERVICE: target.workloadName },
      });
      stageActions.push(new actions.CodeBuildAction({ actionName: 'Test', project: test, input: this.buildOutput, runOrder: order.next++ }));
    }

    const next = this.environmentList.slice(environment.index + 1).map((e) => this.stages.get(e)).find((s) => s);
    const stage = this.pipeline.addStage({ stageName: environment.name, actions: stageActions, placement: next ? { rightBefore: next } : undefined });
    this.stages.set(environment, stage);
    waitForActionRolePolicies(this.pipeline);
  }

  private deployAction(environment: PromotionEnvironment, target: PromotedWorkload, env: Stack, role: iam.IRole,
    files: codepipeline.Artifact | undefined, runOrder: number): codepipeline.IAction {
    const arn = (service: string, resource: string, name: string, sep = '/') => `arn:${env.partition}:${service}:${env.region}:${env.account}:${resource}${sep}${name}`;
    if (target.codeDeploy && files) {
      // The environment's CodeDeploy application is named after its platform (a published platform's).
      const application = codedeploy.EcsApplication.fromEcsApplicationArn(this, `${environment.name}Application`,
        arn('codedeploy', 'application', target.clusterName, ':'));
      const deploymentGroup = codedeploy.EcsDeploymentGroup.fromEcsDeploymentGroupAttributes(this, `${environment.name}DeploymentGroup`, {
        application,
        deploymentGroupName: target.workloadName,
      });
      return new actions.CodeDeployEcsDeployAction({
        actionName: 'Deploy',
        deploymentGroup,
        appSpecTemplateInput: files,
        taskDefinitionTemplateInput: files,
        containerImageInputs: [{ input: this.buildOutput, taskDefinitionPlaceholder: 'IMAGE1_NAME' }],
        role,
        runOrder,
      });
    }
    const cluster = ecs.Cluster.fromClusterArn(this, `${environment.name}Cluster`, arn('ecs', 'cluster', target.clusterName));
    const service = ecs.FargateService.fromFargateServiceAttributes(this, `${environment.name}Service`, {
      serviceArn: arn('ecs', 'service', `${target.clusterName}/${target.workloadName}`),
      cluster,
    });
    return new actions.EcsDeployAction({ actionName: 'Deploy', service, input: this.buildOutput, role, runOrder });
  }

  /**
   * The topic told of an approval: the user's, or one encrypted with the pipeline's key that the
   * approval's emails subscribe to (CodePipeline's own would be unencrypted).
   */
  private approvalTopic(environment: PromotionEnvironment): sns.ITopic | undefined {
    const approval = environment.options.approval;
    if (!approval) return undefined;
    if (approval.topic) return approval.topic;
    const topic = encryptedTopic(this, `${environment.name}Approval`, `Approvals of ${this.baseName} for ${environment.name}`, this.encryptionKey);
    for (const email of approval.emails ?? []) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  /** The environments no workload took, as validation errors of synthesis. */
  private unbound(): string[] {
    const missing = this.environmentList.filter((e) => !e.workload);
    if (missing.length === 0) return [];
    const p = new Problems(this);
    for (const e of missing) {
      p.add(`environment ${e.name}`, e.name, 'an environment that one workload takes as its `promotion`',
        `pass pipeline.environments[${e.index}] as the \`promotion\` of the workload that runs in ${e.name}`);
    }
    return p.messages({ validation: true });
  }
}
