import { nestedStack, oneStack, writeAssembly } from './fixtures';
import { NAME_RULES } from './name-rules';
import { checkAssembly } from './template-integrity';

const FILE = 'Stack.template.json';
const CHILD = 'StackChild.nested.template.json';
const repository = (name: unknown) => ({ Type: 'AWS::CodeCommit::Repository', Properties: { RepositoryName: name } });
const parameter = (name: unknown) => ({ Type: 'AWS::SSM::Parameter', Properties: { Name: name, Type: 'String', Value: 'v' } });
const named = (logicalId: string, message: string, file = FILE) => ({ file, logicalId, check: 'physical-name', message });
const CODECOMMIT = 'https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateRepository.html';
const SSM = 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html';

describe('physical names fit their service', () => {
  test('the limits are the documented ones', () => {
    // Each number is checked against the page cited in name-rules.ts; a typo there fails here.
    const limits = Object.fromEntries(NAME_RULES.map((r) => [`${r.type}.${r.property}`, [r.min, r.max]]));
    expect(limits).toMatchObject({
      'AWS::CodeCommit::Repository.RepositoryName': [1, 100],
      'AWS::ECR::Repository.RepositoryName': [2, 256],
      'AWS::ElasticLoadBalancingV2::TargetGroup.Name': [1, 32],
      'AWS::ElasticLoadBalancingV2::LoadBalancer.Name': [1, 32],
      'AWS::IAM::Role.RoleName': [1, 64],
      'AWS::SSM::Parameter.Name': [1, 1011],
      'AWS::Logs::LogGroup.LogGroupName': [1, 512],
      'AWS::CodeBuild::Project.Name': [2, 150],
      'AWS::CodePipeline::Pipeline.Name': [1, 100],
      'AWS::ECS::Service.ServiceName': [1, 255],
      'AWS::ECS::Cluster.ClusterName': [1, 255],
      'AWS::CodeDeploy::DeploymentGroup.DeploymentGroupName': [1, 100],
      'AWS::SQS::Queue.QueueName': [1, 80],
      'AWS::SNS::Topic.TopicName': [1, 256],
      'AWS::Lambda::Function.FunctionName': [1, 64],
      'AWS::Scheduler::Schedule.Name': [1, 64],
      'AWS::Events::Rule.Name': [1, 64],
    });
  });

  test('a literal name at the limit passes, one character more is reported', () => {
    const dir = oneStack({ Resources: { Ok: repository('r'.repeat(100)), Long: repository('r'.repeat(101)) } });
    expect(checkAssembly(dir)).toEqual([
      named('Long', `AWS::CodeCommit::Repository RepositoryName '${'r'.repeat(101)}' is 101 characters; CodeCommit allows 1 to 100 characters (${CODECOMMIT})`),
    ]);
  });

  test('a name under the minimum is reported', () => {
    const dir = oneStack({ Resources: { Short: { Type: 'AWS::ECR::Repository', Properties: { RepositoryName: 'a' } } } });
    expect(checkAssembly(dir)).toEqual([
      named('Short', "AWS::ECR::Repository RepositoryName 'a' is 1 characters; ECR allows 2 to 256 characters (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html)"),
    ]);
  });

  test('in a top-level template, Fn::Join and Fn::Sub of the stack name, Region and account are computed from the manifest', () => {
    // GIVEN a stack name of 93 characters: '<name>-Orders' is 100, '<name>-Ordersx' 101
    const stackName = 'S'.repeat(93);
    const dir = oneStack({
      Resources: {
        Fits: repository({ 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'Orders']] }),
        TooLong: repository({ 'Fn::Sub': '${AWS::StackName}-Ordersx' }),
        Regional: repository({ 'Fn::Sub': ['${AWS::Region}${AWS::AccountId}${X}', { X: 'y'.repeat(79) }] }),
      },
    }, { stackName });
    expect(checkAssembly(dir)).toEqual([
      named('TooLong', `AWS::CodeCommit::Repository RepositoryName '${stackName}-Ordersx' is 101 characters; CodeCommit allows 1 to 100 characters (${CODECOMMIT})`),
    ]);
  });

  test("in a nested template, a name derived from the nested stack's own name is unknown at synth", () => {
    const dir = writeAssembly({ Stack: { template: { Resources: { Child: nestedStack(CHILD) } } } }, {
      [CHILD]: { Resources: {
        Repo: repository({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-Resizer']] }),
        Param: parameter({ 'Fn::Sub': '/cdk-container-platform/${AWS::StackName}/image' }),
      } },
    });
    expect(checkAssembly(dir)).toEqual([
      named('Repo', 'AWS::CodeCommit::Repository RepositoryName is derived from a value unknown at synth (Ref AWS::StackName of a nested stack), ' +
        `so its length cannot be checked: the known part is 8 characters and CodeCommit allows 1 to 100 characters (${CODECOMMIT})`, CHILD),
      named('Param', 'AWS::SSM::Parameter Name is derived from a value unknown at synth (Ref AWS::StackName of a nested stack), ' +
        `so its length cannot be checked: the known part is 30 characters and SSM Parameter Store allows 1011 characters including the 44 of the ARN before the name (${SSM})`, CHILD),
    ]);
  });

  test('the first group of the stack ID\'s GUID counts 8 characters: 92 known ones and it fit, 93 do not; another Fn::Select is unknown', () => {
    const guidHead = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };
    const dir = oneStack({
      Resources: {
        Fits: repository({ 'Fn::Join': ['', [`${'r'.repeat(91)}-`, guidHead]] }),
        Over: repository({ 'Fn::Join': ['', [`${'r'.repeat(92)}-`, guidHead]] }),
        OtherGroup: repository({ 'Fn::Join': ['', ['r-', { 'Fn::Select': [1, guidHead['Fn::Select'][1]] }]] }),
      },
    });
    const problems = checkAssembly(dir);
    expect(problems.map((p) => p.logicalId)).toEqual(['Over', 'OtherGroup']);
    expect(problems[0].message).toContain('101 characters');
    expect(problems[1].message).toContain('derived from a value unknown at synth (Fn::Select)');
  });

  test('a name from a parameter, a resource attribute or a dynamic reference is unknown at synth', () => {
    const dir = oneStack({
      Parameters: { Prefix: { Type: 'String' } },
      Resources: {
        FromParameter: repository({ 'Fn::Join': ['-', [{ Ref: 'Prefix' }, 'x']] }),
        FromAttribute: repository({ 'Fn::GetAtt': ['FromParameter', 'Name'] }),
        FromSsm: repository('{{resolve:ssm:/name}}'),
      },
    });
    const unknown = (what: string, known: number) => `AWS::CodeCommit::Repository RepositoryName is derived from a value unknown at synth (${what}), ` +
      `so its length cannot be checked: the known part is ${known} characters and CodeCommit allows 1 to 100 characters (${CODECOMMIT})`;
    expect(checkAssembly(dir)).toEqual([
      named('FromParameter', unknown('Ref to parameter Prefix', 2)),
      named('FromAttribute', unknown('Fn::GetAtt FromParameter.Name', 0)),
      named('FromSsm', unknown('a dynamic reference {{resolve:...}}', 0)),
    ]);
  });

  test("a Ref to a resource whose Ref is its name counts that name, or the service's limit when CloudFormation generates it", () => {
    const logGroup = (name: unknown) => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name } });
    const dir = oneStack({
      Resources: {
        Generated: { Type: 'AWS::Lambda::Function', Properties: {} },
        Named: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'f'.repeat(60) } },
        Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
        // 448 + 64 = 512 fits; 452 + 60 = 512 fits; 453 + 60 = 513 does not; a queue's Ref is its URL.
        Fits: logGroup({ 'Fn::Join': ['', ['l'.repeat(448), { Ref: 'Generated' }]] }),
        AlsoFits: logGroup({ 'Fn::Sub': `${'l'.repeat(452)}\${Named}` }),
        Over: logGroup({ 'Fn::Sub': `${'l'.repeat(453)}\${Named}` }),
        FromQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Join': ['-', [{ Ref: 'Queue' }, 'dlq']] } } },
      },
    });
    const LOGS = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html';
    expect(checkAssembly(dir)).toEqual([
      named('Over', `AWS::Logs::LogGroup LogGroupName '${'l'.repeat(453)}${'f'.repeat(60)}' is 513 characters; CloudWatch Logs allows 1 to 512 characters (${LOGS})`),
      named('FromQueue', 'AWS::SQS::Queue QueueName is derived from a value unknown at synth (Ref Queue), so its length cannot be checked: ' +
        'the known part is 4 characters and SQS allows 1 to 80 characters (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html)'),
    ]);
  });

  test('an SSM parameter name counts the ARN before it: 967 characters fit in eu-west-1, 968 do not', () => {
    // arn:aws:ssm:eu-west-1:111111111111:parameter is 44 characters; 44 + 967 = 1011.
    const name = (n: number) => `/${'p'.repeat(n - 1)}`;
    const dir = oneStack({ Resources: { Fits: parameter(name(967)), Over: parameter(name(968)) } });
    expect(checkAssembly(dir)).toEqual([
      named('Over', `AWS::SSM::Parameter Name '${name(968)}' is 968 characters; SSM Parameter Store allows 1011 characters including the 44 of the ARN before the name (${SSM})`),
    ]);
  });

  test('without an explicit Region, the longest Region and partition count', () => {
    // arn:aws-us-gov:ssm:<14 characters>:<12 digits>:parameter is 56 characters.
    const dir = oneStack({ Resources: { Over: parameter(`/${'p'.repeat(955)}`) } }, { environment: 'aws://unknown-account/unknown-region' });
    expect(checkAssembly(dir)).toEqual([
      named('Over', `AWS::SSM::Parameter Name '/${'p'.repeat(955)}' is 956 characters; SSM Parameter Store allows 1011 characters including the 56 of the ARN before the name (${SSM})`),
    ]);
  });
});

describe('names unique in the account and Region', () => {
  test('two templates of one environment that set the same SSM parameter name are reported', () => {
    const same = '/cdk-container-platform/smoke-test/Platform-Orders';
    const dir = writeAssembly({ Stack: { template: { Resources: { A: parameter(same), Child: nestedStack(CHILD) } } } }, {
      [CHILD]: { Resources: { B: parameter(same), C: parameter(`${same}2`) } },
    });
    expect(checkAssembly(dir)).toEqual([{
      file: CHILD, logicalId: 'B', check: 'duplicate-name',
      message: `AWS::SSM::Parameter Name '${same}' is also set by A in ${FILE}; SSM Parameter Store names must be unique in the account and Region`,
    }]);
  });

  test('the same name in another Region, or a name unique only inside its parent (an ECS service), is not a duplicate', () => {
    const service = { Type: 'AWS::ECS::Service', Properties: { ServiceName: 'orders' } };
    const dir = writeAssembly({
      Ireland: { template: { Resources: { A: parameter('/p'), S1: service, S2: service } } },
      Frankfurt: { template: { Resources: { A: parameter('/p') } }, environment: 'aws://111111111111/eu-central-1' },
    });
    expect(checkAssembly(dir)).toEqual([]);
  });
});
