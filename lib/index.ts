// The public API of cdk-container-platform, named export by named export: what is not listed
// here is internal (lib/private, the Lambda handlers, the limits and helpers modules share).

// The platform and what routes to its services
export { ContainerPlatform, ContainerPlatformProps } from './platform/container-platform';
export { PlatformDomain } from './platform/domain';
export { Routing, RoutingRuleOptions } from './platform/routing';
export { SharedLoadBalancer, SharedLoadBalancerProps } from './platform/shared-load-balancer';

// Services: what `platform.addService` takes and creates
export { Microservice, MicroserviceProps, ServiceOptions } from './service/microservice';
export { HealthOptions, ScalingOptions, ScheduledScalingOptions, StepScalingOptions } from './service/options';
export { ContainerOptions, RepositoryOptions } from './core/options';
export { Capacity, SpotCapacityOptions } from './core/capacity';
export { SecureRepository, SecureRepositoryProps } from './registry/secure-repository';

// Deployment policies, and the constructs the platform creates for them
export { BlueGreenOptions, Deployment, DeploymentHook, DeploymentKind, HookEvent, SmokeTestOptions } from './deployment/deployment';
export { TrafficShift, TrafficShiftKind } from './deployment/traffic-shift';
export { BlueGreenDeployment, BlueGreenDeploymentProps, HookBinding } from './deployment/blue-green-deployment';
export { BlueGreenService, BlueGreenServiceProps } from './deployment/blue-green-service';
export { SmokeTest, SmokeTestProps } from './deployment/smoke-test';

// Pipelines
export { BoundSource, CodeCommitSourceOptions, ConnectionSourceOptions, S3SourceOptions, Source } from './pipeline/source';
export { ApprovalOptions, PipelineOptions, ServicePipeline, ServicePipelineProps } from './pipeline/service-pipeline';

// Workers, scheduled jobs and event-driven tasks
export { RunRetryOptions, WorkloadOptions, WorkloadProps } from './workloads/workload-options';
export { WorkloadPipeline, WorkloadPipelineProps } from './workloads/workload-pipeline';
export { QueueWorker, QueueWorkerOptions, QueueWorkerProps, WorkerQueueOptions, WorkerScalingOptions } from './workloads/queue-worker';
export { ScheduledJob, ScheduledJobOptions, ScheduledJobProps } from './workloads/scheduled-job';
export { EventTrigger, S3TriggerOptions } from './workloads/event-trigger';
export { EventTask, EventTaskOptions, EventTaskProps } from './workloads/event-task';

// Observability
export { AlarmOptions, ServiceAlarms, ServiceAlarmsProps } from './observability/service-alarms';
export { ServiceDashboard, ServiceDashboardProps } from './observability/service-dashboard';
export { PlatformAlerts, PlatformAlertsProps } from './observability/platform-alerts';
export { PlatformDashboard, PlatformDashboardProps } from './observability/platform-dashboard';

// Testing and errors
export { PlatformTemplates } from './testing/platform-templates';
export { PlatformErrors } from './private/errors';
