// The hand-written baseline: the platform of this repository written with plain aws-cdk-lib,
// as a competent team writes it without this library, following the AWS documentation. It
// is not part of the library and imports nothing from ../../lib. It exists for two things:
// - the yardstick of `npm run bench` (scripts/bench.mjs): bench/baseline/app.ts synthesizes
//   it with N services, to compare with this library's bench/app.ts;
// - the failing example of the lifecycle model (test/lifecycle/peer-baseline.test.ts): a
//   plain CODE_DEPLOY FargateService whose second `cdk deploy` fails as AWS documents.
//
// One stack: a 2-AZ VPC, a cluster, one internet-facing load balancer with a production
// listener (80) and a test listener (9000), and per service `svc-i` an ECR repository, a
// Fargate service on the CODE_DEPLOY controller behind `/svc-i/*`, blue and green target
// groups, CPU scaling, alarms, a CodeDeploy deployment group and a CodeCommit -> CodeBuild ->
// CodeDeploy pipeline. Everything lives in one template: above about 11 services it passes
// CloudFormation's 500 resources, and that is part of what the benchmark shows.
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface BaselineStackProps extends StackProps {
  /** How many services (`svc-1` .. `svc-N`). */
  readonly services: number;
}

const CONTAINER = 'app';
const PORT = 8080;

export class BaselineStack extends Stack {
  constructor(scope: Construct, id: string, props: BaselineStackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true });
    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    const production = alb.addListener('Production', { port: 80, defaultAction: notFound });
    // CodeDeploy routes the test listener to the replacement tasks before it shifts production.
    const test = alb.addListener('Test', { port: 9000, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: notFound });

    for (let i = 1; i <= props.services; i++) {
      new BaselineService(this, `Svc${i}`, { index: i, cluster, production, test });
    }
  }
}

interface BaselineServiceProps {
  readonly index: number;
  readonly cluster: ecs.Cluster;
  readonly production: elbv2.ApplicationListener;
  readonly test: elbv2.ApplicationListener;
}

/** One service `svc-i`: image repository, Fargate service, blue/green deployment, pipeline. */
class BaselineService extends Construct {
  constructor(scope: Construct, id: string, props: BaselineServiceProps) {
    super(scope, id);
    const name = `svc-${props.index}`;
    const { cluster } = props;

    // The task definition names `latest`: an operator pushes a first image before the first deploy.
    const repository = new ecr.Repository(this, 'Repository');
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDef', { cpu: 256, memoryLimitMiB: 512 });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    taskDefinition.addContainer(CONTAINER, {
      image: ecs.ContainerImage.fromEcrRepository(repository, 'latest'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: name, logGroup }),
      portMappings: [{ containerPort: PORT }],
    });

    const service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      deploymentController: { type: ecs.DeploymentControllerType.CODE_DEPLOY },
    });

    // Blue takes production traffic first; CodeDeploy swaps the two at every deployment.
    const targetGroup = (tgId: string) => new elbv2.ApplicationTargetGroup(this, tgId, {
      vpc: cluster.vpc,
      port: PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      healthCheck: { path: '/health', healthyThresholdCount: 2, interval: Duration.seconds(15) },
      deregistrationDelay: Duration.seconds(30),
    });
    const blue = targetGroup('Blue');
    const green = targetGroup('Green');
    service.attachToApplicationTargetGroup(blue);
    const conditions = [elbv2.ListenerCondition.pathPatterns([`/${name}/*`])];
    new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: props.production, priority: props.index, conditions, action: elbv2.ListenerAction.forward([blue]),
    });
    new elbv2.ApplicationListenerRule(this, 'TestRule', {
      listener: props.test, priority: props.index, conditions, action: elbv2.ListenerAction.forward([green]),
    });

    service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 })
      .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });

    // Either target group may be the live one: watch both.
    const alarms = [blue, green].flatMap((tg, n) => {
      const color = n === 0 ? 'Blue' : 'Green';
      return [
        tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }).createAlarm(this, `${color}5xx`, {
          threshold: 5, evaluationPeriods: 2, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        tg.metrics.unhealthyHostCount({ period: Duration.minutes(1) }).createAlarm(this, `${color}Unhealthy`, {
          threshold: 1, evaluationPeriods: 2, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ];
    });

    const deploymentGroup = new codedeploy.EcsDeploymentGroup(this, 'DeploymentGroup', {
      application: new codedeploy.EcsApplication(this, 'Application'),
      service,
      deploymentConfig: codedeploy.EcsDeploymentConfig.ALL_AT_ONCE,
      blueGreenDeploymentConfig: {
        blueTargetGroup: blue,
        greenTargetGroup: green,
        listener: props.production,
        testListener: props.test,
        terminationWaitTime: Duration.minutes(5),
      },
      alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });

    // The pipeline: a push to main builds an image, then CodeDeploy deploys it blue/green.
    const source = new codecommit.Repository(this, 'Source', { repositoryName: name });
    const build = new codebuild.PipelineProject(this, 'Build', {
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, privileged: true },
      environmentVariables: {
        REPOSITORY_URI: { value: repository.repositoryUri },
        FAMILY: { value: taskDefinition.family },
        APPSPEC: { value: appSpec() },
      },
      buildSpec: buildSpec(),
    });
    repository.grantPullPush(build);
    // DescribeTaskDefinition takes no resource-level permissions.
    build.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));

    const sourceOutput = new codepipeline.Artifact('Source');
    const buildOutput = new codepipeline.Artifact('Build');
    new codepipeline.Pipeline(this, 'Pipeline', {
      stages: [
        { stageName: 'Source', actions: [new actions.CodeCommitSourceAction({ actionName: 'Source', repository: source, branch: 'main', output: sourceOutput })] },
        { stageName: 'Build', actions: [new actions.CodeBuildAction({ actionName: 'Build', project: build, input: sourceOutput, outputs: [buildOutput] })] },
        {
          stageName: 'Deploy',
          actions: [new actions.CodeDeployEcsDeployAction({
            actionName: 'Deploy',
            deploymentGroup,
            taskDefinitionTemplateFile: buildOutput.atPath('taskdef.json'),
            appSpecTemplateFile: buildOutput.atPath('appspec.yaml'),
            containerImageInputs: [{ input: buildOutput, taskDefinitionPlaceholder: 'IMAGE1_NAME' }],
          })],
        },
      ],
    });
  }
}

/**
 * Builds and pushes the image tagged with the commit, then writes what the CodeDeployToECS
 * action reads: imageDetail.json (the image), taskdef.json (the service's task definition
 * with the image replaced by the placeholder) and appspec.yaml.
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/tutorials-ecs-ecr-codedeploy.html
 */
function buildSpec(): codebuild.BuildSpec {
  return codebuild.BuildSpec.fromObject({
    version: '0.2',
    phases: {
      pre_build: {
        commands: [
          'aws ecr get-login-password | docker login --username AWS --password-stdin ${REPOSITORY_URI%%/*}',
          'TAG=$(echo $CODEBUILD_RESOLVED_SOURCE_VERSION | cut -c 1-8)',
        ],
      },
      build: {
        commands: ['docker build -t $REPOSITORY_URI:$TAG .', 'docker push $REPOSITORY_URI:$TAG'],
      },
      post_build: {
        commands: [
          'printf \'{"ImageURI":"%s"}\' $REPOSITORY_URI:$TAG > imageDetail.json',
          'aws ecs describe-task-definition --task-definition $FAMILY --query taskDefinition'
            + ' | jq \'.containerDefinitions[0].image = "<IMAGE1_NAME>"'
            + ' | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy)\''
            + ' > taskdef.json',
          'printf \'%s\\n\' "$APPSPEC" > appspec.yaml',
        ],
      },
    },
    artifacts: { files: ['imageDetail.json', 'taskdef.json', 'appspec.yaml'] },
  });
}

/** The AppSpec of an ECS deployment; CodePipeline fills in <TASK_DEFINITION>. */
function appSpec(): string {
  return [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    '        TaskDefinition: <TASK_DEFINITION>',
    '        LoadBalancerInfo:',
    `          ContainerName: ${CONTAINER}`,
    `          ContainerPort: ${PORT}`,
  ].join('\n');
}
