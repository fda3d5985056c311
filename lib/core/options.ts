import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
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
   * Environment variables.
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
