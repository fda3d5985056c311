// The public API of cdk-container-platform, named export by named export: what is not listed
// here is internal (lib/private, the Lambda handlers, the limits and helpers modules share).

// The platform and what routes to its services
export { ContainerPlatform } from './platform/container-platform';
export type { ContainerPlatformImportOptions, ContainerPlatformProps } from './platform/options';
export type { IContainerPlatform, ISharedLoadBalancer } from './foundation/platform-contract';
export type { PlatformDomain } from './foundation/domain';
export { Routing, type RoutingRuleOptions, type TcpRoutingOptions, type TcpTlsOptions } from './foundation/routing';
export { SharedLoadBalancer } from './foundation/shared-load-balancer';

// Services: what `platform.addService` takes and creates
export { Microservice } from './service/microservice';
export type { HealthOptions, MicroserviceProps, ScalingOptions, ScheduledScalingOptions, ServiceOptions, StepScalingOptions } from './service/options';
export type { ContainerOptions, RepositoryOptions, SidecarDependency, SidecarOptions, StorageOptions } from './core/options';
export { Capacity, type SpotCapacityOptions } from './core/capacity';
export { type FireLensOptions, Logging, LoggingKind } from './core/logging';
export { SecureRepository, type SecureRepositoryProps } from './registry/secure-repository';

// Deployment policies, and the constructs the platform creates for them
export { type BlueGreenOptions, Deployment, type DeploymentHook, DeploymentKind, type HookBinding, HookEvent, type SmokeTestOptions } from './deployment/policy/deployment';
export { TrafficShift, TrafficShiftKind } from './deployment/policy/traffic-shift';
export { BlueGreenDeployment } from './deployment/codedeploy/blue-green-deployment';
export { BlueGreenService } from './deployment/provider/blue-green-service';
export { SmokeTest } from './deployment/smoke-test/smoke-test';

// Pipelines
export { type BoundSource, type CodeCommitSourceOptions, type ConnectionSourceOptions, type S3SourceOptions, Source, SourceKind } from './pipeline/source';
export { ServicePipeline } from './pipeline/service-pipeline';
export type { ApprovalOptions, PipelineOptions } from './pipeline/options';
export { PromotionEnvironment, PromotionPipeline } from './pipeline/promotion-pipeline';
export type { PromotionEnvironmentOptions, PromotionPipelineProps } from './pipeline/promotion-options';

// Workers, scheduled jobs and event-driven tasks
export type { RunRetryOptions, WorkloadOptions, WorkloadProps } from './workloads/workload-options';
export { WorkloadPipeline } from './workloads/workload-pipeline';
export { QueueWorker } from './workloads/queue-worker';
export type { QueueWorkerOptions, QueueWorkerProps, WorkerQueueOptions } from './workloads/queue-worker-options';
export type { WorkerScalingOptions } from './workloads/queue-scaling';
export { ScheduledJob } from './workloads/scheduled-job';
export type { ScheduledJobOptions, ScheduledJobProps } from './workloads/scheduled-job-options';
export { EventTrigger, type S3TriggerOptions } from './workloads/event-trigger';
export { EventTask } from './workloads/event-task';
export type { EventTaskOptions, EventTaskProps } from './workloads/event-task-options';

// Observability
export { type AlarmOptions, ServiceAlarms, type ServiceAlarmsProps } from './observability/service-alarms';
export { ServiceDashboard } from './observability/service-dashboard';
export { PlatformAlerts, type PlatformAlertsProps } from './platform/platform-alerts';
export { PlatformDashboard, type PlatformDashboardProps } from './platform/platform-dashboard';

// Testing and errors
export { PlatformTemplates } from './testing/platform-templates';
export { PlatformErrors } from './private/errors';

// Reading a synthesized app (cdk.out): what it costs, and what a deploy will do
export { type CostDriver, CostSummary, type StackCost } from './assembly/cost-summary';
export { DeployPreview, type ResourceChange, type StackPreview, type WorkloadPreview } from './assembly/deploy-preview';
