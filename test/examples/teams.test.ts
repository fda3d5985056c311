import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { addPlatformStacks } from '../../examples/teams/platform-app';
import { addServiceStacks } from '../../examples/teams/service-app';
import { checkAppCompliance, checkCompliance, describeFindings } from '../compliance';
import { checkAssembly, formatProblems } from '../integrity/template-integrity';
import { CDK_CONTEXT, LEAN_METADATA } from '../util';

/**
 * The teams example (examples/teams): the platform team's app (the platform "shop", published in
 * the staging and the production account, and a service of its own importing it by name) and the
 * payments team's app (a promotion pipeline in the tooling account, Payments in both accounts).
 */

const APPS: Array<[string, (app: App) => void]> = [
  ['the platform team\'s app', (app) => { addPlatformStacks(app); }],
  ['the payments team\'s app', (app) => { addServiceStacks(app); }],
];

describe.each(APPS)('%s', (_name, build) => {
  test('synthesizes offline, and every template file is one CloudFormation accepts on its own', () => {
    // GIVEN / WHEN
    const app = new App({ context: CDK_CONTEXT, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'teams-')), builtinCloudFormationValidation: false, treeMetadata: false });
    build(app);
    const assembly = app.synth();
    // THEN nothing was looked up, and no template file has a problem
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(formatProblems(checkAssembly(assembly.directory))).toBe('');
  }, 180_000);

  test('passes cdk-nag (AwsSolutions, NIST 800-53 R5) and the Control Tower controls', () => {
    const report = checkCompliance(build);
    expect(describeFindings(report.violations)).toEqual('');
  }, 180_000);

  test('passes the same checks in an app with no feature flags (the README\'s cdk.json holds only "app")', () => {
    // GIVEN the app as a stranger's cdk.json builds it: only the zones cdk.json records, none of
    // its feature flags (without @aws-cdk/core:enablePartitionLiterals, ARNs name the partition
    // through a reference, which the acknowledgements must name as cdk-nag prints it; without
    // @aws-cdk/aws-ec2:restrictDefaultSecurityGroup, the VPC's default group stays open unless
    // the platform closes it itself)
    const zones = Object.fromEntries(Object.entries(CDK_CONTEXT).filter(([key]) => key.startsWith('availability-zones:')));
    const app = new App({ context: { ...zones, ...LEAN_METADATA }, builtinCloudFormationValidation: false, treeMetadata: false });
    build(app);
    // WHEN / THEN it synthesizes with no finding left unacknowledged
    expect(describeFindings(checkAppCompliance(app).violations)).toEqual('');
  }, 180_000);
});

test('the stacks deploy in order: each platform before the service stack of its app that imports it; the environments before the pipeline that names their roles', () => {
  const synth = (build: (app: App) => void) => {
    const app = new App({ context: CDK_CONTEXT, builtinCloudFormationValidation: false, treeMetadata: false });
    build(app);
    return app.synth();
  };
  const assemblies = [synth(addPlatformStacks), synth(addServiceStacks)];
  const dependencies = (id: string) => assemblies.flatMap((a) => a.stacks).find((s) => s.id === id)!.dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets')).sort();
  expect(dependencies('ShopStagingCatalog')).toEqual(['ShopStaging']);
  expect(dependencies('ShopProductionCatalog')).toEqual(['ShopProduction']);
  expect(dependencies('PaymentsDelivery')).toEqual(['PaymentsProduction', 'PaymentsStaging']);
  expect(dependencies('PaymentsStaging')).toEqual([]);
});
