import { posix } from 'node:path';
import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import type { IContainerPlatform } from '../foundation/platform-contract';
import { Problems } from '../private/errors';
import { StorageOptions } from './options';

/** Paths of the kernel's own filesystems in a Linux container: a volume cannot replace them. */
const KERNEL_PATHS = ['/proc', '/sys', '/dev'];

/** The highest POSIX ID an access point takes. @see https://docs.aws.amazon.com/efs/latest/ug/API_PosixUser.html */
const POSIX_ID_MAX = 4294967295;

/** What a service's storage is checked against. */
export interface StorageContext {
  readonly platform: IContainerPlatform;
  /** Whether the task mounts its writable `/tmp` volume (a read-only root). */
  readonly tmpVolume: boolean;
}

/**
 * Checks `storage`: an absolute, normalised path that no other mount of the container uses and that
 * is not the root or a kernel filesystem; a POSIX ID other than root's; your file system in the
 * platform's VPC with a security group to open.
 */
export function validateStorage(p: Problems, storage: StorageOptions | undefined, ctx: StorageContext): void {
  if (storage === undefined) return;
  if (storage === null || typeof storage !== 'object') {
    p.add('storage', storage, "an object such as { path: '/data' }", "write storage: { path: '/data' }");
    return;
  }
  const path = storage.path;
  if (typeof path !== 'string') {
    p.add('storage.path', path, "an absolute path in the container, such as '/data'", "add path: '/data'");
  } else if (!Token.isUnresolved(path)) {
    const segments = path.split('/').slice(1);
    if (!path.startsWith('/') || /\s/.test(path)) {
      p.add('storage.path', path, "an absolute path without spaces, starting with '/' (ECS mounts the volume at a path of the container)",
        `write it like '/${path.replace(/^\.?\/*/, '').replace(/\s/g, '-') || 'data'}'`);
    } else if (path === '/') {
      p.add('storage.path', path, "a directory below the root, such as '/data': a volume on '/' would hide the image's whole filesystem",
        "mount it at a directory of its own, such as '/data'");
    } else if (segments.some((s) => s === '' || s === '.' || s === '..')) {
      const normalised = posix.normalize(path).replace(/\/$/, '');
      p.add('storage.path', path, "a normalised path: no empty, '.' or '..' segments and no trailing '/'",
        normalised === '' ? "write a directory such as '/data'" : `write it as '${normalised}'`);
    } else if (KERNEL_PATHS.some((k) => path === k || path.startsWith(`${k}/`))) {
      p.add('storage.path', path, `a path outside ${KERNEL_PATHS.join(', ')} (the kernel's filesystems in the container)`, "mount it at a directory such as '/data'");
    } else if (ctx.tmpVolume && (path === '/tmp' || path.startsWith('/tmp/'))) {
      p.add('storage.path', path, "a path outside /tmp: with a read-only root filesystem the container's /tmp is the task's ephemeral volume already",
        "mount it at a directory such as '/data'");
    }
  }
  if (storage.posixId !== undefined && !Token.isUnresolved(storage.posixId)) {
    p.require(Number.isInteger(storage.posixId) && storage.posixId >= 1 && storage.posixId <= POSIX_ID_MAX, 'storage.posixId', storage.posixId,
      `a whole number from 1 to ${POSIX_ID_MAX}: 0 is root, which would need elasticfilesystem:ClientRootAccess and bypass the access point's permissions`,
      'choose the uid your image\'s user has (such as 1000), or omit posixId for one derived from the service\'s name');
  }
  validateOwnFileSystem(p, storage.fileSystem, ctx.platform);
}

/** The security groups of a file system's mount targets; none when its import left them out (JavaScript does not check that it is given). */
function securityGroupsOf(fileSystem: efs.IFileSystem): ec2.ISecurityGroup[] {
  try {
    return (fileSystem.connections?.securityGroups ?? []).filter((g) => g?.securityGroupId !== undefined);
  } catch {
    return [];
  }
}

/**
 * Your file system must be reachable from the platform's tasks: a security group to let them in on
 * 2049, and mount targets in the platform's VPC (a file system's mount targets are all in one VPC).
 * @see https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access.html
 */
function validateOwnFileSystem(p: Problems, fileSystem: efs.IFileSystem | undefined, platform: IContainerPlatform): void {
  if (fileSystem === undefined) return;
  const groups = securityGroupsOf(fileSystem);
  if (groups.length === 0) {
    p.add('storage.fileSystem', fileSystem.node.path, 'a file system with the security group of its mount targets (the service opens port 2049 in it)',
      'import it with efs.FileSystem.fromFileSystemAttributes(scope, id, { fileSystemId, securityGroup })');
    return;
  }
  const vpcId = platform.vpc.vpcId;
  for (const group of groups) {
    const cfn = group instanceof ec2.SecurityGroup ? group.node.defaultChild : undefined;
    const groupVpc = cfn instanceof ec2.CfnSecurityGroup ? cfn.vpcId : undefined;
    if (groupVpc === undefined) continue;
    const judged = !Token.isUnresolved(groupVpc) && !Token.isUnresolved(vpcId) || Token.isUnresolved(groupVpc) && Token.isUnresolved(vpcId);
    if (judged && groupVpc !== vpcId) {
      p.add('storage.fileSystem', fileSystem.node.path, `a file system in the platform's VPC (${platform.vpc.node.path}): its mount targets are in another VPC, which the tasks do not reach`,
        'create the file system with vpc: platform.vpc, or omit fileSystem to use the platform\'s');
      return;
    }
  }
}
