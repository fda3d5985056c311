/**
 * The smaller services of the model: SSM parameters, CodeCommit repositories, Application
 * Auto Scaling targets, Lambda functions, Step Functions state machines and EventBridge
 * Scheduler schedules.
 */
import { awsError } from './aws';

/** @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html */
export class Ssm {
  public readonly parameters = new Map<string, { value: string; version: number }>();

  public put(name: string, value: string, overwrite: boolean): number {
    const p = this.parameters.get(name);
    if (p && !overwrite) throw awsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    const version = (p?.version ?? 0) + 1;
    this.parameters.set(name, { value, version });
    return version;
  }

  public get(name: string): string {
    const p = this.parameters.get(name);
    if (!p) throw awsError('ParameterNotFound', `Parameter ${name} not found.`);
    return p.value;
  }

  public delete(name: string): void {
    this.parameters.delete(name);
  }
}

/**
 * CodeCommit: a repository name is unique in the account and region, so a retained
 * repository blocks the creation of another with its name.
 * @see https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateRepository.html
 */
export class CodeCommit {
  /** Repositories by name, with the commit each branch points at. */
  public readonly repositories = new Map<string, { name: string; arn: string; commits: Map<string, string> }>();

  public create(name: string, arn: string): void {
    if (this.repositories.has(name)) throw awsError('RepositoryNameExistsException', `Repository named ${name} already exists`);
    this.repositories.set(name, { name, arn, commits: new Map() });
  }

  public delete(name: string): void {
    this.repositories.delete(name);
  }
}

/**
 * Application Auto Scaling: registering a scalable target whose resource is active moves its
 * current capacity into the new range.
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 */
export class AutoScaling {
  public readonly targets = new Map<string, { min: number; max: number }>();
}

export interface LambdaFunction {
  readonly name: string;
  readonly arn: string;
  /** The platform handler this function's code is, if the model knows it. */
  readonly handler?: string;
  /** The function of the handler's module that Lambda calls (the part of `Handler` after the dot). */
  readonly entry?: string;
  readonly environment: Record<string, string>;
  /** The execution role's ARN (none for the model's own hand-written test functions). */
  readonly role?: string;
  /** The log group the function writes to (LoggingConfig.LogGroup, else /aws/lambda/<name>). */
  readonly logGroup?: string;
}

export class Lambdas {
  public readonly functions = new Map<string, LambdaFunction>();

  public byArn(functionArn: string): LambdaFunction | undefined {
    return this.functions.get(functionArn) ?? [...this.functions.values()].find((f) => f.name === functionArn);
  }
}

/** Step Functions state machines (the provider framework's waiter): their role and definition. */
export class StateMachines {
  public readonly machines = new Map<string, { arn: string; roleArn: string; definition: Record<string, any> }>();
}

/** EventBridge Scheduler: what each schedule starts, and as which role. */
export class Scheduler {
  public readonly schedules = new Map<string, { arn: string; taskDefinitionArn: string; cluster: string; roleArn: string; ecs: Record<string, any> }>();
}
