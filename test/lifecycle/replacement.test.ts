import { createOnlyPaths, valueAt } from './model/replacement';

/** The model's replacement data: which property changes replace a resource (@aws-cdk/aws-service-spec). */

test('GIVEN the resource types the platform emits WHEN their replacing properties are read THEN they are the documented ones', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
  // ("Update requires: Replacement" on ContainerDefinitions, Cpu, Memory, Family, ...)
  const taskDefinition = createOnlyPaths('AWS::ECS::TaskDefinition').map((p) => p.join('.'));
  expect(taskDefinition).toEqual(expect.arrayContaining(['ContainerDefinitions', 'Cpu', 'Memory', 'Family', 'ExecutionRoleArn', 'TaskRoleArn']));
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html
  expect(createOnlyPaths('AWS::ECS::Service').map((p) => p.join('.'))).toEqual(expect.arrayContaining(['ServiceName', 'Cluster', 'LaunchType', 'Role']));
  expect(createOnlyPaths('AWS::ECS::Service').map((p) => p.join('.'))).not.toContain('DesiredCount');
  // A create-only property inside a property type, read through a list: an instance's EBS key.
  expect(createOnlyPaths('AWS::EC2::Instance')).toContainEqual(['BlockDeviceMappings', 'Ebs', 'KmsKeyId']);
  expect(createOnlyPaths('AWS::CloudWatch::Alarm')).toEqual([['AlarmName']]);
});

test('GIVEN a custom resource or CDK metadata WHEN read THEN nothing replaces it; an unknown type fails loudly', () => {
  expect(createOnlyPaths('Custom::BlueGreenService')).toEqual([]);
  expect(createOnlyPaths('AWS::CDK::Metadata')).toEqual([]);
  expect(() => createOnlyPaths('AWS::Nope::Thing')).toThrow('@aws-cdk/aws-service-spec has no resource type AWS::Nope::Thing');
});

test('GIVEN a path through a list WHEN read THEN each element is read', () => {
  expect(valueAt({ A: [{ B: 1 }, { B: 2 }] }, ['A', 'B'])).toEqual([1, 2]);
  expect(valueAt({ A: { B: 1 } }, ['A', 'C'])).toBeUndefined();
  expect(valueAt('x', ['A'])).toBeUndefined();
});
