import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { ExamplePlatformStack } from '../../examples/platform-stack';
import { Deployment, DeployPreview, Routing, TrafficShift, WorkloadPreview } from '../../lib';
import { main } from '../../lib/assembly/cli';
import { BLUE_GREEN_LIMITS } from '../../lib/deployment/provider/limits';
import { examplePlatform, readmeOutputBlock } from './helpers';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/nginx:1.27');

/** The example platform as deployed: every preview compares a change with it. */
let deployed: string;
beforeAll(() => {
  deployed = examplePlatform();
}, 60_000);

/** The one stack's workloads that a change of the example platform touches, by name. */
function previewOf(directory: string): Record<string, WorkloadPreview> {
  const preview = DeployPreview.compare(deployed, directory);
  expect(preview.stacks.map((s) => s.stackName)).toEqual(['ExamplePlatform']);
  return Object.fromEntries(preview.stacks[0].workloads.map((w) => [w.name, w]));
}

describe('DeployPreview on the example platform', () => {
  test('the same app again: no change', () => {
    // GIVEN / WHEN
    const preview = DeployPreview.compare(deployed, examplePlatform());
    // THEN
    expect(preview.stacks).toEqual([{ stackName: 'ExamplePlatform', status: 'unchanged', workloads: [] }]);
    expect(preview.toText()).toMatch(/^ExamplePlatform: no change\n/);
  });

  test('an environment variable: a new task definition that goes out as one CodeDeploy canary that cdk deploy waits for, the provider\'s estimate', () => {
    // GIVEN Orders (blue/green, canary 10 % for 5 minutes) with one variable more
    const changed = examplePlatform((s) => s.platform.services[0].container.addEnvironment('FEATURE', 'on'));
    // WHEN
    const { Orders, ...others } = previewOf(changed);
    // THEN only Orders changes, and its rollout says how and for how long
    expect(Object.keys(others)).toEqual([]);
    expect(Orders.status).toBe('changed');
    expect(Orders.rollout).toEqual([
      'Orders/BlueGreenService: a new task definition (app environment +FEATURE=on) goes out as one CodeDeploy blue/green deployment '
      + '(canary: 10 % of traffic, the rest 5 minutes later; blue kept 5 minutes after; hooks and smoke test on the test listener); '
      + `cdk deploy waits for its end: about ${Orders.estimatedMinutes} minutes, at most ${BLUE_GREEN_LIMITS.waitMinutes}`,
    ]);
    // canary 5 + grace 1 + allowance 5 (until shifted, rounded up), + termination wait 5 and 15 s of draining, rounded up
    expect(Orders.estimatedMinutes).toBe(17);
    const { scaling, alarms, routes, replaced, statefulAtRisk, iam, failures } = Orders;
    expect({ scaling, alarms, routes, replaced, statefulAtRisk, iam, failures })
      .toEqual({ scaling: [], alarms: [], routes: [], replaced: [], statefulAtRisk: [], iam: [], failures: [] });
  });

  test('the README shows what the preview prints for that change', () => {
    // GIVEN the README's block under "Deploy preview"
    const block = readmeOutputBlock('## Deploy preview');
    // WHEN the preview of the same change is printed
    const text = DeployPreview.compare(deployed, examplePlatform((s) => s.platform.services[0].container.addEnvironment('FEATURE', 'on'))).toText();
    // THEN the README shows it (without the closing line about the data)
    expect(block).toBe(text.split('\n').filter((l) => !l.startsWith('(replacement data')).join('\n'));
  });

  test('only scaling: no rollout, the new limits', () => {
    // GIVEN
    const changed = examplePlatform((s) => {
      (s.platform.services[0].scaling.node.findChild('Target').node.defaultChild as appscaling.CfnScalableTarget).maxCapacity = 12;
    });
    // WHEN
    const { Orders } = previewOf(changed);
    // THEN
    expect(Orders.rollout).toEqual([]);
    expect(Orders.scaling).toEqual([expect.stringMatching(/: MaxCapacity 10 -> 12$/)]);
  });

  test('a new service: created with no task until an image is pushed, its rule and its priority, nothing else of the platform at risk', () => {
    // GIVEN
    const changed = examplePlatform((s) => s.platform.addService('Search', { routing: Routing.path('/search/*'), container: { healthCheckPath: '/search/health' } }));
    // WHEN
    const { Search, ...others } = previewOf(changed);
    // THEN
    expect(Object.keys(others)).toEqual([]);
    expect(Search.status).toBe('new');
    expect(Search.rollout).toEqual(['Search/Service/Service: a new ECS service, created with 0 tasks until an image is pushed to its repository '
      + '(by its pipeline or your CI); cdk deploy waits until it is created']);
    expect(Search.routes).toEqual([expect.stringMatching(/^Search\/ProductionRule: new rule, priority \d+, path-pattern \/search\/\*$/)]);
    expect(Search.statefulAtRisk).toEqual([]);
    expect(Search.changes.every((c) => c.action === 'add')).toBe(true);
  });

  test('a route change: the rules\' conditions, production and test listener, and no task replaced', () => {
    // GIVEN Orders routed on /orders too
    const changed = examplePlatform((s) => {
      const orders = s.platform.services[0];
      for (const rule of [orders.productionRule!, orders.testRule!]) {
        (rule.node.defaultChild as elbv2.CfnListenerRule).addPropertyOverride('Conditions.0.PathPatternConfig.Values', ['/orders/*', '/orders']);
      }
    });
    // WHEN
    const { Orders } = previewOf(changed);
    // THEN
    expect(Orders.routes).toEqual([
      'Orders/ProductionRule: path-pattern /orders/* -> path-pattern /orders/*, /orders',
      'Orders/TestRule: path-pattern /orders/* -> path-pattern /orders/*, /orders',
    ]);
    expect(Orders.rollout).toEqual([]);
  });

  test('a change that replaces the retained repository: named, with what happens to the old one', () => {
    // GIVEN Orders' repository encrypted with KMS from now on (ECR cannot change a repository's encryption)
    const changed = examplePlatform((s) => {
      (s.platform.services[0].repository!.node.defaultChild as ecr.CfnRepository).encryptionConfiguration = { encryptionType: 'KMS' };
    });
    // WHEN
    const { Orders } = previewOf(changed);
    // THEN
    expect(Orders.replaced).toEqual(['Orders/Repository (AWS::ECR::Repository) is replaced: EncryptionConfiguration changed']);
    expect(Orders.statefulAtRisk).toEqual(['Orders/Repository, an ECR repository (its images): replaced (EncryptionConfiguration changed); the old one is retained '
      + '(UpdateReplacePolicy Retain): it stays in the account, out of the stack, and the new one starts empty']);
  });

  test('a removed service: its retained resources stay, the rest goes', () => {
    // GIVEN the platform without Catalog (built again without it)
    const changed = examplePlatform((s) => {
      // Catalog's nested stack, removed from the tree after the fact: what deleting the addService call does to the templates.
      s.platform.node.tryRemoveChild('CatalogStack');
    });
    // WHEN
    const { Catalog } = previewOf(changed);
    // THEN
    expect(Catalog.status).toBe('removed');
    expect(Catalog.statefulAtRisk).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Catalog\/Repository, an ECR repository \(its images\): removed from the template; the old one is retained \(DeletionPolicy Retain\)/),
    ]));
  });

  test('a change of ECS Exec on a CodeDeploy service: the preview says the deploy will fail, and why', () => {
    // GIVEN
    const changed = examplePlatform((s) => (s.platform.services[0].blueGreenService!.resource.node.defaultChild as any).addPropertyOverride('EnableExecuteCommand', true));
    // WHEN
    const { Orders } = previewOf(changed);
    // THEN
    expect(Orders.failures).toEqual(['Orders/BlueGreenService: ECS Exec (enableExec) cannot be turned on on a service deployed by CodeDeploy (ECS fixes it at creation); the deploy fails']);
    expect(DeployPreview.compare(deployed, changed).toText()).toContain('    WILL FAIL: Orders/BlueGreenService: ECS Exec');
  });

  test('an ECS-native deployment on the Network Load Balancer: the preview adds the 10 minutes ECS adds to each traffic-shift stage there', () => {
    // GIVEN the same ECS-native linear service on the Application and on the Network Load Balancer, deployed
    const add = (s: ExamplePlatformStack, env?: string) => {
      const deployment = Deployment.ecsBlueGreen({ traffic: TrafficShift.linear(25, Duration.minutes(2)) });
      const search = s.platform.addService('Search', { routing: Routing.path('/search/*'), container: { healthCheckPath: '/search/health', image: IMAGE }, deployment });
      const ledger = s.platform.addService('Ledger', { routing: Routing.tcp(5432, { testPort: 15432 }), container: { port: 5432, image: IMAGE }, deployment });
      if (env) for (const svc of [search, ledger]) svc.container.addEnvironment(env, 'on');
    };
    const base = examplePlatform((s) => add(s));
    // WHEN both get a variable
    const preview = DeployPreview.compare(base, examplePlatform((s) => add(s, 'FEATURE')));
    const { Search, Ledger } = Object.fromEntries(preview.stacks[0].workloads.map((w) => [w.name, w]));
    // THEN 3 step bake times of 2 minutes (AWS's count: 100 / 25 - 1, none after the last step), 5 minutes
    // of bake time and the allowance; 30 minutes more on the Network Load Balancer
    expect(Search.estimatedMinutes).toBe(3 * 2 + 5 + BLUE_GREEN_LIMITS.allowanceMinutes);
    expect(Ledger.estimatedMinutes).toBe(Search.estimatedMinutes! + 30);
    expect(Ledger.rollout).toEqual([expect.stringContaining('goes out as an ECS linear deployment (linear: 25 % every 2 minutes; blue kept 5 minutes after; '
      + `ECS adds 30 minutes on a Network Load Balancer); cdk deploy waits until ECS reports it complete: about ${Ledger.estimatedMinutes} minutes`)]);
    expect(Search.rollout[0]).not.toContain('Network Load Balancer');
  }, 60_000);

  test('IAM: the permissions added and removed, by policy', () => {
    // GIVEN Orders' task may read a bucket more
    const changed = examplePlatform((s) => s.platform.services[0].taskRole.addToPrincipalPolicy(
      new (require('aws-cdk-lib/aws-iam').PolicyStatement)({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] })));
    // WHEN
    const { Orders } = previewOf(changed);
    // THEN
    expect(Orders.iam).toEqual(['Orders/TaskDefinition/TaskRole/DefaultPolicy: + s3:GetObject on arn:aws:s3:::reports/*']);
  });
});

describe('the command line (bin cdk-container-platform)', () => {
  test('preview prints the preview; cost prints the cost summary; --json prints the data', () => {
    // GIVEN
    const out: string[] = [];
    const err: string[] = [];
    // WHEN
    const codes = [
      main(['preview', deployed, deployed], (t) => out.push(t), (t) => err.push(t)),
      main(['cost', deployed], (t) => out.push(t), (t) => err.push(t)),
      main(['cost', deployed, '--json'], (t) => out.push(t), (t) => err.push(t)),
    ];
    // THEN
    expect(codes).toEqual([0, 0, 0]);
    expect(out[0]).toMatch(/^ExamplePlatform: no change\n/);
    expect(out[1]).toMatch(/^ExamplePlatform: fixed monthly cost drivers/);
    expect(JSON.parse(out[2]).stacks[0].stackName).toBe('ExamplePlatform');
    expect(err).toEqual([]);
  });

  test('a wrong call prints the usage and exits 2; a missing assembly says what to do and exits 1', () => {
    const err: string[] = [];
    expect(main(['preview', deployed], () => undefined, (t) => err.push(t))).toBe(2);
    expect(err[0]).toContain('cdk-container-platform preview <deployed cdk.out> <new cdk.out>');
    expect(main(['cost', '/nowhere'], () => undefined, (t) => err.push(t))).toBe(1);
    expect(err[1]).toBe('cdk-container-platform cost: /nowhere is not a cloud assembly (it has no manifest.json): run `cdk synth` first, or name the cdk.out folder\n');
  });
});
