import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Capacity } from '../core/capacity';
import { joinPlatform } from '../core/platform-membership';
import { addStorage } from '../core/storage';
import { buildWorkloadCore } from '../core/workload-core';
import { Deployment } from '../deployment/policy/deployment';
import { strategyFor } from '../deployment/strategies';
import { PlatformContext } from '../foundation/platform-context';
import { requirePlatform } from '../foundation/platform-contract';
import { acknowledge } from '../private/compliance';
import { CONTAINER_NAME } from '../private/constants';
import { WORKER_DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { checkKnownKeys } from '../private/known-keys';
import { acknowledgeQueueKey, egressOnlySecurityGroup, explicitActions, newDeadLetterQueue, workloadName } from './private';
import { configureQueueScaling } from './queue-scaling';
import { QueueWorkerProps } from './queue-worker-options';
import { validateQueueWorker } from './validate-queue-worker';
import { WorkloadPipeline } from './workload-pipeline';

/**
 * A Fargate service without a load balancer that consumes an SQS queue: the queue (with its
 * dead-letter queue) or yours, a task role that can consume exactly that queue, scaling on
 * the backlog (down to zero when asked), a rolling deployment with the circuit breaker,
 * and optionally its delivery pipeline. The container gets QUEUE_URL and QUEUE_NAME.
 */
export class QueueWorker extends Construct {
  /**
   * The name the worker's resources carry (its ECS service's and, when it has one, its
   * pipeline's, such as the CodeCommit repository a CodeCommit source creates), from the
   * platform's stack name and the ID (at most 64 characters): unique in the account and region.
   */
  public readonly workloadName: string;
  /** The queue the worker consumes (its URL and name are the container's QUEUE_URL and QUEUE_NAME). */
  public readonly queue: sqs.IQueue;
  /** The dead-letter queue the worker created (undefined with your `queue`). */
  public readonly deadLetterQueue?: sqs.Queue;
  /**
   * The ECR repository of the worker's image: yours, or one the worker created. None with a fixed
   * `container.image`: nothing pushes to a repository then.
   */
  public readonly repository?: ecr.IRepository;
  /** The task definition of the worker's tasks. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The worker's container. */
  public readonly container: ecs.ContainerDefinition;
  /** Where the container logs go, encrypted with the platform's key. */
  public readonly logGroup: logs.ILogGroup;
  /** The EFS file system of `storage`: the platform's, or yours. */
  public readonly fileSystem?: efs.IFileSystem;
  /** The workload's own access point on `fileSystem`, through which its tasks mount `storage`. */
  public readonly accessPoint?: efs.AccessPoint;
  /** The worker's ECS service (a `Custom::EcsService` of the platform's service provider). */
  public readonly service: ecs.FargateService;
  /** The worker's auto scaling on its queue's backlog. */
  public readonly scaling: ecs.ScalableTaskCount;
  /** The step policy on the backlog (undefined with `messagesPerTask`). */
  public readonly backlogPolicy?: appscaling.StepScalingPolicy;
  /** The deployment policy of the worker's rollouts. */
  public readonly deployment: Deployment;
  /** The delivery pipeline, when the worker has a `source`. */
  public readonly pipeline?: WorkloadPipeline;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    requirePlatform(this, props?.platform);
    const p = new Problems(this);
    checkKnownKeys(p, props, 'QueueWorkerProps');
    const { platform } = props;
    this.deployment = props.deployment ?? Deployment.rolling();
    const minTasks = props.scaling?.minTasks ?? WORKER_DEFAULTS.minTasks;
    const maxTasks = props.scaling?.maxTasks ?? WORKER_DEFAULTS.maxTasks;
    const strategy = strategyFor(this.deployment);
    validateQueueWorker(p, this, id, props, strategy, minTasks, maxTasks);
    p.throwIfAny();
    PlatformContext.of(props.platform).addWorkload(this);

    this.workloadName = workloadName(props.platform, id);
    const q = props.queueOptions ?? {};
    if (props.queue) {
      this.queue = props.queue;
    } else {
      const encryption = q.encryptionKey ? sqs.QueueEncryption.KMS : sqs.QueueEncryption.SQS_MANAGED;
      this.deadLetterQueue = newDeadLetterQueue(this, q.encryptionKey);
      this.queue = new sqs.Queue(this, 'Queue', {
        encryption,
        encryptionMasterKey: q.encryptionKey,
        enforceSSL: true,
        visibilityTimeout: q.visibilityTimeout ?? WORKER_DEFAULTS.visibilityTimeout,
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: q.maxReceiveCount ?? WORKER_DEFAULTS.maxReceiveCount },
      });
      acknowledgeQueueKey(this.queue, q.encryptionKey);
    }

    PlatformContext.of(platform).reachQueues();
    const container = props.container ?? {};
    const core = buildWorkloadCore(this, {
      platform,
      container,
      repository: props.promotion ? { repository: props.promotion._repository(this) } : props.repository,
      environment: { QUEUE_URL: this.queue.queueUrl, QUEUE_NAME: this.queue.queueName },
      service: { serviceName: this.workloadName, desiredCount: minTasks },
      enableExec: props.enableExec,
      sidecars: props.sidecars,
      tracing: props.tracing,
      logging: props.logging,
    });
    this.repository = core.repository;
    this.taskDefinition = core.taskDefinition;
    this.container = core.container;
    this.logGroup = core.logGroup;
    const state = core.deployedState;
    const securityGroup = egressOnlySecurityGroup(this, platform.vpc);
    if (props.storage) {
      const storage = addStorage(this, platform, props.storage, this.workloadName, this.taskDefinition, this.container, securityGroup);
      this.fileSystem = storage.fileSystem;
      this.accessPoint = storage.accessPoint;
    }
    this.queue.grantConsumeMessages(this.taskDefinition.taskRole);
    acknowledge(this.taskDefinition, 'AwsSolutions-ECS2',
      'The environment holds the queue\'s URL and name, which are not secret; secrets go in `container.secrets`.');
    explicitActions(this);

    // The service and how the pipeline deploys to it are the strategy's, as for a service (a refusal has thrown above).
    const worker = strategy.createWorker({
      scope: this,
      platform,
      serviceName: this.workloadName,
      taskDefinition: this.taskDefinition,
      containerName: CONTAINER_NAME,
      securityGroup,
      capacityStrategies: (props.capacity ?? Capacity.onDemand()).strategies,
      state,
      pipelineOwnsImage: !container.image,
      minTasks,
      enableExec: props.enableExec ?? false,
    });
    this.service = worker.service;

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    this.backlogPolicy = configureQueueScaling(this.scaling, this.queue, this.service, platform.cluster, props.scaling);

    if (props.source) {
      this.pipeline = WorkloadPipeline._create(this, 'Pipeline', {
        platform,
        workloadName: this.workloadName,
        repository: this.repository!, // a source means no fixed image, so there is a repository
        taskDefinition: this.taskDefinition,
        container: this.container,
        source: props.source,
        options: props.pipeline,
        service: { serviceName: this.service.serviceName, deploy: worker.pipelineDeploy },
        minTasks,
      });
    }
    props.promotion?._bind({
      scope: this,
      platform,
      workloadName: this.workloadName,
      clusterName: platform.platformName,
      taskDefinition: this.taskDefinition,
      containerName: this.container.containerName,
      minTasks,
      codeDeploy: false,
    });
    joinPlatform(this, platform, this.workloadName, [], [this.service], props.promotion !== undefined);
  }

  /** Lets the worker's tasks read or write your resources: pass it to `grant*` methods (it may already consume its queue). */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }
}
