import { ArnFormat, Duration, IResolvable, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { PlatformContext, PlatformSingleton } from '../../foundation/platform-context';
import type { IContainerPlatform } from '../../foundation/platform-contract';
import { platformLogGroup, platformRolesArn } from '../../foundation/platform-resources';
import { handlerAsset } from '../../private/assets';
import { acknowledgeAll } from '../../private/compliance';
import { acknowledgeFunction, functionRole } from '../../private/function-role';
import { NAME_LIMITS } from '../../private/name-limits';
import { platformApplication } from '../codedeploy/codedeploy-application';
import { BLUE_GREEN_LIMITS } from './limits';

/**
 * The platform's provider of service resources as the services use it: its service token, and
 * the permissions a service adds for itself. A platform's own provider ({@link ServiceProvider}),
 * or the provider a platform imported by name references, which the publishing platform has
 * already granted what its importers need.
 */
export interface PlatformServiceProvider extends IConstruct {
  /** The token of the resources this provider serves. */
  readonly serviceToken: string;
  /** Lets the provider read the tags of the stacks under `stack`'s root stack. */
  allowStackTags(stack: Stack): void;
  /** Lets the provider manage a service and register revisions of its family (nothing when they are the platform's). */
  allowService(serviceName: string, family: string): void;
  /** Lets the provider deploy through the platform's CodeDeploy deployment groups. */
  allowCodeDeploy(): void;
}

/** Properties of {@link ServiceProvider}. */
export interface ServiceProviderProps {
  readonly platform: IContainerPlatform;
}

/**
 * The one provider per platform behind its service resources (`Custom::BlueGreenService` for
 * CodeDeploy services, `Custom::EcsService` for rolling and ECS-native blue/green services and
 * workers): the onEvent and isComplete functions (handler/, bundled into assets/provider), and aws-cdk-lib's provider
 * framework, whose waiter calls isComplete every 15 seconds for up to 55 minutes (CloudFormation
 * waits at most an hour for a custom resource). Each function may do exactly its part, on this
 * platform's cluster and CodeDeploy application only.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.custom_resources-readme.html#provider-framework
 */
export class ServiceProvider extends Construct implements PlatformServiceProvider {
  /** The token of the resources this provider serves. */
  public readonly serviceToken: string;
  public readonly onEventFunction: lambda.Function;
  public readonly isCompleteFunction: lambda.Function;
  public readonly provider: cr.Provider;
  private codeDeployAllowed = false;
  private readonly platform: IContainerPlatform;
  private readonly stackTagRoots = new Set<string>();
  private stackTagsStatement?: iam.PolicyStatement;
  /** Where the functions may create, update and delete services: the platform's names, and any other service bound to it. */
  private readonly servicesStatements: iam.PolicyStatement[] = [];
  /** Where they may register task definitions: the platform's families, and any other bound to it. */
  private readonly familiesStatements: iam.PolicyStatement[] = [];
  private readonly servicePrefix: string;
  private readonly familyPrefix: string;

  constructor(scope: Construct, id: string, props: ServiceProviderProps) {
    super(scope, id);
    const platform = props.platform;
    this.platform = platform;
    const logGroup = platformLogGroup(platform, this, 'Logs');
    const newFunction = (name: string, handler: string, description: string) => new lambda.Function(this, name, {
      role: functionRole(this, `${name}Role`, logGroup, false),
      description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: `index.${handler}`,
      code: lambda.Code.fromAsset(handlerAsset('provider')),
      timeout: Duration.seconds(BLUE_GREEN_LIMITS.handlerTimeoutSeconds),
      memorySize: 256,
      logGroup,
    });
    this.onEventFunction = newFunction('OnEventFunction', 'onEvent',
      'cdk-container-platform: creates, updates and deletes the ECS services of the platform');
    this.isCompleteFunction = newFunction('IsCompleteFunction', 'isComplete',
      'cdk-container-platform: waits for the deployments of the platform\'s services and reports their result');

    // Service-level actions support the service ARN (service/<cluster>/<name>); the tags go on
    // at creation, which needs ecs:TagResource as well. Only the platform's services: their names
    // start with the platform's name (platformScopedName, which keeps a long name's start), so one
    // pattern covers all of them and does not grow with services; a service bound to this provider
    // under another name is added by name (allowService).
    // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/supported-iam-actions-tagging.html
    this.servicePrefix = Token.isUnresolved(platform.platformName)
      ? `${platform.platformName}-` : `${platform.platformName}-`.slice(0, NAME_LIMITS.workloadName.max - 9);
    // A task definition's family is aws-cdk-lib's unique ID of its construct (Names.uniqueId),
    // which starts with the platform's path for the workloads the platform adds; RegisterTaskDefinition
    // takes the task-definition resource (task-definition/<family>:<revision>) in the Service
    // Authorization Reference, DescribeTaskDefinition no resource type (only "*" allows it).
    // A published platform's provider also serves the workloads of the apps that import it, whose
    // families are their apps' (unknown here): any family then (a revision can only carry roles the
    // provider may pass, the platform's).
    this.familyPrefix = PlatformContext.of(platform).published ? '' : familyPrefixOf(platform);
    const services = this.serviceArn(`${this.servicePrefix}*`);
    const serviceActions = ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:DescribeServices', 'ecs:TagResource', 'ecs:UntagResource'];
    const families = this.familyArn(`${this.familyPrefix}*`);
    for (const [fn, actions] of [[this.onEventFunction, serviceActions], [this.isCompleteFunction, ['ecs:DescribeServices']]] as const) {
      const statement = new iam.PolicyStatement({ actions: [...actions], resources: [services] });
      fn.addToRolePolicy(statement);
      this.servicesStatements.push(statement);
      // An ECS-controller service's update (onEvent) and a deployment (isComplete) register a
      // revision with production's image (each passes the task's roles: see below).
      const register = new iam.PolicyStatement({ actions: ['ecs:RegisterTaskDefinition'], resources: [families] });
      fn.addToRolePolicy(register);
      this.familiesStatements.push(register);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    }
    // Passing roles to ECS, for every service of the platform at once: a service's own roles
    // (the load balancer role of ECS-native blue/green and the lifecycle hooks' roles, to ECS)
    // when it is created or updated, and its task's roles (to ECS tasks) when a revision with
    // production's image is registered. All of them sit under the platform's role path. One
    // statement, not one per service: IAM counts all inline policies of a role together
    // against 10,240 characters.
    // @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
    // @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
    // @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-permissions.html
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [platformRolesArn(platform)],
        conditions: { StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com'] } },
      }));
    }

    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: Duration.seconds(BLUE_GREEN_LIMITS.queryIntervalSeconds),
      totalTimeout: Duration.minutes(BLUE_GREEN_LIMITS.waitMinutes),
      logGroup,
      frameworkOnEventRole: functionRole(this, 'FrameworkOnEventRole', logGroup, false),
      frameworkCompleteAndTimeoutRole: functionRole(this, 'FrameworkCompleteRole', logGroup, false),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: platformLogGroup(platform, this, 'WaiterLogs'), level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.serviceToken = this.provider.serviceToken;

    for (const fn of this.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function)) {
      acknowledgeFunction(fn);
      acknowledgeAll(fn, ['NIST.800.53.R5-LambdaInsideVPC', 'lambda_inside_vpc_check'],
        'It calls only the ECS, CodeDeploy, Lambda and Step Functions APIs; outside a VPC it needs no NAT gateway or endpoints.');
    }
    // The waiter traces with X-Ray (Control Tower CT.STEPFUNCTIONS.PR.2, cdk-nag AwsSolutions-SF2);
    // Step Functions sends the traces with the state machine's role.
    // @see https://docs.aws.amazon.com/controltower/latest/controlreference/step-functions-rules.html#ct-stepfunctions-pr-2-description
    // @see https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
    const stateMachine = this.provider.node.findAll().find((c): c is sfn.CfnStateMachine => c instanceof sfn.CfnStateMachine);
    if (stateMachine) {
      stateMachine.tracingConfiguration = { enabled: true };
      const role = stateMachine.node.scope?.node.tryFindChild('Role');
      if (role instanceof iam.Role) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({
          // X-Ray's actions support no resource-level permissions.
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }));
      }
    }
  }

  /**
   * Lets onEvent read the tags of the stacks under `stack`'s root stack (the root and its nested
   * stacks, which CloudFormation names `<root>-<logical id>-<suffix>`), in one statement for all
   * of them: a service carries its stack's tags, which the handler reads at deploy time.
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html (DescribeStacks: stack)
   */
  public allowStackTags(stack: Stack): void {
    const root = rootStackOf(stack);
    if (this.stackTagRoots.has(root.stackName)) return;
    this.stackTagRoots.add(root.stackName);
    if (!this.stackTagsStatement) {
      this.stackTagsStatement = new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'] });
      this.onEventFunction.addToRolePolicy(this.stackTagsStatement);
    }
    const arn = (name: string) => Stack.of(this).formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${name}/*` });
    this.stackTagsStatement.addResources(arn(root.stackName), arn(`${root.stackName}-*`));
  }

  /**
   * Lets both functions manage a service bound to this provider and register revisions of its
   * task definition: nothing more when its name and family are the platform's (the prefixes
   * above), else that service and that family by name.
   */
  public allowService(serviceName: string, family: string): void {
    if (Token.isUnresolved(serviceName) || !serviceName.startsWith(this.servicePrefix)) {
      for (const statement of this.servicesStatements) statement.addResources(this.serviceArn(serviceName));
    }
    if (Token.isUnresolved(family) || !family.startsWith(this.familyPrefix)) {
      for (const statement of this.familiesStatements) statement.addResources(this.familyArn(`${family}:*`));
    }
  }

  private serviceArn(name: string): string {
    return Stack.of(this).formatArn({ service: 'ecs', resource: 'service', resourceName: `${this.platform.cluster.clusterName}/${name}` });
  }

  private familyArn(nameAndRevision: string): string {
    return Stack.of(this).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: nameAndRevision });
  }

  /**
   * Lets isComplete deploy through the platform's CodeDeploy deployment groups: called by the
   * first CodeDeploy blue/green service (a platform without one has no CodeDeploy application).
   */
  public allowCodeDeploy(): void {
    if (this.codeDeployAllowed) return;
    this.codeDeployAllowed = true;
    const platform = this.platform;
    const stack = Stack.of(platform);
    // The deployment groups of the platform's services (named <platform name>-<service id>) on the
    // platform's application, once for all of them: a statement per service would outgrow the
    // 10 KB of a role's inline policies.
    // @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
    const application = platformApplication(platform);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'codedeploy', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.isCompleteFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codedeploy:CreateDeployment', 'codedeploy:BatchGetDeployments', 'codedeploy:ListDeployments'],
      resources: [arn('deploymentgroup', `${application.applicationName}/${platform.platformName}-*`)],
    }));
    // StopDeployment supports no resource-level permission (the Service Authorization Reference
    // lists no resource type; an AWS engineer confirmed CodeDeploy's permissions reference wrong
    // about it, awsdocs/aws-codedeploy-user-guide#18): only "*" allows it. The handler stops only
    // the platform's own deployments (DEPLOYMENT_MARKER in their description).
    this.isCompleteFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['codedeploy:StopDeployment'], resources: ['*'] }));
    this.isCompleteFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codedeploy:GetDeploymentConfig'],
      resources: [arn('deploymentconfig', '*')],
    }));
    this.isCompleteFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision'],
      resources: [application.applicationArn],
    }));
  }

  /**
   * What the workloads of platforms that import this one by name need of the provider, which the
   * platform cannot name one by one at synth: their services are named after the platform
   * (`<platformName>-<id>`, covered by the services' statements already), their roles sit under
   * the platform's role path (passed already) and their families are covered (a published
   * platform's provider registers revisions of any family); their stacks are the importing apps',
   * so onEvent may read the tags of any stack of the account and Region (DescribeStacks, read-only).
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudformation.html (DescribeStacks: stack)
   */
  public allowImporters(): void {
    this.onEventFunction.addToRolePolicy(new iam.PolicyStatement({
      actions: ['cloudformation:DescribeStacks'],
      resources: [Stack.of(this).formatArn({ service: 'cloudformation', resource: 'stack', resourceName: '*' })],
    }));
  }
}

/**
 * The provider of a platform imported by name: its service token, published by the platform,
 * which has granted at publication what importers need (passing the roles under its IAM path,
 * their families and stacks, deploying through its CodeDeploy application); nothing is added here.
 */
class ImportedServiceProvider extends Construct implements PlatformServiceProvider {
  constructor(scope: Construct, id: string, public readonly serviceToken: string) {
    super(scope, id);
  }

  public allowStackTags(): void {
    // The publishing platform lets its provider read the tags of its importers' stacks.
  }

  public allowService(): void {
    // The publishing platform lets its provider manage its importers' services and families.
  }

  public allowCodeDeploy(): void {
    // The publishing platform granted it at publication.
  }
}

/**
 * The start of every family aws-cdk-lib gives a task definition under `platform`: the human part of
 * Names.uniqueId for the platform's path (its IDs without "Default", each without what is not a
 * letter or digit, an ID dropped where the previous one ends with it, "Resource" left out), at
 * most the 240 characters that part keeps.
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.Names.html#static-uniquewbridconstruct
 */
function familyPrefixOf(platform: IContainerPlatform): string {
  const ids = platform.node.scopes.slice(1).map((c) => c.node.id).filter((id) => id !== 'Default');
  const kept: string[] = [];
  for (const id of ids) if (kept.length === 0 || !kept[kept.length - 1].endsWith(id)) kept.push(id);
  const prefix = kept.filter((id) => id !== 'Resource').map((id) => id.replace(/[^A-Za-z0-9]/g, '')).join('').slice(0, 240);
  // Checked against aws-cdk-lib's own answer for a construct under the platform.
  const probe = Names.uniqueId(platform);
  return probe.startsWith(prefix) ? prefix : '';
}

/** The top-level stack a stack is nested in (itself when it is one). */
function rootStackOf(stack: Stack): Stack {
  let s = stack;
  while (s.nestedStackParent) s = s.nestedStackParent;
  return s;
}

/**
 * The stack-level tags the app gives `scope`'s root stack (its `tags`, and tags applied to the
 * stack with `Tags.of`), as a property of a service resource: a change of them updates the
 * resource, whose handler then applies the stack's tags as DescribeStacks answers them (those of
 * `cdk deploy --tags` included, which exist only at deploy time).
 */
export function stackTagsProperty(scope: Construct): IResolvable {
  return Lazy.any({ produce: () => rootStackOf(Stack.of(scope)).tags.renderTags() }, { omitEmptyArray: true });
}

/** The platform's one provider of service resources. */
const PROVIDER = new PlatformSingleton(['ServiceProvider'], (platform) => new ServiceProvider(platform, 'ServiceProvider', { platform }));
/** The reference to the provider of the platform a platform imports by name. */
const IMPORTED_PROVIDER = new PlatformSingleton(['ServiceProvider'],
  (platform) => new ImportedServiceProvider(platform, 'ServiceProvider', PlatformContext.of(platform).imported!.serviceToken));

/** The provider of the platform's service resources (Custom::BlueGreenService, Custom::EcsService), created with the first. */
export function serviceProvider(platform: IContainerPlatform): PlatformServiceProvider {
  const context = PlatformContext.of(platform);
  return context.imported ? context.singleton(IMPORTED_PROVIDER) : context.singleton(PROVIDER);
}

/** The platform's own provider, made now if it does not exist yet (a published platform's). */
export function ownServiceProvider(platform: IContainerPlatform): ServiceProvider {
  return PlatformContext.of(platform).singleton(PROVIDER);
}
