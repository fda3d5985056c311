import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CONTAINER_NAME } from '../core/constants';
import type { Microservice, MicroserviceProps } from './microservice';
import { DeploymentKind } from '../deployment/deployment';
import { circuitBreakerFor, ecsBlueGreenServiceProps } from '../deployment/ecs-blue-green';

/**
 * The Fargate service of a rolling or ECS-native blue/green microservice (the ECS deployment
 * controller; the circuit breaker with rollback where AWS documents it: rolling and blue/green,
 * not canary or linear), attached to its target groups and, when asked, to the platform's
 * Service Connect namespace. The microservice hands it to the platform's provider
 * (ownByPlatform) once its hooks are added.
 */
export function ecsControllerService(svc: Microservice, props: MicroserviceProps, desiredCount: number, gracePeriod: Duration): ecs.FargateService {
  const platform = svc.platform;
  const ecsBlueGreen = svc.deployment.kind === DeploymentKind.ECS_BLUE_GREEN;
  const service = new ecs.FargateService(svc, 'Service', {
    cluster: platform.cluster,
    serviceName: svc.serviceName,
    taskDefinition: svc.taskDefinition,
    desiredCount,
    vpcSubnets: platform.serviceSubnets,
    securityGroups: [svc.securityGroup],
    assignPublicIp: false,
    capacityProviderStrategies: svc.capacityStrategies,
    healthCheckGracePeriod: gracePeriod,
    deploymentController: { type: ecs.DeploymentControllerType.ECS },
    circuitBreaker: circuitBreakerFor(undefined),
    ...(ecsBlueGreen ? ecsBlueGreenServiceProps(svc.deployment.blueGreenOptions ?? {}) : {}),
    minHealthyPercent: svc.deployment.minHealthyPercent,
    maxHealthyPercent: svc.deployment.maxHealthyPercent,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
  });
  if (ecsBlueGreen && svc.greenTargetGroup && svc.testRule) {
    svc.targetGroup.addTarget(service.loadBalancerTarget({
      containerName: CONTAINER_NAME,
      containerPort: svc.containerPort,
      alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
        alternateTargetGroup: svc.greenTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(svc.productionRule),
        testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(svc.testRule),
      }),
    }));
  } else {
    svc.targetGroup.addTarget(service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort: svc.containerPort }));
  }
  if (props.serviceConnect) {
    platform._serviceConnectNamespace();
    const name = svc.node.id.toLowerCase();
    service.enableServiceConnect({ services: [{ portMappingName: CONTAINER_NAME, dnsName: name, discoveryName: name, port: svc.containerPort }] });
  }
  return service;
}
