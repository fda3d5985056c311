/**
 * The defaults of the library's props. Each public prop's `@default` doc quotes the value from
 * here; tests assert the synthesized templates against these values. AWS limits the library
 * checks against live beside the code that checks them (deployment/provider/limits.ts,
 * deployment/smoke-test/timing.ts, the load balancer's quotas in shared-load-balancer.ts).
 */
import { Duration } from 'aws-cdk-lib';

export const DEFAULTS = {
  // --- platform ---
  /** Availability zones of the created VPC: two is the least that an ALB accepts. */
  maxAzs: 2,
  /** One NAT gateway: outbound access for private tasks at the lowest fixed cost. */
  natGateways: 1,
  vpcCidr: '10.0.0.0/16',
  /** Flow logs and access logs: kept for one year (audit retention). */
  flowLogRetentionDays: 365,
  accessLogsExpirationDays: 365,
  /** The port of the blue/green test listener; chosen to avoid common container ports (80, 3000, 8080). */
  testListenerPort: 9000,
  /** HTTP production port; HTTPS production port; the HTTP port that redirects to HTTPS. */
  httpPort: 80,
  httpsPort: 443,
  idleTimeoutSeconds: 60,

  // --- service ---
  containerPort: 8080,
  cpu: 256,
  memoryMiB: 512,
  minTasks: 2,
  maxTasks: 10,
  cpuPercent: 70,
  healthCheckPath: '/',
  /** Fast deployments: a task is healthy after 2 x 10 s instead of 5 x 30 s. */
  healthCheckInterval: Duration.seconds(10),
  healthCheckTimeout: Duration.seconds(5),
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 3,
  /** Draining: 15 s instead of 300 s; enough for short-lived HTTP requests. */
  deregistrationDelay: Duration.seconds(15),
  healthCheckGracePeriod: Duration.seconds(60),
  /** Memory (a hard limit) of a sidecar, the tracing collector and the FireLens log router, out of the task's. */
  sidecarMemoryMiB: 128,
  collectorMemoryMiB: 256,
  logRouterMemoryMiB: 128,
  logRetentionDays: 365,
  /** ECR: how many images a repository keeps, and when untagged images expire. */
  keepImages: 30,
  untaggedImageExpiryDays: 1,
  onDemandBase: 1,
  spotWeight: 3,
  onDemandWeight: 1,
  /** Alarms. */
  alarmPeriod: Duration.minutes(1),
  alarmEvaluationPeriods: 3,
  http5xxThreshold: 10,
  p99LatencyThreshold: Duration.seconds(2),
  cpuAlarmPercent: 90,
  memoryAlarmPercent: 90,
  scaleInCooldown: Duration.seconds(300),
  scaleOutCooldown: Duration.seconds(60),

  // --- deployment ---
  /**
   * How long CloudFormation waits for the platform's custom resources (by default an hour):
   * three attempts of their 2-minute handler, which Lambda retries one and two minutes apart.
   */
  customResourceTimeout: Duration.minutes(10),
  terminationWait: Duration.minutes(5),
  /** CodeDeploy waits at most this long between the last traffic shift and terminating blue. */
  maxTerminationWait: Duration.minutes(2880),
  /** Requests of the smoke test before it fails a deployment (5 s apart). */
  smokeTestAttempts: 5,

  // --- pipeline ---
  branch: 'main',
  artifactExpirationDays: 30,
  buildTimeout: Duration.minutes(30),
} as const;

/** The defaults of queue workers. */
export const WORKER_DEFAULTS = {
  minTasks: 1,
  maxTasks: 10,
  maxReceiveCount: 5,
  visibilityTimeout: Duration.minutes(5),
  /** Scale out by 1 task from 1 visible message, 2 from 100, 5 from 500. */
  scaleOutSteps: [{ lower: 1, change: 1 }, { lower: 100, change: 2 }, { lower: 500, change: 5 }],
  scaleInCooldown: Duration.minutes(5),
  scaleOutCooldown: Duration.minutes(1),
} as const;

/** The defaults of scheduled jobs and event tasks. */
export const JOB_DEFAULTS = {
  retryAttempts: 2,
  maxEventAge: Duration.hours(1),
} as const;
