/**
 * Amazon EFS as ECS tasks meet it: file systems with their file system policy (a resource policy
 * the IAM evaluation reads), mount targets, access points, and the mount a task makes when it
 * starts. What the model checks at a mount:
 * - the file system exists and has a mount target (the task mounts through one);
 * - the access point exists and belongs to the file system;
 * - with IAM authorization, the task role's session may elasticfilesystem:ClientMount (and
 *   ClientWrite for a read-write mount point) on the file system, with the request's
 *   elasticfilesystem:AccessPointArn and AccessedViaMountTarget, against the identity policies
 *   and the file system policy together.
 * RegisterTaskDefinition refuses IAM authorization or an access point without transit encryption.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
 * @see https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
 */
import { arn, awsError } from './aws';
import type { Provider } from './cloudformation';
import type { PolicyDocument } from './iam';
import { provider } from './provider-kit';
import type { World } from './world';


export interface FileSystem {
  readonly id: string;
  readonly arn: string;
  mountTargets: number;
}

export interface AccessPoint {
  readonly id: string;
  readonly arn: string;
  readonly fileSystemId: string;
}

/** The EFS volume of a task definition (the RegisterTaskDefinition shape). */
interface EfsVolume {
  readonly name: string;
  readonly efsVolumeConfiguration: {
    readonly fileSystemId: string;
    readonly transitEncryption?: string;
    readonly authorizationConfig?: { readonly accessPointId?: string; readonly iam?: string };
  };
}

export class Efs {
  public readonly fileSystems = new Map<string, FileSystem>();
  public readonly accessPoints = new Map<string, AccessPoint>();

  constructor(private readonly world: World) {}

  /**
   * RegisterTaskDefinition's rules for an EFS volume: "If Amazon EFS IAM authorization is used,
   * transit encryption must be enabled"; "If an access point is used, transit encryption must be enabled".
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html
   */
  public checkVolumes(volumes: unknown): void {
    for (const v of efsVolumes(volumes)) {
      const c = v.efsVolumeConfiguration;
      const auth = c.authorizationConfig ?? {};
      if ((auth.iam === 'ENABLED' || auth.accessPointId) && c.transitEncryption !== 'ENABLED') {
        throw awsError('ClientException', `Volume '${v.name}': transit encryption must be enabled when IAM authorization or an access point is used.`);
      }
    }
  }

  /**
   * Why a task of these volumes and containers cannot mount its EFS volumes, if it cannot, as
   * ECS reports it (the task stops before its containers start).
   * @see https://repost.aws/knowledge-center/fargate-unable-to-mount-efs
   */
  public async mountProblem(volumes: unknown, containers: Array<Record<string, any>>, taskRoleArn: string | undefined, taskId: string,
    during: string): Promise<string | undefined> {
    for (const v of efsVolumes(volumes)) {
      const c = v.efsVolumeConfiguration;
      const fs = this.fileSystems.get(c.fileSystemId);
      const failed = (why: string) => `ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: ${why}`;
      if (!fs) return failed(`file system ${c.fileSystemId} does not exist`);
      if (fs.mountTargets === 0) return failed(`Failed to resolve "${c.fileSystemId}.efs.eu-west-1.amazonaws.com": the file system has no mount target`);
      const apId = c.authorizationConfig?.accessPointId;
      const ap = apId ? this.accessPoints.get(apId) : undefined;
      if (apId && (!ap || ap.fileSystemId !== fs.id)) return failed(`access point ${apId} does not exist on ${fs.id}`);
      if (c.authorizationConfig?.iam !== 'ENABLED') continue;
      if (!taskRoleArn) return failed("mount.nfs4: access denied by server (IAM authorization without a task role)");
      const writes = containers.some((ct) => ((ct.mountPoints ?? []) as Array<Record<string, unknown>>)
        .some((m) => m.sourceVolume === v.name && m.readOnly !== true));
      const context: Record<string, string> = { 'elasticfilesystem:AccessedViaMountTarget': 'true', ...(ap ? { 'elasticfilesystem:AccessPointArn': ap.arn } : {}) };
      for (const action of ['elasticfilesystem:ClientMount', ...(writes ? ['elasticfilesystem:ClientWrite'] : [])]) {
        if (!await this.world.iam.allowed({ kind: 'role', roleArn: taskRoleArn, session: taskId }, { action, resource: fs.arn, context }, during)) {
          return failed(`mount.nfs4: access denied by server while mounting 127.0.0.1:/ (${this.world.iam.denials.at(-1)!.message})`);
        }
      }
    }
    return undefined;
  }
}

function efsVolumes(volumes: unknown): EfsVolume[] {
  return ((volumes ?? []) as Array<Record<string, any>>).filter((v): v is EfsVolume => !!v.efsVolumeConfiguration);
}

/** A file system: its ID (Ref) and ARN (Arn); its FileSystemPolicy is the resource policy of its ARN. */
const fileSystem = provider({
  create(ctx, props) {
    const id = `fs-${ctx.world.ids.suffix()}`;
    const fsArn = arn('elasticfilesystem', `file-system/${id}`);
    ctx.world.efs.fileSystems.set(id, { id, arn: fsArn, mountTargets: 0 });
    if (props.FileSystemPolicy) ctx.world.iam.resourcePolicies.set(fsArn, props.FileSystemPolicy as PolicyDocument);
    return { physicalId: id, attributes: { Arn: fsArn, FileSystemId: id } };
  },
  update(ctx, current, props) {
    const fsArn = String(current.attributes.Arn);
    if (props.FileSystemPolicy) ctx.world.iam.resourcePolicies.set(fsArn, props.FileSystemPolicy as PolicyDocument);
    else ctx.world.iam.resourcePolicies.delete(fsArn);
  },
  /** A file system with mount targets cannot be deleted. @see https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystem.html */
  delete(ctx, current) {
    const fs = ctx.world.efs.fileSystems.get(current.physicalId);
    if (fs && fs.mountTargets > 0) throw awsError('FileSystemInUse', `File system '${fs.id}' has mount targets and cannot be deleted.`);
    ctx.world.efs.fileSystems.delete(current.physicalId);
    ctx.world.iam.resourcePolicies.delete(String(current.attributes.Arn));
  },
});

const mountTarget = provider({
  create(ctx, props) {
    const fs = ctx.world.efs.fileSystems.get(String(props.FileSystemId));
    if (!fs) throw awsError('FileSystemNotFound', `File system '${props.FileSystemId}' does not exist.`);
    fs.mountTargets += 1;
    return { physicalId: `fsmt-${ctx.world.ids.suffix()}`, attributes: { IpAddress: '10.0.0.10' } };
  },
  delete(ctx, current) {
    const fs = ctx.world.efs.fileSystems.get(String(current.properties.FileSystemId));
    if (fs) fs.mountTargets -= 1;
  },
});

const accessPoint = provider({
  create(ctx, props) {
    const fsId = String(props.FileSystemId);
    if (!ctx.world.efs.fileSystems.has(fsId)) throw awsError('FileSystemNotFound', `File system '${fsId}' does not exist.`);
    const id = `fsap-${ctx.world.ids.suffix()}`;
    const apArn = arn('elasticfilesystem', `access-point/${id}`);
    ctx.world.efs.accessPoints.set(id, { id, arn: apArn, fileSystemId: fsId });
    return { physicalId: id, attributes: { Arn: apArn, AccessPointId: id } };
  },
  delete(ctx, current) { ctx.world.efs.accessPoints.delete(current.physicalId); },
});

export const EFS_PROVIDERS: Record<string, Provider> = {
  'AWS::EFS::FileSystem': fileSystem,
  'AWS::EFS::MountTarget': mountTarget,
  'AWS::EFS::AccessPoint': accessPoint,
};
