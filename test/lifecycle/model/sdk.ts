/**
 * Routes the AWS SDK v3 clients the platform's handlers use to the model: `send` of each
 * client class dispatches by the command's class name; nothing reaches the network.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SSMClient } from '@aws-sdk/client-ssm';

/** Answers one API call: the service, the operation (the command's name without `Command`), its input. */
export type Api = (service: string, operation: string, input: Record<string, any>) => Promise<unknown>;

const CLIENTS: Array<[string, { prototype: { send: unknown } }]> = [
  ['ECS', ECSClient], ['CodeDeploy', CodeDeployClient], ['SSM', SSMClient], ['EC2', EC2Client],
  ['ElasticLoadBalancingV2', ElasticLoadBalancingV2Client], ['CloudFormation', CloudFormationClient],
];

/** Patches the clients; returns the function that restores them. */
export function routeSdkTo(api: Api): () => void {
  const saved = CLIENTS.map(([, c]) => [c, Object.getOwnPropertyDescriptor(c.prototype, 'send')] as const);
  for (const [service, client] of CLIENTS) {
    Object.defineProperty(client.prototype, 'send', {
      configurable: true,
      writable: true,
      value: async function send(command: { constructor: { name: string }; input: Record<string, any> }) {
        return api(service, command.constructor.name.replace(/Command$/, ''), command.input ?? {});
      },
    });
  }
  return () => {
    for (const [client, descriptor] of saved) {
      if (descriptor) Object.defineProperty(client.prototype, 'send', descriptor);
      else delete (client.prototype as { send?: unknown }).send;
    }
  };
}
