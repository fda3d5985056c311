import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerPlatform, Deployment, Microservice, PromotionEnvironmentOptions, PromotionPipeline, QueueWorker, Routing, Source } from '../../lib';
import { CDK_CONTEXT, errorOf } from '../util';
import { IMAGE, messageOf } from '../validation/helpers';

/**
 * A promotion pipeline in a tooling account: one image, built once, deployed to staging, then,
 * after an approval, to production, each in its own account, with the roles and policies that
 * let exactly this pipeline do it.
 */

const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const TOOLING = { account: '111111111111', region: 'eu-west-1' };
const STAGING = { account: '222222222222', region: 'eu-west-1' };
const PRODUCTION = { account: '333333333333', region: 'eu-west-1' };

function newApp(): App {
  return new App({
    context: { ...CDK_CONTEXT, 'aws:cdk:disable-stack-trace': true, [`availability-zones:account=${STAGING.account}:region=eu-west-1`]: AZS,
      [`availability-zones:account=${PRODUCTION.account}:region=eu-west-1`]: AZS },
    builtinCloudFormationValidation: false,
    treeMetadata: false,
  });
}

interface Teams {
  readonly app: App;
  readonly tooling: Stack;
  readonly pipeline: PromotionPipeline;
  readonly staging: Stack;
  readonly production: Stack;
}

/** The README's team app: Payments promoted from staging to production, with `deployment` in both. */
function teams(deployment: Deployment = Deployment.blueGreen()): Teams {
  const app = newApp();
  const tooling = new Stack(app, 'PaymentsDelivery', { env: TOOLING });
  const pipeline = new PromotionPipeline(tooling, 'Pipeline', { source: Source.codeCommit(), testCommands: ['npm test'] });
  const stacks: Array<[string, typeof STAGING, PromotionEnvironmentOptions]> = [['Staging', STAGING, { testCommands: ['curl -fsS https://staging.example.com/payments/health'] }],
    ['Production', PRODUCTION, { approval: { emails: ['release@example.com'] } }]];
  const [staging, production] = stacks.map(([name, env, options]) => {
    const stack = new Stack(app, `Payments${name}`, { env });
    new Microservice(stack, 'Payments', {
      platform: ContainerPlatform.fromName(stack, 'Platform', 'shop'),
      routing: Routing.path('/payments/*'),
      container: { healthCheckPath: '/payments/health' },
      deployment,
      promotion: pipeline.addEnvironment(name, options),
    });
    return stack;
  });
  return { app, tooling, pipeline, staging, production };
}

function pipelineOf(stack: Stack): any {
  return Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
}

describe('a promotion pipeline', () => {
  test('builds once, deploys to staging and tests it, then waits for an approval and deploys to production', () => {
    const { tooling } = teams();
    const stages = pipelineOf(tooling).Stages.map((s: any) => [s.Name, s.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Provider}`)]);
    expect(stages).toEqual([
      ['Source', ['CodeCommit:CodeCommit']],
      ['Build', ['Image:CodeBuild']],
      ['Staging', ['Prepare:CodeBuild', 'Deploy:CodeDeployToECS', 'Test:CodeBuild']],
      ['Production', ['Approve:Manual', 'Prepare:CodeBuild', 'Deploy:CodeDeployToECS']],
    ]);
  });

  test('deploys to each environment as that environment\'s deploy role, with the one image of the build', () => {
    const { tooling } = teams();
    const [staging, production] = pipelineOf(tooling).Stages.slice(2).map((s: any) => s.Actions.find((a: any) => a.Name === 'Deploy'));
    expect(staging.RoleArn).toBe('arn:aws:iam::222222222222:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy');
    expect(production.RoleArn).toBe('arn:aws:iam::333333333333:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy');
    for (const deploy of [staging, production]) {
      expect(deploy.Configuration).toMatchObject({ ApplicationName: 'shop', DeploymentGroupName: 'shop-Payments', Image1ArtifactName: 'Build', Image1ContainerName: 'IMAGE1_NAME' });
    }
  });

  test('the build pushes the image and names it by digest in both deployment files', () => {
    const { tooling } = teams();
    const build = Object.values(Template.fromStack(tooling).findResources('AWS::CodeBuild::Project')).map((p: any) => p.Properties)
      .find((p) => String(p.Description).startsWith('Builds the image'));
    const spec = JSON.parse(build.Source.BuildSpec);
    expect(spec.phases.post_build.commands).toEqual(expect.arrayContaining([
      'DIGEST="$(aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" --query "imageDetails[0].imageDigest" --output text)"',
      'IMAGE="$REPOSITORY_URI@$DIGEST"',
    ]));
    expect(spec.artifacts.files).toEqual(['imageDetail.json', 'imagedefinitions.json']);
    expect(spec.phases.pre_build.commands).toContain('npm test');
  });

  test('each environment\'s roles trust exactly the pipeline\'s role and its prepare project\'s role', () => {
    const { staging } = teams();
    const roles = Object.values(Template.fromStack(staging).findResources('AWS::IAM::Role')).map((r: any) => r.Properties)
      .filter((r) => String(r.RoleName).startsWith('shop-Payments-'));
    expect(roles.map((r) => [r.RoleName, r.Path, r.AssumeRolePolicyDocument.Statement])).toEqual([
      ['shop-Payments-deploy', '/cdk-container-platform/shop/eu-west-1/', [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/PaymentsDelivery-Pipeline-pipeline' } },
      }]],
      ['shop-Payments-prepare', '/cdk-container-platform/shop/eu-west-1/', [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/PaymentsDelivery-Pipeline-Staging-prepare' } },
      }]],
    ]);
  });

  test('the key, the artifact bucket and the repository admit exactly the environments\' roles', () => {
    const { tooling } = teams();
    const template = Template.fromStack(tooling);
    const deployRoles = ['arn:aws:iam::222222222222:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy', 'arn:aws:iam::333333333333:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy'];
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as any;
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Principal: { AWS: deployRoles }, Action: ['kms:Decrypt', 'kms:DescribeKey'] }));
    const bucketPolicies = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(bucketPolicies).toContainEqual(expect.objectContaining({ Principal: { AWS: deployRoles }, Effect: 'Allow' }));
    const repository = Object.values(template.findResources('AWS::ECR::Repository'))[0] as any;
    expect(repository.Properties.RepositoryName).toBe('paymentsdelivery-pipeline');
    expect(repository.Properties.RepositoryPolicyText.Statement.map((s: any) => [s.Principal.AWS, s.Condition.ArnLike['aws:PrincipalArn']])).toEqual([
      ['arn:aws:iam::222222222222:root', 'arn:aws:iam::222222222222:role/cdk-container-platform/shop/eu-west-1/*'],
      ['arn:aws:iam::333333333333:root', 'arn:aws:iam::333333333333:role/cdk-container-platform/shop/eu-west-1/*'],
    ]);
  });

  test('environments run the pipeline\'s image: their task definitions start from its bootstrap tag, pulled from the pipeline\'s account', () => {
    const { staging } = teams();
    const template = Template.fromStack(staging);
    const state = Object.values(template.findResources('Custom::DeployedState'))[0] as any;
    expect(JSON.stringify(state.Properties.BootstrapImage)).toMatch(/111111111111\.dkr\.ecr\.eu-west-1\..*paymentsdelivery-pipeline:bootstrap/);
    template.resourceCountIs('AWS::ECR::Repository', 0);
  });

  test('the environments\' stacks deploy first: the pipeline\'s policies name their roles', () => {
    const { app } = teams();
    const assembly = app.synth();
    expect(assembly.getStackByName('PaymentsDelivery').dependencies.map((d) => d.id)).toEqual(expect.arrayContaining(['PaymentsStaging', 'PaymentsProduction']));
    expect(assembly.getStackByName('PaymentsStaging').dependencies.map((d) => d.id)).not.toContain('PaymentsDelivery');
  });

  test('a rolling service is deployed by the ECS deploy action, and its Prepare step only raises it from zero', () => {
    const { tooling, staging } = teams(Deployment.rolling());
    const stage = pipelineOf(tooling).Stages[2];
    expect(stage.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Provider}`)).toEqual(['Prepare:CodeBuild', 'Deploy:ECS', 'Test:CodeBuild']);
    expect(stage.Actions[1].Configuration).toEqual({ ClusterName: 'shop', ServiceName: 'shop-Payments' });
    expect(stage.Actions[0].OutputArtifacts ?? []).toEqual([]);
    Template.fromStack(staging).resourceCountIs('AWS::SSM::Parameter', 0);
  });

  test('promotes a queue worker', () => {
    const app = newApp();
    const pipeline = new PromotionPipeline(new Stack(app, 'Delivery', { env: TOOLING }), 'Pipeline', { source: Source.codeCommit() });
    const stack = new Stack(app, 'Mail', { env: STAGING });
    new QueueWorker(stack, 'Mailer', { platform: ContainerPlatform.fromName(stack, 'Platform', 'shop'), promotion: pipeline.addEnvironment('Staging') });
    const stage = pipelineOf(Stack.of(pipeline)).Stages[2];
    expect(stage.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Provider}`)).toEqual(['Prepare:CodeBuild', 'Deploy:ECS']);
  });
});

describe('a promotion pipeline refuses', () => {
  function setup(): { app: App; pipeline: PromotionPipeline } {
    const app = newApp();
    return { app, pipeline: new PromotionPipeline(new Stack(app, 'Delivery', { env: TOOLING }), 'Pipeline', { source: Source.codeCommit() }) };
  }

  test('an environment in another Region, on another CPU architecture, with its own source or a fixed image', () => {
    const { app, pipeline } = setup();
    const stack = new Stack(app, 'Frankfurt', { env: { account: '222222222222', region: 'eu-central-1' } });
    const message = errorOf(() => new Microservice(stack, 'Payments', {
      platform: ContainerPlatform.fromName(stack, 'Platform', 'shop'),
      routing: Routing.path('/payments/*'),
      container: { image: IMAGE, cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      source: Source.codeCommit(),
      promotion: pipeline.addEnvironment('Staging'),
    }));
    expect(message).toContain("promotion: received \"Delivery/Pipeline environment Staging\"; allowed: a workload in the pipeline's Region eu-west-1 (Frankfurt is in eu-central-1): the pipeline's artifacts and key are in its Region. Fix: put the environment's stack in eu-west-1, or give that Region a pipeline of its own.");
    expect(message).toContain("container.cpuArchitecture: received \"ARM64\"; allowed: the pipeline's cpuArchitecture X86_64 (it builds one image for every environment). Fix: run the workload on X86_64, or build for ARM64 with the pipeline's cpuArchitecture.");
    expect(message).toContain('source: received "set"; allowed: no source with `promotion` (the promotion pipeline builds the image from its own source).');
    expect(message).toContain('container.image: received "set"; allowed: no fixed image with `promotion` (the environment runs the image the pipeline promotes).');
  });

  test('repository options of its own: the environment pulls from the pipeline\'s repository, so they would be dropped', () => {
    const { app, pipeline } = setup();
    const stack = new Stack(app, 'Team', { env: STAGING });
    const message = errorOf(() => new Microservice(stack, 'Payments', {
      platform: ContainerPlatform.fromName(stack, 'Platform', 'shop'),
      routing: Routing.path('/payments/*'),
      repository: { keepImages: 5 },
      promotion: pipeline.addEnvironment('Staging'),
    }));
    expect(message).toBe(messageOf('Team/Payments', [
      'repository: received ["keepImages"]; allowed: no repository options with `promotion` (the environment pulls from the pipeline\'s repository). '
      + 'Fix: remove it: the promotion pipeline builds the image and every environment pulls it from the pipeline\'s repository.',
    ]));
  });

  test('a stack without an explicit account, and a platform neither published nor imported', () => {
    const { app, pipeline } = setup();
    const agnostic = new Stack(app, 'Anywhere');
    expect(errorOf(() => new QueueWorker(agnostic, 'Mailer', { platform: ContainerPlatform.fromName(agnostic, 'Platform', 'shop'), promotion: pipeline.addEnvironment('A') })))
      .toContain('allowed: a workload in a stack with an explicit account and Region (Anywhere has none)');
    const own = new Stack(app, 'Own', { env: STAGING });
    const platform = new ContainerPlatform(own, 'Platform');
    expect(errorOf(() => platform.addWorker('Mailer', { promotion: pipeline.addEnvironment('B') })))
      .toContain('allowed: a workload of a published platform, or of one imported by name (the pipeline addresses the cluster and CodeDeploy application of Own/Platform by its name)');
  });

  test('an environment two workloads take, an approval before the first, a bad name', () => {
    const { app, pipeline } = setup();
    expect(errorOf(() => pipeline.addEnvironment('Staging', { approval: { emails: ['ops@example.com'] } }))).toBe(messageOf('Delivery/Pipeline', [
      'approval: received {"emails":["ops@example.com"]}; allowed: no approval before the first environment (it deploys what was built; an approval comes before every later one). '
      + 'Fix: remove approval, or give it to the next environment.',
    ]));
    expect(errorOf(() => pipeline.addEnvironment('Staging area'))).toContain('name: received "Staging area"; allowed: letters, digits and hyphens');
    const staging = pipeline.addEnvironment('Staging');
    expect(errorOf(() => pipeline.addEnvironment('Staging'))).toContain('name: received "Staging"; allowed: a name no other environment of the pipeline has (Staging)');
    const stack = new Stack(app, 'Team', { env: STAGING });
    const platform = ContainerPlatform.fromName(stack, 'Platform', 'shop');
    new QueueWorker(stack, 'Mailer', { platform, promotion: staging });
    expect(errorOf(() => new QueueWorker(stack, 'Sender', { platform, promotion: staging })))
      .toContain('promotion: received "Delivery/Pipeline environment Staging"; allowed: an environment no other workload takes (Team/Mailer takes it)');
  });

  test('at synth, an environment no workload took', () => {
    const { app, pipeline } = setup();
    pipeline.addEnvironment('Staging');
    expect(errorOf(() => app.synth())).toContain('environment Staging: received "Staging"; allowed: an environment that one workload takes as its `promotion`. '
      + 'Fix: pass pipeline.environments[0] as the `promotion` of the workload that runs in Staging.');
  });
});
