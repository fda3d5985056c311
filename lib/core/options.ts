import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/** The container a service runs, and its Fargate task size. */
export interface ContainerOptions {
  /**
   * The port the container listens on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * CPU units of the task: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   * @default 256
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
   */
  readonly cpu?: number;
  /**
   * Memory of the task in MiB; the valid sizes depend on `cpu`.
   * @default 512
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
   */
  readonly memoryMiB?: number;
  /**
   * The CPU architecture of the image.
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Ephemeral storage of the task in GiB, from 21 to 200.
   * @default - 20 GiB, the Fargate default
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * The image to run. When omitted, the service runs the image that its pipeline (or
   * your own CI) pushed to the service's ECR repository, and `cdk deploy` never changes it.
   * @default - the image deployed from the service's repository
   */
  readonly image?: ecs.ContainerImage;
  /**
   * Environment variables. They are written into the task definition, which ECS registers up
   * to 65,536 bytes (with the sidecars' and the platform's containers): pass large values as
   * `secrets` instead.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * Secrets from Secrets Manager or SSM Parameter Store, injected as environment
   * variables. The execution role may read exactly these.
   * @default - none
   */
  readonly secrets?: { [key: string]: ecs.Secret };
  /**
   * The path the load balancer checks; it must answer 200-399.
   * @default '/'
   */
  readonly healthCheckPath?: string;
  /**
   * A health check run inside the container (its image must have the command): interval
   * 5 to 300 s, timeout 2 to 60 s and at most the interval, retries 1 to 10, start period 0 to 300 s.
   * @default - none: the load balancer's health check decides
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-taskdefinition-healthcheck.html
   */
  readonly containerHealthCheck?: ecs.HealthCheck;
  /**
   * Mount the root filesystem read-only. The task still gets a writable, ephemeral `/tmp`,
   * opened to every user (mode 1777) by a first non-essential container unless `user` is root.
   * ECS Exec (`enableExec`) needs a writable root: it defaults to false there, and true fails.
   * @default - true; false with `enableExec`
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * The user the container runs as (user, uid, user:group or uid:gid); set a non-root user here.
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * The command, overriding the image's CMD.
   * @default - the image's CMD
   */
  readonly command?: string[];
  /**
   * How long the container's logs are kept: one of the periods CloudWatch Logs offers
   * (a `logs.RetentionDays` value).
   * @default logs.RetentionDays.ONE_YEAR
   * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The service's ECR repository. */
export interface RepositoryOptions {
  /**
   * Use this repository instead of creating one.
   * @default - a new repository with scan on push, immutable tags, encryption and a lifecycle policy
   */
  readonly repository?: ecr.IRepository;
  /**
   * How many of the last pushed images the repository keeps; older ones expire, except the
   * `bootstrap` image, which never does. The running image is kept while it is among the last
   * `keepImages` pushes: more builds than that which never reached the service (failed smoke
   * tests, rejected approvals, rollbacks) let it expire. Not with `repository`.
   * @default 30
   */
  readonly keepImages?: number;
  /**
   * A KMS key to encrypt images with. Not with `repository`.
   * @default - AES256 (Amazon S3-managed keys)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A container the sidecar waits for, and for what.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html
 */
export interface SidecarDependency {
  /** The name of the container to wait for: `app` (the service's container) or another sidecar's name. */
  readonly container: string;
  /**
   * What to wait for: START (it started), HEALTHY (its container health check passed: it needs
   * one), COMPLETE (it exited) or SUCCESS (it exited with 0); COMPLETE and SUCCESS only for a
   * container that is not essential.
   */
  readonly condition: ecs.ContainerDependencyCondition;
}

/**
 * A container that runs beside the service's own in each task: a proxy, an agent, a cache. It
 * shares the task's network (other containers reach its port on `localhost`), its CPU and its
 * memory, and logs to the service's log group under its name.
 */
export interface SidecarOptions {
  /**
   * The container's name: 1 to 255 letters, digits, hyphens and underscores, unique in the task;
   * not `app`, `tmp-permissions`, `aws-otel-collector` or `log-router` (the platform's own containers).
   */
  readonly name: string;
  /** The image to run. */
  readonly image: ecs.ContainerImage;
  /**
   * The TCP port the sidecar listens on; no other container of the task may use it.
   * @default - none
   */
  readonly port?: number;
  /**
   * Whether the task stops when the sidecar stops.
   * @default true
   */
  readonly essential?: boolean;
  /**
   * The containers the sidecar waits for before it starts.
   * @default - it starts with the task
   */
  readonly dependsOn?: SidecarDependency[];
  /**
   * What the service's container waits for of this sidecar before it starts: START, HEALTHY
   * (the sidecar needs a `healthCheck`), or, for a sidecar that is not essential, COMPLETE or SUCCESS.
   * @default - the service's container does not wait for it
   */
  readonly appWaitsFor?: ecs.ContainerDependencyCondition;
  /**
   * A health check run inside the sidecar (its image must have the command); the same limits as
   * `container.containerHealthCheck`.
   * @default - none
   */
  readonly healthCheck?: ecs.HealthCheck;
  /**
   * CPU units reserved for the sidecar, out of the task's `container.cpu`.
   * @default - none reserved: it shares the task's CPU with the other containers
   */
  readonly cpu?: number;
  /**
   * The sidecar's memory in MiB (a hard limit, at least 6), taken from the task's
   * `container.memoryMiB`: the service's container gets what the sidecars leave.
   * @default 128
   */
  readonly memoryMiB?: number;
  /**
   * Environment variables.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * The command, overriding the image's CMD.
   * @default - the image's CMD
   */
  readonly command?: string[];
  /**
   * Mount the sidecar's root filesystem read-only. Set false for an image that writes to its
   * filesystem (nothing else is writable in it).
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * The user the sidecar runs as (user, uid, user:group or uid:gid). Control Tower's CT.ECS.PR.3
   * asks every container of a task for a non-root one.
   * @default - the image's user
   */
  readonly user?: string;
}

/**
 * A persistent directory of the service's tasks on Amazon EFS, shared by all of them and kept
 * across deployments.
 */
export interface StorageOptions {
  /** Where the directory is mounted in the service's container: an absolute path such as `/data`. */
  readonly path: string;
  /**
   * Mount it read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Your own file system, in the platform's VPC, instead of the platform's. The service gets its
   * own access point on it and may reach its mount targets on port 2049.
   * @default - the platform's file system, created with the first service that asks for storage
   */
  readonly fileSystem?: efs.IFileSystem;
  /**
   * The POSIX user and group ID every file operation of the service's tasks uses on the file system.
   * @default - a number from 10000 to 59999 derived from the platform's and the service's names, the same for both
   */
  readonly posixId?: number;
}
