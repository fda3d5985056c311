import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Capacity, Deployment, HookEvent, Source } from '../../lib';
import { actionsOf, buildEnv, buildSpecOf, CfnResource, flatten, hookFunction, logicalId, parseYaml, resource, serviceFixture, statementsOfRole } from '../deployment/helpers';
import { expectSynthWarnings } from '../synth-warnings';

/** The generated buildspec and the CodeBuild project around it. */

// The blue/green fixtures keep the health check at / outside their route /orders/*: the smoke test
// requests /orders/, with this warning.
expectSynthWarnings('cdk-container-platform:smoke-test-path');

const PROJECT = 'AWS::CodeBuild::Project';

/** The image build of the fixture's service. */
function projectOf(template: Template): CfnResource {
  return resource(template, PROJECT, 'PlatformOrdersPipelineBuild').resource;
}

/** The step after it, which runs no code of the repository. */
function renderOf(template: Template): CfnResource {
  return resource(template, PROJECT, 'PlatformOrdersPipelineRender').resource;
}

/** Index of the first command containing `fragment` in `commands` (fails when none does). */
function indexOf(commands: string[], fragment: string): number {
  const i = commands.findIndex((c) => c.includes(fragment));
  if (i < 0) throw new Error(`no command contains ${fragment}:\n${commands.join('\n')}`);
  return i;
}

describe('the buildspec of a blue/green service', () => {
  let template: Template;
  let project: CfnResource;
  let spec: any;
  let all: string[];
  let render: string[];
  beforeAll(() => {
    template = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { testCommands: ['npm ci', 'npm test'], dockerfile: 'docker/Dockerfile.prod', buildContext: 'services/orders' },
      scaling: { minTasks: 3, maxTasks: 9 },
    }).template;
    project = projectOf(template);
    spec = buildSpecOf(project);
    all = [...spec.phases.pre_build.commands, ...spec.phases.build.commands, ...spec.phases.post_build.commands];
    render = buildSpecOf(renderOf(template)).phases.build.commands;
  });

  test('is version 0.2 run by bash with fail-on-pipe', () => {
    expect(spec.version).toBe('0.2');
    expect(spec.env).toEqual({ shell: 'bash' });
    expect(spec.phases.pre_build.commands[0]).toBe('set -o pipefail');
  });

  test('logs in to the repository\'s registry', () => {
    expect(spec.phases.pre_build.commands).toContain('REGISTRY="${REPOSITORY_URI%%/*}"');
    expect(spec.phases.pre_build.commands).toContain(
      'aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "$REGISTRY"');
  });

  test('sets the image tag once, before the build', () => {
    // (what the tag becomes for each kind of source: image-tag.test.ts)
    expect(spec.phases.pre_build.commands.filter((c: string) => c.startsWith('IMAGE_TAG='))).toHaveLength(1);
  });

  test('runs the test commands, in order, after login and before docker build', () => {
    const pre: string[] = spec.phases.pre_build.commands;
    expect(pre.slice(-2)).toEqual(['npm ci', 'npm test']);
    expect(indexOf(all, 'docker login')).toBeLessThan(indexOf(all, 'npm ci'));
    expect(indexOf(all, 'npm test')).toBeLessThan(indexOf(all, 'docker build'));
  });

  test('seeds the layer cache from the last pushed image', () => {
    expect(all[indexOf(all, 'PREVIOUS="')]).toContain('sort_by(imageDetails,&imagePushedAt)[-1].imageTags[0]');
    expect(all[indexOf(all, 'CACHE_FROM="--cache-from')]).toBe(
      'if [ -n "$PREVIOUS" ] && [ "$PREVIOUS" != "None" ]; then docker pull "$REPOSITORY_URI:$PREVIOUS" || true; CACHE_FROM="--cache-from $REPOSITORY_URI:$PREVIOUS"; else CACHE_FROM=""; fi');
  });

  test('builds with BuildKit, the cache, the Dockerfile and the build context', () => {
    expect(spec.phases.build.commands).toEqual([
      'DOCKER_BUILDKIT=1 docker build --build-arg BUILDKIT_INLINE_CACHE=1 $CACHE_FROM -f "docker/Dockerfile.prod" -t "$REPOSITORY_URI:$IMAGE_TAG" "services/orders"',
    ]);
  });

  test('pushes the commit tag unless it exists (tags are immutable)', () => {
    expect(spec.phases.post_build.commands[0]).toBe(
      'aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1 || docker push "$REPOSITORY_URI:$IMAGE_TAG"');
  });

  test('pushes the bootstrap tag only when it is missing', () => {
    expect(spec.phases.post_build.commands[1]).toBe(
      'if ! aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag=bootstrap > /dev/null 2>&1; '
      + 'then docker tag "$REPOSITORY_URI:$IMAGE_TAG" "$REPOSITORY_URI:bootstrap" && docker push "$REPOSITORY_URI:bootstrap"; fi');
  });

  test('the render step writes taskdef.json from the revision production runs (the PRIMARY task set\'s), not the family\'s newest, with the image placeholder', () => {
    const post = render;
    // A revision CodeDeploy rolled back stays the family's newest; the live one is the primary task set's.
    const live = indexOf(post, 'LIVE="$(aws ecs describe-services');
    expect(post[live]).toBe('LIVE="$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --query "services[0].taskSets[?status==\'PRIMARY\'].taskDefinition | [0]" --output text)"');
    expect(post[live + 1]).toBe('if [ -z "$LIVE" ] || [ "$LIVE" = "None" ]; then LIVE="$TASK_FAMILY"; fi');
    expect(post[live + 2]).toBe('aws ecs describe-task-definition --task-definition "$LIVE" --query taskDefinition --output json > current-taskdef.json');
    const jq = post[indexOf(post, '> taskdef.json')];
    expect(jq).toMatch(/^jq --arg name "\$CONTAINER_NAME" /);
    expect(jq).toContain('.image = "<IMAGE1_NAME>"');
    expect(jq).toContain('{family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage}');
  });

  test('the build writes imageDetail.json, the render step appspec.yaml', () => {
    const post: string[] = spec.phases.post_build.commands;
    expect(post).toContain('printf \'{"ImageURI":"%s"}\' "$REPOSITORY_URI:$IMAGE_TAG" > imageDetail.json');
    expect(render).toContain('printf "%s" "$APPSPEC_YAML" > appspec.yaml');
    expect(all.some((c) => /imagedefinitions\.json|appspec\.yaml|taskdef\.json/.test(c))).toBe(false);
  });

  test('the build reads and changes nothing of ECS: it runs the repository\'s Dockerfile and test commands', () => {
    expect(all.filter((c) => /aws ecs /.test(c))).toEqual([]);
  });

  test('the render step scales a service created with 0 tasks up to its minimum after the first build', () => {
    const post = render;
    expect(post.slice(-2)).toEqual([
      'DESIRED="$(aws ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --query "services[0].desiredCount" --output text)"',
      'if [ "$DESIRED" = "0" ] && [ "$MIN_TASKS" != "0" ]; then aws ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --desired-count "$MIN_TASKS" > /dev/null; fi',
    ]);
  });

  test('hands imageDetail.json (the build) and taskdef.json and appspec.yaml (the render step) to the pipeline', () => {
    expect(spec.artifacts).toEqual({ files: ['imageDetail.json'] });
    expect(buildSpecOf(renderOf(template)).artifacts).toEqual({ files: ['taskdef.json', 'appspec.yaml'] });
  });

  test('tells the build its service\'s coordinates', () => {
    const repository = logicalId(template, 'AWS::ECR::Repository');
    expect(flatten(buildEnv(project, 'REPOSITORY_URI'))).toMatch(new RegExp(`\\.dkr\\.ecr\\..*/\\{${repository}\\}$`));
    const family = resource(template, 'AWS::ECS::TaskDefinition').resource.Properties!.Family;
    expect(buildEnv(project, 'TASK_FAMILY')).toBe(family);
    expect(buildEnv(project, 'CONTAINER_NAME')).toBe('app');
    expect(buildEnv(project, 'CLUSTER')).toEqual({ Ref: logicalId(template, 'AWS::ECS::Cluster') });
    expect(buildEnv(project, 'SERVICE')).toBe('Test-Orders');
    expect(buildEnv(project, 'MIN_TASKS')).toBe('3');
  });

  test('gives the build the appspec of the service, with the task definition placeholder and the smoke test hook', () => {
    const smoke = logicalId(template, 'AWS::Lambda::Function', 'PlatformSmokeTestFunction');
    const text = flatten(buildEnv(project, 'APPSPEC_YAML'));
    // `version: 0.0` as CodeDeploy documents it; a YAML 1.2 parser reads the bare 0.0 as the number 0.
    expect(text.split('\n')[0]).toBe('version: 0.0');
    expect(parseYaml(text)).toEqual({
      version: 0,
      Resources: [{
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: '<TASK_DEFINITION>',
            LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
            CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }],
          },
        },
      }],
      Hooks: [{ AfterAllowTestTraffic: `{${smoke}.Arn}` }],
    });
  });

  test('runs privileged with the Docker layer cache on an x86 standard image', () => {
    expect(project.Properties!.Environment).toMatchObject({
      Type: 'LINUX_CONTAINER',
      Image: 'aws/codebuild/standard:7.0',
      ComputeType: 'BUILD_GENERAL1_SMALL',
      PrivilegedMode: true,
    });
    expect(project.Properties!.Cache).toEqual({ Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE'] });
    expect(project.Properties!.TimeoutInMinutes).toBe(30);
  });
});

describe('the buildspec of a rolling service', () => {
  let spec: any;
  let project: CfnResource;
  beforeAll(() => {
    const { template } = serviceFixture({ deployment: Deployment.rolling(), source: Source.codeCommit() });
    project = projectOf(template);
    spec = buildSpecOf(project);
  });

  test('writes imagedefinitions.json and no CodeDeploy files', () => {
    const post: string[] = spec.phases.post_build.commands;
    expect(post).toContain('printf \'[{"name":"%s","imageUri":"%s"}]\' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json');
    expect(post.some((c) => /taskdef\.json|imageDetail\.json|appspec\.yaml/.test(c))).toBe(false);
    expect(spec.artifacts).toEqual({ files: ['imagedefinitions.json'] });
  });

  test('builds the Dockerfile at the root of the source without test commands by default', () => {
    expect(spec.phases.build.commands).toEqual([
      'DOCKER_BUILDKIT=1 docker build --build-arg BUILDKIT_INLINE_CACHE=1 $CACHE_FROM -f "Dockerfile" -t "$REPOSITORY_URI:$IMAGE_TAG" "."',
    ]);
    expect(spec.phases.pre_build.commands[spec.phases.pre_build.commands.length - 1]).toMatch(/^if \[ -n "\$PREVIOUS" \]/);
  });
});

describe('the build of an ARM64 service', () => {
  test('runs on the ARM standard image', () => {
    // GIVEN / WHEN
    const { template } = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      container: { cpuArchitecture: ecs.CpuArchitecture.ARM64 },
    });
    // THEN
    expect(projectOf(template).Properties!.Environment).toMatchObject({
      Type: 'ARM_CONTAINER',
      Image: 'aws/codebuild/amazonlinux2-aarch64-standard:3.0',
      PrivilegedMode: true,
    });
  });
});

describe('the appspec of the build with Fargate Spot and user hooks', () => {
  test('repeats the capacity provider strategy and lists every hook in order', () => {
    // GIVEN
    const { template } = serviceFixture((stack) => ({
      deployment: Deployment.blueGreen({
        hooks: [
          { lifecycleEvent: HookEvent.BEFORE_ALLOW_TRAFFIC, function: hookFunction(stack, 'Sanity') },
          { lifecycleEvent: HookEvent.AFTER_ALLOW_TRAFFIC, function: hookFunction(stack, 'Validate') },
        ],
      }),
      source: Source.codeCommit(),
      capacity: Capacity.spot(),
      container: { port: 3000 },
    }));
    // WHEN
    const appspec = parseYaml(flatten(buildEnv(projectOf(template), 'APPSPEC_YAML')));
    // THEN
    expect(appspec.Resources[0].TargetService.Properties).toEqual({
      TaskDefinition: '<TASK_DEFINITION>',
      LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 3000 },
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Base: 0, Weight: 3 },
      ],
    });
    expect(appspec.Hooks.map((h: object) => Object.keys(h)[0])).toEqual(['AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic']);
    expect(appspec.Hooks[1]).toEqual({ BeforeAllowTraffic: `{${logicalId(template, 'AWS::Lambda::Function', 'Sanity')}.Arn}` });
  });
});

describe('the deployment files of a blue/green service with a manual approval', () => {
  let template: Template;
  let build: CfnResource;
  let render: CfnResource;
  beforeAll(() => {
    template = serviceFixture({
      deployment: Deployment.blueGreen(),
      source: Source.codeCommit(),
      pipeline: { approval: { emails: ['lead@example.com'] } },
    }).template;
    build = resource(template, PROJECT, 'PlatformOrdersPipelineBuild').resource;
    render = resource(template, PROJECT, 'PlatformOrdersPipelineRender').resource;
  });

  test('the image build writes imageDetail.json alone, and starts no task before the approval', () => {
    const spec = buildSpecOf(build);
    const post: string[] = spec.phases.post_build.commands;
    expect(spec.artifacts).toEqual({ files: ['imageDetail.json'] });
    expect(post[post.length - 1]).toBe('printf \'{"ImageURI":"%s"}\' "$REPOSITORY_URI:$IMAGE_TAG" > imageDetail.json');
    expect(post.some((c) => /taskdef\.json|appspec\.yaml|update-service|describe-services/.test(c))).toBe(false);
  });

  test('the render step writes taskdef.json from the live revision and appspec.yaml, then scales a new service from zero', () => {
    const spec = buildSpecOf(render);
    const commands: string[] = spec.phases.build.commands;
    expect(spec.env).toEqual({ shell: 'bash' });
    expect(commands[0]).toBe('set -euo pipefail');
    expect(commands[indexOf(commands, 'LIVE="$(')]).toContain("taskSets[?status=='PRIMARY'].taskDefinition");
    expect(commands).toContain('aws ecs describe-task-definition --task-definition "$LIVE" --query taskDefinition --output json > current-taskdef.json');
    expect(commands[indexOf(commands, '> taskdef.json')]).toContain('.image = "<IMAGE1_NAME>"');
    expect(commands).toContain('printf "%s" "$APPSPEC_YAML" > appspec.yaml');
    expect(commands[commands.length - 1]).toMatch(/^if \[ "\$DESIRED" = "0" \] && \[ "\$MIN_TASKS" != "0" \]; then aws ecs update-service/);
    expect(spec.artifacts).toEqual({ files: ['taskdef.json', 'appspec.yaml'] });
    expect(spec.phases).not.toHaveProperty('pre_build');
  });

  test('the render step is a small project without docker, logging to the build\'s log group, with the service\'s coordinates', () => {
    expect(render.Properties!.Environment).toMatchObject({ Image: 'aws/codebuild/standard:7.0', ComputeType: 'BUILD_GENERAL1_SMALL', PrivilegedMode: false });
    expect(render.Properties!.Cache).toEqual({ Type: 'NO_CACHE' });
    expect(render.Properties!.LogsConfig).toEqual(build.Properties!.LogsConfig);
    for (const name of ['TASK_FAMILY', 'CONTAINER_NAME', 'CLUSTER', 'SERVICE', 'MIN_TASKS', 'APPSPEC_YAML']) {
      expect(buildEnv(render, name)).toEqual(buildEnv(build, name));
    }
  });

  test('the render step may read the service and task definitions and change the service, and nothing of the repository', () => {
    const statements = statementsOfRole(template, render.Properties!.ServiceRole['Fn::GetAtt'][0]);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['ecs:DescribeTaskDefinition', 'ecs:DescribeServices', 'ecs:UpdateService']));
    expect(actions.filter((a) => a.startsWith('ecr:'))).toEqual([]);
    const buildActions = statementsOfRole(template, build.Properties!.ServiceRole['Fn::GetAtt'][0]).flatMap(actionsOf);
    expect(buildActions.filter((a) => a.startsWith('ecs:'))).toEqual([]);
  });
});
