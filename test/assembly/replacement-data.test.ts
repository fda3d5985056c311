import * as fs from 'node:fs';
import { REPLACEMENT_DATA_SOURCE, REPLACING_PROPERTIES } from '../../lib/assembly/replacement-data';
import { DATA_FILE, replacementDataSource } from '../../scripts/replacement-data';

test('lib/assembly/replacement-data.ts is what scripts/replacement-data.ts writes from the pinned @aws-cdk/aws-service-spec', () => {
  // GIVEN the installed package, the version package.json pins
  const pinned = JSON.parse(fs.readFileSync(require.resolve('../../package.json'), 'utf8')).devDependencies['@aws-cdk/aws-service-spec'];
  // THEN the committed data is the package's, and names its version
  expect(REPLACEMENT_DATA_SOURCE).toBe(`@aws-cdk/aws-service-spec ${pinned}`);
  expect(fs.readFileSync(DATA_FILE, 'utf8')).toBe(replacementDataSource());
});

test('what replaces a resource, by the database: an ECR repository\'s encryption, a task definition\'s containers, not a listener rule\'s conditions', () => {
  expect(REPLACING_PROPERTIES['AWS::ECR::Repository'].EncryptionConfiguration).toBe('yes');
  expect(REPLACING_PROPERTIES['AWS::ECS::TaskDefinition'].ContainerDefinitions).toBe('yes');
  expect(REPLACING_PROPERTIES['AWS::ElasticLoadBalancingV2::ListenerRule'].Conditions).toBeUndefined();
});
