import { oneStack, topic } from './fixtures';
import { checkAssembly } from './template-integrity';

const FILE = 'Stack.template.json';
const reference = (logicalId: string, message: string) => ({ file: FILE, logicalId, check: 'reference', message });

describe('references reach only their own template', () => {
  test('a Ref to a resource, a parameter or a pseudo parameter of the template passes', () => {
    // GIVEN
    const dir = oneStack({
      Parameters: { Name: { Type: 'String' } },
      Resources: {
        Topic: topic({ DisplayName: { Ref: 'Name' } }),
        Other: topic({ DisplayName: { 'Fn::Join': ['-', [{ Ref: 'Topic' }, { Ref: 'AWS::Region' }, { Ref: 'AWS::NoValue' }]] } }),
      },
    });
    // THEN
    expect(checkAssembly(dir)).toEqual([]);
  });

  test('a Ref to a logical ID of another template is reported with where it is', () => {
    const dir = oneStack({ Resources: { Topic: topic({ DisplayName: { 'Fn::Join': ['', [{ Ref: 'PlatformCluster1234' }]] } }) } });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Ref to 'PlatformCluster1234', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName.Fn::Join.1.0)"),
    ]);
  });

  test('a Ref to an unknown pseudo parameter is reported', () => {
    const dir = oneStack({ Resources: { Topic: topic({ DisplayName: { Ref: 'AWS::Account' } }) } });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Ref to 'AWS::Account', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName)"),
    ]);
  });

  test('Fn::GetAtt in list form names a resource', () => {
    const dir = oneStack({ Resources: { Topic: topic({ DisplayName: { 'Fn::GetAtt': ['Key', 'Arn'] } }) } });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Fn::GetAtt of 'Key.Arn': 'Key' is not a resource of this template (at Properties.DisplayName)"),
    ]);
  });

  test("Fn::GetAtt in 'A.B' string form names a resource, and a parameter is not one", () => {
    const dir = oneStack({
      Parameters: { Key: { Type: 'String' } },
      Resources: { Topic: topic({ DisplayName: { 'Fn::GetAtt': 'Key.Arn' } }), Ok: topic({ DisplayName: { 'Fn::GetAtt': 'Topic.TopicName' } }) },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Fn::GetAtt of 'Key.Arn': 'Key' is not a resource of this template (at Properties.DisplayName)"),
    ]);
  });

  test('Fn::Sub in string form: ${X} and ${X.Attr} are references, ${!X} is a literal', () => {
    const dir = oneStack({
      Resources: {
        Topic: topic({ DisplayName: { 'Fn::Sub': '${Missing}-${Gone.Arn}-${!Literal}-${AWS::StackName}-${Topic.TopicName}' } }),
      },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Fn::Sub names '${Missing}', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName)"),
      reference('Topic', "Fn::Sub names '${Gone.Arn}': 'Gone' is not a resource of this template (at Properties.DisplayName)"),
    ]);
  });

  test('Fn::Sub in [string, variables] form: variables are local names, and their values are checked', () => {
    const dir = oneStack({
      Resources: {
        Topic: topic({ DisplayName: { 'Fn::Sub': ['${Local}-${Absent}', { Local: { Ref: 'Elsewhere' } }] } }),
      },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('Topic', "Ref to 'Elsewhere', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName.Fn::Sub.1.Local)"),
      reference('Topic', "Fn::Sub names '${Absent}', which is not a resource, parameter or pseudo parameter of this template (at Properties.DisplayName)"),
    ]);
  });

  test('DependsOn, as a string or a list, names resources of the template', () => {
    const dir = oneStack({
      Parameters: { Param: { Type: 'String' } },
      Resources: { A: topic({}, { DependsOn: 'Gone' }), B: topic({}, { DependsOn: ['A', 'Param'] }) },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('A', "DependsOn 'Gone', which is not a resource of this template"),
      reference('B', "DependsOn 'Param', which is not a resource of this template"),
    ]);
  });

  test('Condition of a resource or an output, Fn::If, and the Condition function name conditions', () => {
    const dir = oneStack({
      Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] }, Both: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'IsTest' }] } },
      Resources: {
        A: topic({ DisplayName: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] } }, { Condition: 'IsStaging' }),
        B: topic({ DisplayName: { 'Fn::If': ['IsProd', 'x', 'y'] } }, { Condition: 'Both' }),
      },
      Outputs: { Out: { Value: 'v', Condition: 'Nope' } },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('A', "Condition 'IsStaging' is not a condition of this template"),
      reference('A', "Fn::If on condition 'IsDev', which is not a condition of this template (at Properties.DisplayName)"),
      reference('Out', "Condition 'Nope' is not a condition of this template"),
      reference('Both', "Condition 'IsTest' is not a condition of this template (at Fn::And.1)"),
    ]);
  });

  test('Fn::FindInMap names a mapping, and references inside outputs and rules are checked', () => {
    const dir = oneStack({
      Mappings: { Sizes: { a: { b: 'c' } } },
      Resources: { A: topic({ DisplayName: { 'Fn::FindInMap': ['Colors', 'a', 'b'] }, Other: { 'Fn::FindInMap': ['Sizes', 'a', 'b'] } }) },
      Outputs: { Out: { Value: { 'Fn::GetAtt': ['Nothing', 'Arn'] } } },
      Rules: { Check: { Assertions: [{ Assert: { 'Fn::Contains': [['1'], { Ref: 'Version' }] } }] } },
    });
    expect(checkAssembly(dir)).toEqual([
      reference('A', "Fn::FindInMap of mapping 'Colors', which is not a mapping of this template (at Properties.DisplayName)"),
      reference('Out', "Fn::GetAtt of 'Nothing.Arn': 'Nothing' is not a resource of this template (at Value)"),
      reference('Check', "Ref to 'Version', which is not a resource, parameter or pseudo parameter of this template (at Assertions.0.Assert.Fn::Contains.1)"),
    ]);
  });

  test('an IAM condition block named Condition is data, not the Condition function', () => {
    const dir = oneStack({
      Resources: { A: topic({ Policy: { Statement: [{ Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '1' } } }], X: { Condition: 'NotAName' } } }) },
    });
    expect(checkAssembly(dir)).toEqual([]);
  });
});
