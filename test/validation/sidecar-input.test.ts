import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import { ContainerPlatform, FireLensOptions, Logging, ServiceOptions, SidecarOptions } from '../../lib';
import { IMAGE, messageOf, ORDERS, serviceError } from './helpers';

/**
 * Sidecars, tracing and storage a user could get wrong: each fails at synth with the library's
 * message (path, prop, value received, what is allowed, the fix), never at deploy time.
 */

const { START, HEALTHY, COMPLETE, SUCCESS } = ecs.ContainerDependencyCondition;

function sidecar(name: string, options: Partial<SidecarOptions> = {}): SidecarOptions {
  return { name, image: IMAGE, ...options };
}

type Options = Partial<ServiceOptions> | ((stack: Stack, platform: ContainerPlatform) => Partial<ServiceOptions>);

const cases: Array<[string, Options, string[]]> = [
  // --- sidecars: names and ports ---
  ['a sidecar named like the service\'s container', { sidecars: [sidecar('app')] }, [
    "sidecars[0].name: received \"app\"; allowed: a name other than app, tmp-permissions, aws-otel-collector, log-router (the platform's own containers: `app` is the service's). Fix: rename the sidecar.",
  ]],
  ['a sidecar user with a space, and one with two groups', { sidecars: [sidecar('a', { user: 'app user' }), sidecar('b', { user: '1:2:3' })] }, [
    "sidecars[0].user: received \"app user\"; allowed: a user name or uid, optionally with ':' and a group name or gid (user, uid, user:group, uid:gid). Fix: write it like '1000' or 'app:app'.",
    "sidecars[1].user: received \"1:2:3\"; allowed: a user name or uid, optionally with ':' and a group name or gid (user, uid, user:group, uid:gid). Fix: write it like '1000' or 'app:app'.",
  ]],
  ['two sidecars with one name', { sidecars: [sidecar('proxy'), sidecar('proxy')] }, [
    "sidecars[1].name: received \"proxy\"; allowed: a name no other sidecar has (sidecars[0] has it). Fix: give each sidecar its own name.",
  ]],
  ['a sidecar name with a space', { sidecars: [sidecar('my proxy')] }, [
    "sidecars[0].name: received \"my proxy\"; allowed: 1 to 255 letters, digits, hyphens and underscores. Fix: name the sidecar, such as 'proxy'.",
  ]],
  ['a sidecar on the service\'s port', { sidecars: [sidecar('proxy', { port: 8080 })] }, [
    "sidecars[0].port: received 8080; allowed: a port no other container of the task listens on (the service's container (container.port 8080) does: the containers of a task share one network namespace). Fix: choose another port for one of the two.",
  ]],
  ['two sidecars on one port', { sidecars: [sidecar('a', { port: 9000 }), sidecar('b', { port: 9000 })] }, [
    "sidecars[1].port: received 9000; allowed: a port no other container of the task listens on (sidecars[0] (a) does: the containers of a task share one network namespace). Fix: choose another port for one of the two.",
  ]],
  ['a sidecar on the collector\'s OTLP port with tracing', { tracing: true, sidecars: [sidecar('agent', { port: 4317 })] }, [
    "sidecars[0].port: received 4317; allowed: a port no other container of the task listens on (the aws-otel-collector container of tracing does: the containers of a task share one network namespace). Fix: choose another port for one of the two.",
  ]],
  ['a sidecar port of 70000', { sidecars: [sidecar('proxy', { port: 70000 })] }, [
    "sidecars[0].port: received 70000; allowed: an integer from 1 to 65535. Fix: set sidecars[0].port to a whole number between 1 and 65535.",
  ]],
  ['a sidecar without an image', { sidecars: [{ name: 'proxy' } as SidecarOptions] }, [
    "sidecars[0].image: received undefined; allowed: an ecs.ContainerImage (required). Fix: give sidecars[0].image: use ecs.ContainerImage.fromRegistry('<image>') (or fromEcrRepository, fromAsset).",
  ]],
  // --- sidecars: dependencies ---
  ['a sidecar waiting for a container the task does not have', { sidecars: [sidecar('proxy', { dependsOn: [{ container: 'db', condition: START }] })] }, [
    "sidecars[0].dependsOn[0].container: received \"db\"; allowed: a container of the task: app. Fix: name the service's container (app) or a sidecar.",
  ]],
  ['a sidecar waiting for itself', { sidecars: [sidecar('proxy', { dependsOn: [{ container: 'proxy', condition: START }] })] }, [
    "sidecars[0].dependsOn[0].container: received \"proxy\"; allowed: another container of the task: a container cannot wait for itself. Fix: remove this dependency.",
  ]],
  ['a sidecar waiting for the service\'s container to COMPLETE', { sidecars: [sidecar('proxy', { dependsOn: [{ container: 'app', condition: COMPLETE }] })] }, [
    "sidecars[0].dependsOn[0].condition: received \"COMPLETE\"; allowed: START or HEALTHY: the service's container is essential, and ECS allows COMPLETE and SUCCESS only on a container that is not (an essential container that exits stops the task). Fix: wait for START or HEALTHY.",
  ]],
  ['a sidecar waiting for the service\'s container to be HEALTHY without a container health check',
    { sidecars: [sidecar('proxy', { dependsOn: [{ container: 'app', condition: HEALTHY }] })] }, [
    "sidecars[0].dependsOn[0].condition: received \"HEALTHY\"; allowed: START, or HEALTHY once the service's container has a health check (HEALTHY waits for its container health check). Fix: add container.containerHealthCheck, or wait for START.",
  ]],
  ['the service waiting for a HEALTHY sidecar without a health check', { sidecars: [sidecar('proxy', { appWaitsFor: HEALTHY })] }, [
    "sidecars[0].appWaitsFor: received \"HEALTHY\"; allowed: START, or HEALTHY once sidecar proxy has a health check (HEALTHY waits for its container health check). Fix: add a healthCheck to proxy, or wait for START.",
  ]],
  ['the service waiting for an essential sidecar to SUCCEED', { sidecars: [sidecar('migrate', { appWaitsFor: SUCCESS })] }, [
    "sidecars[0].appWaitsFor: received \"SUCCESS\"; allowed: START or HEALTHY: sidecar migrate is essential, and ECS allows COMPLETE and SUCCESS only on a container that is not (an essential container that exits stops the task). Fix: set essential: false on migrate, or wait for START or HEALTHY.",
  ]],
  ['a condition that is not one', { sidecars: [sidecar('proxy', { appWaitsFor: 'READY' as ecs.ContainerDependencyCondition })] }, [
    "sidecars[0].appWaitsFor: received \"READY\"; allowed: a value of ecs.ContainerDependencyCondition. Fix: use ecs.ContainerDependencyCondition.START, ecs.ContainerDependencyCondition.COMPLETE, ecs.ContainerDependencyCondition.SUCCESS, ecs.ContainerDependencyCondition.HEALTHY.",
  ]],
  ['two sidecars waiting for each other', {
    sidecars: [sidecar('a', { dependsOn: [{ container: 'b', condition: START }] }), sidecar('b', { dependsOn: [{ container: 'a', condition: START }] })],
  }, [
    "sidecars: received \"a waits for b waits for a\"; allowed: dependencies without a cycle (ECS would wait forever: no container of the cycle could start). Fix: remove one of the dependencies (dependsOn or appWaitsFor) of the cycle.",
  ]],
  ['a sidecar and the service\'s container waiting for each other', { sidecars: [sidecar('proxy', { appWaitsFor: START, dependsOn: [{ container: 'app', condition: START }] })] }, [
    "sidecars: received \"app waits for proxy waits for app\"; allowed: dependencies without a cycle (ECS would wait forever: no container of the cycle could start). Fix: remove one of the dependencies (dependsOn or appWaitsFor) of the cycle.",
  ]],
  // --- sidecars: resources and count ---
  ['sidecars that take all of the task\'s memory', { sidecars: [sidecar('a', { memoryMiB: 256 }), sidecar('b', { memoryMiB: 256 })] }, [
    "container.memoryMiB: received 512; allowed: at least 518 MiB: the other containers take 512 MiB (sidecars[0] 256, sidecars[1] 256) and the service's container keeps what is left, at least 6 MiB. Fix: raise container.memoryMiB (and container.cpu if the Fargate table asks for it), or give the sidecars less memory.",
  ]],
  ['tracing and a sidecar that take all of the task\'s memory', { tracing: true, sidecars: [sidecar('a', { memoryMiB: 256 })] }, [
    "container.memoryMiB: received 512; allowed: at least 518 MiB: the other containers take 512 MiB (sidecars[0] 256, tracing's collector 256) and the service's container keeps what is left, at least 6 MiB. Fix: raise container.memoryMiB (and container.cpu if the Fargate table asks for it), or give the sidecars less memory.",
  ]],
  ['sidecars that reserve more CPU than the task has', { sidecars: [sidecar('a', { cpu: 128 }), sidecar('b', { cpu: 256 })] }, [
    "sidecars: received \"384 CPU units reserved by the sidecars\"; allowed: at most the task's container.cpu (256). Fix: raise container.cpu, or lower (or remove) the sidecars' cpu.",
  ]],
  ['a sidecar of 4 MiB', { sidecars: [sidecar('proxy', { memoryMiB: 4 })] }, [
    "sidecars[0].memoryMiB: received 4; allowed: an integer from 6 to 122880. Fix: give the sidecar at least 6 MiB (Docker reserves that much for a container).",
  ]],
  ['nine sidecars beside app and tmp-permissions', { container: { cpu: 4096, memoryMiB: 8192 }, sidecars: [...Array(9).keys()].map((i) => sidecar(`s${i}`)) }, [
    "sidecars: received \"9 sidecars\"; allowed: at most 8 sidecars: ECS allows 10 containers in a task definition, and this task has app, tmp-permissions besides them. Fix: merge sidecars, or move some into a service of their own.",
  ]],
  ['a sidecar variable name with a hyphen and a health check every second', {
    sidecars: [sidecar('proxy', { environment: { 'LOG-LEVEL': 'debug' }, healthCheck: { command: ['CMD', 'true'], interval: Duration.seconds(1) } })],
  }, [
    "sidecars[0].healthCheck.interval: received \"1 seconds\"; allowed: whole seconds from 5 to 300. Fix: use Duration.seconds(n) within that range.",
    "sidecars[0].environment: received \"LOG-LEVEL\"; allowed: variable names of letters, digits and underscores, not starting with a digit. Fix: rename the variable.",
  ]],
  ['an unknown key in a sidecar', { sidecars: [{ ...sidecar('proxy'), ports: [80] } as SidecarOptions] }, [
    "sidecars[0].ports: received [80]; allowed: a key of SidecarOptions: appWaitsFor, command, cpu, dependsOn, environment, essential, healthCheck, image, memoryMiB, name, port, readonlyRootFilesystem, user. Fix: did you mean sidecars[0].port? Rename the key to that, or remove it.",
  ]],
  ['a sidecar image from ECR Public on a platform without NAT gateways', { sidecars: [sidecar('proxy')] }, [
    "sidecars[0].image: received \"public.ecr.aws/docker/library/nginx:1.27\"; allowed: an image in Amazon ECR: with natGateways 0 the tasks' subnets reach AWS services through VPC endpoints only, and no endpoint reaches another registry. Fix: copy the image into Amazon ECR (an ECR pull through cache rule, such as prefix ecr-public for public.ecr.aws, filled by one pull from outside the VPC; or ecs.ContainerImage.fromAsset) and pass it with ecs.ContainerImage.fromEcrRepository, or give the platform a NAT gateway (natGateways: 1).",
  ]],
  // --- tracing ---
  ['a service on the collector\'s OTLP HTTP port with tracing', { tracing: true, container: { port: 4318 } }, [
    'container.port: received 4318; allowed: a port other than 4317, 4318, 2000 with tracing (the aws-otel-collector container listens on them in the task). Fix: choose another container.port, or turn tracing off.',
  ]],
  ['tracing on a platform without NAT gateways', { tracing: true }, [
    "tracing: received true; allowed: tracing on a platform whose tasks reach the internet (natGateways of 1 or more). Fix: with natGateways 0 the tasks reach AWS through VPC endpoints only: the collector's image (Amazon ECR Public) and AWS X-Ray have none there; give the platform a NAT gateway, or turn tracing off.",
  ]],
  // --- logging ---
  ['a FireLens output without a plugin Name', { logging: Logging.fireLens({ output: { region: 'eu-west-1' } }) }, [
    "logging.output.Name: received undefined; allowed: the name of a Fluent Bit output plugin, such as 'kinesis_firehose', 'cloudwatch_logs' or 's3'. Fix: add Name: '<plugin>' to the output, or remove output to write to the service's log group.",
  ]],
  ['a FireLens output setting that is not text and a router of 4 MiB', { logging: Logging.fireLens({ output: { Name: 's3', total_file_size: 5 as unknown as string }, memoryMiB: 4 }) }, [
    "logging.memoryMiB: received 4; allowed: an integer from 6 to 122880. Fix: give the log router at least 6 MiB (Docker reserves that much for a container).",
    "logging.output.total_file_size: received 5; allowed: a string (FireLens passes every output setting as text). Fix: write it as '5'.",
  ]],
  ['a FireLens output setting whose name holds a space, and one without a value', { logging: Logging.fireLens({ output: { 'Name': 'cloudwatch_logs', 'bad key': 'x', 'log_group_name': ' ' } }) }, [
    'logging.output: received "bad key"; allowed: setting names without white space (Fluent Bit reads a setting as its name, white space, its value). Fix: write the name as the output plugin documents it, such as log_group_name.',
    "logging.output.log_group_name: received \" \"; allowed: a value (Fluent Bit reads a setting without one as an error). Fix: give log_group_name a value, or remove it for the plugin's default.",
  ]],
  ['FireLens and a sidecar that take all of the task\'s memory', { logging: Logging.fireLens(), sidecars: [sidecar('a', { memoryMiB: 384 })] }, [
    "container.memoryMiB: received 512; allowed: at least 518 MiB: the other containers take 512 MiB (sidecars[0] 384, the FireLens log router 128) and the service's container keeps what is left, at least 6 MiB. Fix: raise container.memoryMiB (and container.cpu if the Fargate table asks for it), or give the sidecars less memory.",
  ]],
  ['a sidecar named log-router', { sidecars: [sidecar('log-router')] }, [
    "sidecars[0].name: received \"log-router\"; allowed: a name other than app, tmp-permissions, aws-otel-collector, log-router (the platform's own containers: `app` is the service's). Fix: rename the sidecar.",
  ]],
  ['an unknown key in the FireLens options', { logging: Logging.fireLens({ destination: 'cloudwatch' } as unknown as FireLensOptions) }, [
    "logging.destination: received \"cloudwatch\"; allowed: a key of Logging.fireLens's options (FireLensOptions): memoryMiB, output. Fix: remove destination: it is not an option here, so it would be ignored.",
  ]],
  ['logging that is not a Logging', { logging: 'firelens' as unknown as Logging }, [
    "logging: received \"firelens\"; allowed: a Logging. Fix: pass a Logging.",
  ]],
  ['FireLens on a platform without NAT gateways', { logging: Logging.fireLens() }, [
    "logging: received \"Logging.fireLens()\"; allowed: Logging.awsLogs() on a platform with natGateways 0 (its tasks reach AWS through VPC endpoints only). Fix: the log router's image is in Amazon ECR Public, which has no VPC endpoint: give the platform a NAT gateway (natGateways: 1), or remove logging.",
  ]],
  // --- storage ---
  ['a relative mount path', { storage: { path: 'data' } }, [
    "storage.path: received \"data\"; allowed: an absolute path without spaces, starting with '/' (ECS mounts the volume at a path of the container). Fix: write it like '/data'.",
  ]],
  ['a mount on the root', { storage: { path: '/' } }, [
    "storage.path: received \"/\"; allowed: a directory below the root, such as '/data': a volume on '/' would hide the image's whole filesystem. Fix: mount it at a directory of its own, such as '/data'.",
  ]],
  ['a mount path with ..', { storage: { path: '/data/../etc' } }, [
    "storage.path: received \"/data/../etc\"; allowed: a normalised path: no empty, '.' or '..' segments and no trailing '/'. Fix: write it as '/etc'.",
  ]],
  ['a mount path with a trailing slash', { storage: { path: '/data/' } }, [
    "storage.path: received \"/data/\"; allowed: a normalised path: no empty, '.' or '..' segments and no trailing '/'. Fix: write it as '/data'.",
  ]],
  ['a mount under /proc', { storage: { path: '/proc/data' } }, [
    "storage.path: received \"/proc/data\"; allowed: a path outside /proc, /sys, /dev (the kernel's filesystems in the container). Fix: mount it at a directory such as '/data'.",
  ]],
  ['a mount on /tmp of a read-only root', { storage: { path: '/tmp' } }, [
    "storage.path: received \"/tmp\"; allowed: a path outside /tmp: with a read-only root filesystem the container's /tmp is the task's ephemeral volume already. Fix: mount it at a directory such as '/data'.",
  ]],
  ['a POSIX ID of root', { storage: { path: '/data', posixId: 0 } }, [
    "storage.posixId: received 0; allowed: a whole number from 1 to 4294967295: 0 is root, which would need elasticfilesystem:ClientRootAccess and bypass the access point's permissions. Fix: choose the uid your image's user has (such as 1000), or omit posixId for one derived from the service's name.",
  ]],
  ['a file system in another VPC', (stack) => ({
    storage: { path: '/data', fileSystem: new efs.FileSystem(stack, 'Other', { vpc: new ec2.Vpc(stack, 'OtherVpc', { maxAzs: 2 }) }) },
  }), [
    "storage.fileSystem: received \"Test/Other\"; allowed: a file system in the platform's VPC (Test/Platform/Vpc): its mount targets are in another VPC, which the tasks do not reach. Fix: create the file system with vpc: platform.vpc, or omit fileSystem to use the platform's.",
  ]],
  ['a file system imported without its security group', (stack) => ({
    storage: { path: '/data', fileSystem: efs.FileSystem.fromFileSystemAttributes(stack, 'Imported', { fileSystemId: 'fs-12345678', securityGroup: undefined as unknown as ec2.ISecurityGroup }) },
  }), [
    "storage.fileSystem: received \"Test/Imported\"; allowed: a file system with the security group of its mount targets (the service opens port 2049 in it). Fix: import it with efs.FileSystem.fromFileSystemAttributes(scope, id, { fileSystemId, securityGroup }).",
  ]],
  ['an unknown key in storage', { storage: { path: '/data', sizeGiB: 5 } as unknown as ServiceOptions['storage'] }, [
    "storage.sizeGiB: received 5; allowed: a key of StorageOptions: fileSystem, path, posixId, readOnly. Fix: remove sizeGiB: it is not an option here, so it would be ignored.",
  ]],
];

test.each(cases)('%s', (name, options, lines) => {
  // GIVEN / WHEN
  const message = serviceError(options, name.includes('without NAT') ? { natGateways: 0 } : {});
  // THEN
  expect(message).toBe(messageOf(ORDERS, lines));
});
