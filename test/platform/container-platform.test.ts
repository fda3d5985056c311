import { Match } from 'aws-cdk-lib/assertions';
import { newPlatform, templateOf } from '../util';

describe('ContainerPlatform defaults', () => {
  test('creates a load balancer with a production listener on HTTP 80 that answers 404 by default', () => {
    // GIVEN / WHEN
    const { stack } = newPlatform();
    // THEN
    templateOf(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) })],
    });
  });
});
