// The public API of cdk-container-platform, named export by named export: what is not listed
// here is internal (lib/private, the Lambda handlers, the limits and helpers modules share).

// The platform and what routes to its services
export { ContainerPlatform } from './platform/container-platform';
export { ContainerPlatformProps } from './platform/options';
export { IContainerPlatform } from './foundation/platform-contract';
export { PlatformDomain } from './foundation/domain';
export { Routing, RoutingRuleOptions, TcpRoutingOptions, TcpTlsOptions } from './foundation/routing';
export { SharedLoadBalancer } from './foundation/shared-load-balancer';

// Services: what `platform.addService` takes and creates
export { Microservice } from './service/microservice';
export { HealthOptions, MicroserviceProps, ScalingOptions, ScheduledScalingOptions, ServiceOptions, StepScalingOptions } from './service/options';
export { ContainerOptions, RepositoryOptions, SidecarDependency, SidecarOptions, StorageOptions } from './core/options';
export { Capacity, SpotCapacityOptions } from './core/capacity';
export { FireLensOptions, Logging, LoggingKind } from './core/logging';
export { SecureRepository, SecureRepositoryProps } from './registry/secure-repository';

// Deployment policies, and the constructs the platform creates for them
export { BlueGreenOptions, Deployment, DeploymentHook, DeploymentKind, HookBinding, HookEvent, SmokeTestOptions } from './deployment/policy/deployment';
export { TrafficShift, TrafficShiftKind } from './deployment/policy/traffic-shift';
export { BlueGreenDeployment } from './deployment/codedeploy/blue-green-deployment';
export { BlueGreenService } from './deployment/provider/blue-green-service';
export { SmokeTest } from './deployment/smoke-test/smoke-test';

// Pipelines
export { BoundSource, CodeCommitSourceOptions, ConnectionSourceOptions, S3SourceOptions, Source, SourceKind } from './pipeline/source';
export { ServicePipeline } from './pipeline/service-pipeline';
export { ApprovalOptions, PipelineOptions } from './pipeline/options';

// Workers, scheduled jobs and event-driven tasks
export { RunRetryOptions, WorkloadOptions, WorkloadProps } from './workloads/workload-options';
export { WorkloadPipeline } from './workloads/workload-pipeline';
export { QueueWorker } from './workloads/queue-worker';
export { QueueWorkerOptions, QueueWorkerProps, WorkerQueueOptions } from './workloads/queue-worker-options';
export { WorkerScalingOptions } from './workloads/queue-scaling';
export { ScheduledJob } from './workloads/scheduled-job';
export { ScheduledJobOptions, ScheduledJobProps } from './workloads/scheduled-job-options';
export { EventTrigger, S3TriggerOptions } from './workloads/event-trigger';
export { EventTask } from './workloads/event-task';
export { EventTaskOptions, EventTaskProps } from './workloads/event-task-options';

// Observability
export { AlarmOptions, ServiceAlarms, ServiceAlarmsProps } from './observability/service-alarms';
export { ServiceDashboard } from './observability/service-dashboard';
export { PlatformAlerts, PlatformAlertsProps } from './platform/platform-alerts';
export { PlatformDashboard, PlatformDashboardProps } from './platform/platform-dashboard';

// Testing and errors
export { PlatformTemplates } from './testing/platform-templates';
export { PlatformErrors } from './private/errors';

// Reading a synthesized app (cdk.out): what it costs, and what a deploy will do
export { CostDriver, CostSummary, StackCost } from './assembly/cost-summary';
export { DeployPreview, ResourceChange, StackPreview, WorkloadPreview } from './assembly/deploy-preview';
