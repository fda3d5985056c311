/** A CloudFormation template as JSON. */
export interface Template {
  Description?: string;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, { Value?: unknown; Condition?: string }>;
  Rules?: Record<string, unknown>;
  [section: string]: unknown;
}

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  [attribute: string]: unknown;
}

/** What a check knows about the stack a template belongs to. */
export interface TemplateContext {
  /** The template file, relative to the assembly directory. */
  readonly file: string;
  /** Whether the template is a nested stack's (its stack name is then unknown at synth). */
  readonly nested: boolean;
  /** The stack's name, for a top-level stack. */
  readonly stackName?: string;
  /** The stack's account and Region, when explicit. */
  readonly account?: string;
  readonly region?: string;
}

/** One thing CloudFormation (or the service behind a resource) would refuse. */
export interface TemplateProblem {
  /** The template file, relative to the assembly directory. */
  readonly file: string;
  /** The resource, parameter, output or condition concerned, if any. */
  readonly logicalId?: string;
  /** The check that found it: reference, nested-stack, quota, logical-id, physical-name, duplicate-name, assembly. */
  readonly check: string;
  readonly message: string;
}
