import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_ENV } from '../../examples/env';
import { ContainerPlatform, Deployment, Routing, Source } from '../../lib';
import { checkCompliance, describeFindings } from '../compliance';
import { expectSynthWarnings } from '../synth-warnings';
import { errorOf, newPlatform, stackTemplates } from '../util';

expectSynthWarnings('cdk-container-platform:smoke-test-path');

/** The statements of every policy of a template, flattened. */
function statements(template: Record<string, any>): any[] {
  return Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy').flatMap((r: any) => r.Properties.PolicyDocument.Statement);
}

const SSM = ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'];

describe('ECS Exec (enableExec)', () => {
  test('the cluster encrypts sessions with the platform key and logs them to an encrypted log group of the platform', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), enableExec: true });
    // THEN
    const template = Template.fromStack(stack);
    const key = stack.getLogicalId(platform.encryptionKey.node.defaultChild as any);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchLogGroupName: { Ref: Match.stringLikeRegexp('^PlatformExecSessionLogs') }, CloudWatchEncryptionEnabled: true },
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, RetentionInDays: 365 });
  });

  test('a rolling service: EnableExecuteCommand on its Custom::EcsService, and its task role may open sessions and log them, nothing more', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), enableExec: true });
    // THEN
    const nested = stackTemplates(stack)['Test/Platform/OrdersStack'];
    expect(Object.values(nested.Resources).find((r: any) => r.Type === 'Custom::EcsService')).toMatchObject({ Properties: { EnableExecuteCommand: true } });
    const all = statements(nested);
    // (aws-cdk-lib merges statements of the same resources: the ones on * are one)
    expect(all).toEqual(expect.arrayContaining([
      { Action: ['logs:DescribeLogGroups', ...SSM], Effect: 'Allow', Resource: '*' },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/PlatformKey/) } },
      { Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { Ref: expect.stringMatching(/PlatformExecSessionLogs/) } },
    ]));
    const onStar = all.filter((st) => st.Resource === '*').flatMap((st) => [st.Action].flat());
    expect(onStar.filter((a) => a.startsWith('ssmmessages:') || a.startsWith('logs:'))).toEqual(['logs:DescribeLogGroups', ...SSM]);
  });

  test('a CodeDeploy blue/green service is created with enableExecuteCommand, and a worker has it too', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), deployment: Deployment.blueGreen(), enableExec: true });
    platform.addWorker('Resizer', { source: Source.codeCommit(), enableExec: true });
    // THEN
    const templates = stackTemplates(stack);
    expect(Object.values(templates['Test/Platform/OrdersStack'].Resources).find((r: any) => r.Type === 'Custom::BlueGreenService'))
      .toMatchObject({ Properties: { EnableExecuteCommand: true } });
    expect(Object.values(templates['Test/Platform/ResizerStack'].Resources).find((r: any) => r.Type === 'Custom::EcsService'))
      .toMatchObject({ Properties: { EnableExecuteCommand: true } });
    // one session log for the platform
    expect(Object.keys(templates.Test.Resources).filter((id) => id.startsWith('PlatformExecSessionLogs'))).toHaveLength(1);
  });

  test('the container\'s root filesystem is writable (the SSM agent writes to it), and a read-only one asked for beside it fails', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*'), enableExec: true });
    const message = errorOf(() => platform.addWorker('Resizer', { container: { readonlyRootFilesystem: true }, enableExec: true }));
    // THEN
    const task = Object.values(stackTemplates(stack)['Test/Platform/OrdersStack'].Resources).find((r: any) => r.Type === 'AWS::ECS::TaskDefinition') as any;
    expect(task.Properties.ContainerDefinitions.map((c: any) => [c.Name, c.ReadonlyRootFilesystem])).toEqual([['app', false]]);
    expect(message).toBe('[Test/Platform/ResizerStack/Resizer] 1 invalid prop:\n'
      + '  - container.readonlyRootFilesystem: received true; allowed: false or unset with enableExec (the SSM agent ECS Exec runs in the container writes to its filesystem). '
      + 'Fix: remove readonlyRootFilesystem (with enableExec the root filesystem is writable), or remove enableExec.');
  });

  test('off by default: no cluster configuration, no session log, no ssmmessages permission', () => {
    // GIVEN
    const { stack, platform } = newPlatform();
    // WHEN
    platform.addService('Orders', { routing: Routing.path('/orders/*') });
    // THEN
    const templates = stackTemplates(stack);
    expect(JSON.stringify(templates)).not.toMatch(/ssmmessages|ExecuteCommand|ExecSessionLogs/);
  });

  test('passes cdk-nag and the Control Tower controls with no finding left unacknowledged', () => {
    // GIVEN / WHEN
    const report = checkCompliance((app) => {
      const stack = new Stack(app, 'Exec', { env: EXAMPLE_ENV });
      const platform = new ContainerPlatform(stack, 'Platform');
      platform.addService('Orders', {
        routing: Routing.path('/orders/*'), container: { healthCheckPath: '/orders/health', user: '1000' }, deployment: Deployment.blueGreen(), source: Source.codeCommit(), enableExec: true,
      });
      // (without a non-root container.user, CT.ECS.PR.3 finds the app's container running as root: the user's to set, as the README says)
      platform.addService('Catalog', { routing: Routing.path('/catalog/*'), container: { user: '1000' }, enableExec: true });
    });
    // THEN
    expect(describeFindings(report.violations)).toEqual('');
  });
});
