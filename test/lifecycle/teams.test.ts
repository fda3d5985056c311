import { CloudAssembly } from './model/assembly';
import { ACCOUNTS, platformApp, teamApp, Teams } from './teams';

jest.mock('node:http', () => ({ ...jest.requireActual('node:http'), request: (...a: unknown[]) => require('./model/network').request(...a) }));

/**
 * Platform teams and service teams in the lifecycle model: a platform published in two accounts, a service team's app
 * importing it by name, and one promotion pipeline in a tooling account.
 */

let teams: Teams;
afterEach(() => teams?.stop());

describe('promotion from staging to production', () => {
  test('the first deploy of every stack, then a push: staging gets the image, production waits for the approval, then gets the same digest', async () => {
    // GIVEN the platform team's app and the payments team's app, deployed in their accounts
    teams = new Teams();
    await teams.deployAll(platformApp(), teamApp('promotion'));
    await teams.settle();
    teams.expectInvariants();
    // WHEN a commit is pushed
    const execution = await teams.push('c1');
    await teams.settle();
    // THEN staging runs its image (by digest) and the pipeline waits before production
    expect(execution.waiting).toBe('approval');
    const [staged] = teams.imagesIn(teams.staging);
    expect(staged).toMatch(new RegExp(`^${ACCOUNTS.tooling}\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/paymentsdelivery-pipeline@sha256:c1$`));
    expect(teams.imagesIn(teams.production)).toEqual([]);
    expect(teams.serviceIn(teams.production)?.groups.reduce((n, g) => n + g.running, 0)).toBe(0);
    teams.expectInvariants();
    // WHEN the promotion to production is approved
    await teams.approve(execution);
    await teams.settle();
    // THEN production runs the very digest staging runs
    expect(execution.status).toBe('Succeeded');
    expect(teams.imagesIn(teams.production)).toEqual([staged]);
    expect(teams.imagesIn(teams.staging)).toEqual([staged]);
    teams.expectInvariants();
  }, 600_000);
});

describe('what stops a promotion', () => {
  test('a failing staging deployment stops the pipeline: production keeps the digest it runs, and no approval is asked', async () => {
    // GIVEN c1 in staging and production
    teams = new Teams();
    await teams.deployAll(platformApp(), teamApp('promotion'));
    const first = await teams.push('c1');
    await teams.settle();
    await teams.approve(first);
    await teams.settle();
    const [good] = teams.imagesIn(teams.production);
    teams.expectInvariants();
    // WHEN c2, whose service answers 500 everywhere, is pushed
    const second = await teams.push('c2', { status: () => 500 }, { mayFail: true });
    await teams.settle();
    // THEN its staging deployment fails (CodeDeploy rolls back on the smoke test) and the execution ends there
    expect(second.status).toBe('Failed');
    expect(second.error).toMatch(/^CodeDeploy deployment d-\d+ Failed: /);
    expect(second.waiting).toBeUndefined();
    expect(teams.imagesIn(teams.staging)).toEqual([good]);
    expect(teams.imagesIn(teams.production)).toEqual([good]);
    teams.expectInvariants();
  }, 600_000);

  test('an environment\'s deploy role that trusts another role than the pipeline\'s: AWS denies the pipeline, in the environment\'s account', async () => {
    // GIVEN staging's deploy role trusting another role of the tooling account
    teams = new Teams();
    const team = teamApp('promotion');
    const tampered = new CloudAssembly(team.directory);
    const template = tampered.template('PaymentsStaging') as any;
    const deployRole = Object.values(template.Resources).find((r: any) => r.Properties?.RoleName === 'shop-Payments-deploy') as any;
    deployRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:PrincipalArn'] = `arn:aws:iam::${ACCOUNTS.tooling}:role/SomeoneElse`;
    for (const stack of ['ShopStaging', 'ShopProduction']) await teams.deploy(platformApp(), stack);
    for (const stack of ['PaymentsStaging', 'PaymentsProduction', 'PaymentsDelivery']) await teams.deploy(tampered, stack);
    // WHEN a commit is pushed
    const execution = await teams.push('c1', undefined, { mayFail: true });
    await teams.settle();
    // THEN the pipeline's role may not assume it: the Deploy action fails, and nothing reaches staging
    expect(execution.status).toBe('Failed');
    expect(execution.error).toContain(`Deploy: User: arn:aws:sts::${ACCOUNTS.tooling}:assumed-role/PaymentsDelivery-Pipeline-pipeline/`);
    expect(execution.error).toContain(`is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNTS.staging}:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy`);
    expect(teams.imagesIn(teams.staging)).toEqual([]);
    expect(teams.violations()).toEqual([expect.stringContaining(`${ACCOUNTS.tooling}: AWS denied sts:AssumeRole on arn:aws:iam::${ACCOUNTS.staging}:role/cdk-container-platform/shop/eu-west-1/shop-Payments-deploy`)]);
  }, 600_000);
});

describe.each(['rolling', 'ecsBlueGreen'] as const)('a service deployed with Deployment.%s()', (deployment) => {
  test('is promoted by the ECS deploy action: staging, approval, production, one digest', async () => {
    teams = new Teams();
    await teams.deployAll(platformApp(), teamApp(deployment, { deployment }));
    const execution = await teams.push('c1');
    await teams.settle();
    expect(teams.violations()).toEqual([]);
    expect(execution.waiting).toBe('approval');
    const [staged] = teams.imagesIn(teams.staging);
    expect(staged).toMatch(/@sha256:c1$/);
    await teams.approve(execution);
    await teams.settle();
    expect(execution.status).toBe('Succeeded');
    expect(teams.imagesIn(teams.production)).toEqual([staged]);
    teams.expectInvariants();
  }, 600_000);
});

describe('bad input at deploy', () => {
  test('a platform name that was never published fails the deploy with a message that names it, and creates nothing', async () => {
    teams = new Teams();
    const op = await teams.deploy(teamApp('promotion'), 'PaymentsStaging', { expectFailure: true });
    expect(op.status).toBe('VALIDATION_FAILED');
    expect(op.failure?.message).toMatch(/^Unable to fetch parameters \[\/cdk-container-platform\/platform\/shop\/[a-z-/0-9]+(,\/cdk-container-platform\/platform\/shop\/[a-z-/0-9]+)*\] from parameter store for this account\.$/);
    expect(teams.staging.cfn.stacks.has('PaymentsStaging')).toBe(false);
    teams.expectInvariants();
  }, 600_000);

  test('another app\'s service claiming the same route fails its deploy with both owners; the first keeps its route', async () => {
    // GIVEN Payments on /payments/* in staging
    teams = new Teams();
    for (const stack of ['ShopStaging']) await teams.deploy(platformApp(), stack);
    await teams.deploy(teamApp('promotion'), 'PaymentsStaging');
    // WHEN another team's app deploys Refunds on the same path
    const op = await teams.deploy(teamApp('refunds', { name: 'Refunds', path: '/payments/*' }), 'RefundsStaging', { expectFailure: true });
    // THEN its claims fail before its rules exist, naming both owners, and the stack rolls back
    expect(op.status).toBe('ROLLBACK_COMPLETE');
    expect(op.failure).toMatchObject({ logicalId: expect.stringMatching(/^RefundsClaims/) });
    expect(op.failure?.message).toContain("Message returned: cdk-container-platform: the route paths /payments/* on load balancer 0 of platform 'shop' is claimed by PaymentsStaging/Payments; "
      + 'RefundsStaging/Refunds cannot claim it. Fix: give one of the two services another path or host.');
    expect([...teams.staging.ssm.parameters.keys()].filter((k) => k.includes('/claims/')).sort()).toEqual([
      '/cdk-container-platform/platform/shop/claims/name/shop-Payments',
      expect.stringMatching(/^\/cdk-container-platform\/platform\/shop\/claims\/priority\/0\/\d+$/),
      expect.stringMatching(/^\/cdk-container-platform\/platform\/shop\/claims\/route\/0\/[0-9a-f]{16}$/),
    ].sort((a, b) => String(a).localeCompare(String(b))));
    teams.expectInvariants();
  }, 600_000);
});
