import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Capacity } from '../core/capacity';
import { validateCapacity } from '../core/validate-capacity';
import { buildWorkloadCore } from '../core/workload-core';
import { Deployment } from '../deployment/deployment';
import { ownByPlatform } from '../deployment/owned-service';
import { strategyFor } from '../deployment/strategies';
import { IContainerPlatform, requirePlatform } from '../foundation/platform-contract';
import { acknowledge } from '../private/compliance';
import { CONTAINER_NAME } from '../private/constants';
import { WORKER_DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { egressOnlySecurityGroup, explicitActions, newDeadLetterQueue, validateReserved, validateWorkload, workloadName } from './private';
import { configureQueueScaling, validateQueueScaling, WorkerScalingOptions } from './queue-scaling';
import { WorkloadOptions } from './workload-options';
import { WorkloadPipeline } from './workload-pipeline';

/** The queue a {@link QueueWorker} creates. */
export interface WorkerQueueOptions {
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible to other tasks: longer than your slowest message takes.
   * @default Duration.minutes(5)
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
   */
  readonly visibilityTimeout?: Duration;
  /**
   * A KMS key to encrypt both queues with.
   * @default - SQS-managed encryption (SSE-SQS)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Properties of a {@link QueueWorker}. */
export interface QueueWorkerOptions extends WorkloadOptions {
  /**
   * The queue to consume.
   * @default - a new queue with a dead-letter queue, encrypted and SSL-only
   */
  readonly queue?: sqs.IQueue;
  /**
   * Options of the queue the worker creates (not with `queue`).
   * @default - the defaults of each option
   */
  readonly queueOptions?: WorkerQueueOptions;
  /**
   * Scaling on the queue's backlog.
   * @default - 1 to 10 tasks, step scaling on the visible messages
   */
  readonly scaling?: WorkerScalingOptions;
  /**
   * The deployment policy: a rolling kind (a worker takes no traffic to shift blue/green).
   * @default Deployment.rolling()
   */
  readonly deployment?: Deployment;
  /**
   * On-demand Fargate or a mix with Fargate Spot.
   * @default Capacity.onDemand()
   */
  readonly capacity?: Capacity;
}

/** Properties of a {@link QueueWorker}. */
export interface QueueWorkerProps extends QueueWorkerOptions {
  /** The platform whose cluster, VPC and subnets it runs in. */
  readonly platform: IContainerPlatform;
}

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
  public readonly queue: sqs.IQueue;
  /** The dead-letter queue the worker created (undefined with your `queue`). */
  public readonly deadLetterQueue?: sqs.Queue;
  public readonly repository: ecr.IRepository;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly logGroup: logs.ILogGroup;
  public readonly service: ecs.FargateService;
  public readonly scaling: ecs.ScalableTaskCount;
  /** The step policy on the backlog (undefined with `messagesPerTask`). */
  public readonly backlogPolicy?: appscaling.StepScalingPolicy;
  public readonly deployment: Deployment;
  public readonly pipeline?: WorkloadPipeline;

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    requirePlatform(this, props.platform);
    const { platform } = props;
    this.deployment = props.deployment ?? Deployment.rolling();
    const minTasks = props.scaling?.minTasks ?? WORKER_DEFAULTS.minTasks;
    const maxTasks = props.scaling?.maxTasks ?? WORKER_DEFAULTS.maxTasks;
    const p = new Problems(this);
    validateWorkload(p, this, id, props);
    validateReserved(p, props, ['QUEUE_URL', 'QUEUE_NAME']);
    validateQueueScaling(p, props.scaling, minTasks, maxTasks);
    validateCapacity(p, props.capacity, props.container?.cpuArchitecture);
    const rollout = strategyFor(this.deployment).withoutTraffic(minTasks);
    if ('refusal' in rollout) p.add('deployment', rollout.refusal.value, rollout.refusal.allowed, rollout.refusal.fix);
    p.require(!(props.queue && props.queueOptions), 'queueOptions', 'set', 'nothing when `queue` is passed (the queue is yours)',
      'remove `queueOptions`, or remove `queue` to let the worker create one');
    const q = props.queueOptions ?? {};
    // @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html (maxReceiveCount, VisibilityTimeout 0-43200 s)
    p.intRange('queueOptions.maxReceiveCount', q.maxReceiveCount, 1, 1000);
    if (q.visibilityTimeout && !q.visibilityTimeout.isUnresolved()) {
      const s = q.visibilityTimeout.toSeconds({ integral: false });
      p.require(Number.isInteger(s) && s >= 0 && s <= 43200, 'queueOptions.visibilityTimeout', `${s} seconds`,
        'whole seconds from 0 to 43200 (12 hours, the SQS maximum)', 'use Duration.seconds(n) or Duration.minutes(n) within that range');
    }
    p.throwIfAny();
    // Built by addWorker or directly: either way the platform lists it (dashboards).
    props.platform._register(this);

    this.workloadName = workloadName(props.platform, id);
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
    }

    platform._reachQueues();
    const container = props.container ?? {};
    const core = buildWorkloadCore(this, {
      platform,
      container,
      repository: props.repository,
      environment: { QUEUE_URL: this.queue.queueUrl, QUEUE_NAME: this.queue.queueName },
      service: { serviceName: this.workloadName, desiredCount: minTasks },
    });
    this.repository = core.repository;
    this.taskDefinition = core.taskDefinition;
    this.container = core.container;
    this.logGroup = core.logGroup;
    const state = core.deployedState;
    this.queue.grantConsumeMessages(this.taskDefinition.taskRole);
    acknowledge(this.taskDefinition, 'AwsSolutions-ECS2',
      'The environment holds the queue\'s URL and name, which are not secret; secrets go in `container.secrets`.');
    explicitActions(this);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: platform.cluster,
      serviceName: this.workloadName,
      taskDefinition: this.taskDefinition,
      desiredCount: state.desiredCount,
      vpcSubnets: platform.serviceSubnets,
      securityGroups: [egressOnlySecurityGroup(this, platform.vpc)],
      assignPublicIp: false,
      capacityProviderStrategies: (props.capacity ?? Capacity.onDemand()).strategies,
      // The strategy's circuit breaker and percentages (a refusal has thrown above).
      ...('settings' in rollout ? rollout.settings : {}),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    ownByPlatform(this.service, { platform, pipelineOwnsImage: !container.image, containerName: CONTAINER_NAME });

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: maxTasks });
    this.backlogPolicy = configureQueueScaling(this.scaling, this.queue, this.service, platform.cluster, props.scaling);

    if (props.source) {
      this.pipeline = WorkloadPipeline._create(this, 'Pipeline', {
        platform,
        workloadName: this.workloadName,
        repository: this.repository,
        taskDefinition: this.taskDefinition,
        container: this.container,
        source: props.source,
        options: props.pipeline,
        service: this.service,
        minTasks,
      });
    }
  }
}
