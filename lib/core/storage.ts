import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { acknowledge } from '../private/compliance';
import { stableHash } from '../private/hash';
import { platformScopedName } from '../private/naming';
import { StorageOptions } from './options';

/**
 * Persistent storage on Amazon EFS: one file system per platform (or yours), one access point per
 * service with its own POSIX user and root directory, mounted with IAM authorization and
 * encryption in transit.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
 */

/** The NFS port of EFS mount targets. @see https://docs.aws.amazon.com/efs/latest/ug/network-access.html */
export const NFS_PORT = 2049;

/** The longest root directory an access point takes. @see https://docs.aws.amazon.com/efs/latest/ug/API_RootDirectory.html */
export const ACCESS_POINT_PATH_MAX = 100;

/** The range of the POSIX IDs derived for services: above the usual system and login users. */
export const POSIX_ID_MIN = 10000;
const POSIX_ID_SPAN = 50000;

/** The name of the task's EFS volume. */
export const STORAGE_VOLUME = 'storage';

/**
 * The platform's file system, made with the first service that asks for storage: encrypted with
 * the platform's key, kept with the platform's removal policy (retained by default), backed up by
 * AWS Backup, mount targets in the service subnets (one per zone) behind a security group that
 * the services' tasks get port 2049 of, and a file system policy that refuses every request
 * without TLS, so that no client mounts it anonymously or in clear text: every mount uses IAM
 * authorization (the default policy of a file system lets any client that reaches a mount target
 * in, which is why there is one).
 * @see https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
 * @see https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html
 */
const FILE_SYSTEM = new PlatformSingleton(['FileSystem', 'FileSystemSecurityGroup'], (platform) => {
  const scope = platform as unknown as Construct;
  const securityGroup = new ec2.SecurityGroup(scope, 'FileSystemSecurityGroup', {
    vpc: platform.vpc,
    description: 'EFS mount targets of the platform: NFS from the tasks of services with storage',
    allowAllOutbound: false,
  });
  const fileSystem = new efs.FileSystem(scope, 'FileSystem', {
    vpc: platform.vpc,
    vpcSubnets: { ...platform.serviceSubnets, onePerAz: true },
    securityGroup,
    encrypted: true,
    kmsKey: platform.encryptionKey,
    removalPolicy: platform.removalPolicy,
    enableAutomaticBackups: true,
    performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
    throughputMode: efs.ThroughputMode.ELASTIC,
    fileSystemPolicy: new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['*'],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      })],
    }),
    // The policy above is the whole file system policy: aws-cdk-lib would add an Allow of
    // ClientWrite and ClientRootAccess for any principal; access comes from each task role instead.
    allowAnonymousAccess: true,
  });
  // https://docs.aws.amazon.com/efs/latest/ug/automatic-backups.html
  acknowledge(fileSystem, 'NIST.800.53.R5-EFSInBackupPlan',
    'Automatic backups are on (BackupPolicy ENABLED): AWS Backup backs the file system up daily in its default plan for EFS (aws/efs/automatic-backup-plan, kept 35 days); a backup plan of your own can select it by ARN.');
  return fileSystem;
});

/** The platform's file system, made on first use. */
export function platformFileSystem(platform: IContainerPlatform): efs.FileSystem {
  return PlatformContext.of(platform).singleton(FILE_SYSTEM);
}

/** The POSIX user and group ID of a service's access point when `posixId` is not given: stable, from its name. */
export function derivedPosixId(workloadName: string): number {
  return POSIX_ID_MIN + (stableHash(workloadName) % POSIX_ID_SPAN);
}

/** What a service's storage is made of. */
export interface BuiltStorage {
  readonly fileSystem: efs.IFileSystem;
  readonly accessPoint: efs.AccessPoint;
}

/**
 * The service's access point (root directory `/<platform name>-<id>`, created owned by its POSIX
 * user with mode 750; every request of its tasks uses that user), the task's EFS volume through it
 * with IAM authorization and encryption in transit (which IAM authorization and access points
 * require), the mount in the service's container, and the task role's right to mount (and write,
 * unless read-only) through that access point only. Its tasks' security group reaches the file
 * system's mount targets on 2049, by a rule of the service's own.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html
 * @see https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html
 * @see https://docs.aws.amazon.com/efs/latest/ug/access-points-iam-policy.html
 */
export function addStorage(scope: Construct, platform: IContainerPlatform, options: StorageOptions, workloadName: string,
  taskDefinition: ecs.FargateTaskDefinition, app: ecs.ContainerDefinition, securityGroup: ec2.ISecurityGroup): BuiltStorage {
  const fileSystem = options.fileSystem ?? platformFileSystem(platform);
  const posixId = options.posixId ?? derivedPosixId(workloadName);
  const accessPoint = new efs.AccessPoint(scope, 'StorageAccessPoint', {
    fileSystem,
    path: `/${platformScopedName(platform.platformName, scope.node.id, ACCESS_POINT_PATH_MAX - 1)}`,
    posixUser: { uid: String(posixId), gid: String(posixId) },
    createAcl: { ownerUid: String(posixId), ownerGid: String(posixId), permissions: '750' },
  });
  fileSystem.connections.securityGroups.forEach((target, i) => {
    const ingress = new ec2.CfnSecurityGroupIngress(scope, i === 0 ? 'StorageIngress' : `StorageIngress${i + 1}`, {
      groupId: target.securityGroupId,
      sourceSecurityGroupId: securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: `NFS from ${workloadName}`.slice(0, 255),
    });
    taskDefinition.node.addDependency(ingress);
  });
  taskDefinition.node.addDependency(fileSystem.mountTargetsAvailable);
  taskDefinition.addVolume({
    name: STORAGE_VOLUME,
    efsVolumeConfiguration: {
      fileSystemId: fileSystem.fileSystemId,
      transitEncryption: 'ENABLED',
      authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' },
    },
  });
  app.addMountPoints({ sourceVolume: STORAGE_VOLUME, containerPath: options.path, readOnly: options.readOnly ?? false });
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: options.readOnly ? ['elasticfilesystem:ClientMount'] : ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
    resources: [fileSystem.fileSystemArn],
    conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
  }));
  return { fileSystem, accessPoint };
}
