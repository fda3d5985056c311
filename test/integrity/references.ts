import { Template, TemplateProblem } from './types';

/**
 * The pseudo parameters every template may Ref.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition',
  'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);

type Report = (logicalId: string, message: string) => void;

/**
 * Checks that every reference of a template names something of that template, as
 * CloudFormation does before it creates anything ("Unresolved resource dependencies",
 * "Template format error: Unresolved dependencies"): a Ref names a resource, a parameter or a
 * pseudo parameter; Fn::GetAtt (list or 'A.B' form) and `${A.B}` in Fn::Sub name a resource;
 * `${X}` in Fn::Sub names a variable of its map, a resource, a parameter or a pseudo parameter
 * (`${!X}` is a literal); DependsOn names resources; Condition, Fn::If and the Condition
 * function name conditions; Fn::FindInMap names a mapping. A template reaches nothing outside
 * itself: a nested stack gets its parent's values only through its parameters.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
 */
export function checkReferences(template: Template, file: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const report: Report = (logicalId, message) => problems.push({ file, logicalId, check: 'reference', message });
  const resources = template.Resources ?? {};
  const names = {
    resources: new Set(Object.keys(resources)),
    parameters: new Set(Object.keys(template.Parameters ?? {})),
    conditions: new Set(Object.keys(template.Conditions ?? {})),
    mappings: new Set(Object.keys(template.Mappings ?? {})),
  };
  const walker = new Walker(names, report);

  for (const [id, resource] of Object.entries(resources)) {
    const { DependsOn: dependsOn, Condition: condition, Type: _type, ...rest } = resource;
    for (const dep of dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn]) {
      if (!names.resources.has(dep)) report(id, `DependsOn '${dep}', which is not a resource of this template`);
    }
    if (condition !== undefined && !names.conditions.has(condition)) report(id, `Condition '${condition}' is not a condition of this template`);
    walker.walk(rest, id, '', false);
  }
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    const { Condition: condition, ...rest } = output;
    if (condition !== undefined && !names.conditions.has(condition)) report(id, `Condition '${condition}' is not a condition of this template`);
    walker.walk(rest, id, '', false);
  }
  for (const [id, condition] of Object.entries(template.Conditions ?? {})) walker.walk(condition, id, '', true);
  for (const [id, rule] of Object.entries(template.Rules ?? {})) walker.walk(rule, id, '', false);
  return problems;
}

interface Names {
  readonly resources: Set<string>;
  readonly parameters: Set<string>;
  readonly conditions: Set<string>;
  readonly mappings: Set<string>;
}

class Walker {
  constructor(private readonly names: Names, private readonly report: Report) {}

  /** Visits every intrinsic function in `value`; `inConditions` makes `{ Condition: X }` a function. */
  public walk(value: unknown, id: string, path: string, inConditions: boolean): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(v, id, `${path}.${i}`, inConditions));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, args] = entries[0];
      const at = path ? ` (at ${path.slice(1)})` : '';
      if (fn === 'Ref') return this.ref(args, id, at);
      if (fn === 'Fn::GetAtt') return this.getAtt(args, id, at, path, inConditions);
      if (fn === 'Fn::Sub') return this.sub(args, id, at, path, inConditions);
      if (fn === 'Fn::If') return this.ifFn(args, id, at, path, inConditions);
      if (fn === 'Fn::FindInMap') this.findInMap(args, id, at);
      if (fn === 'Condition' && inConditions) {
        if (typeof args === 'string' && !this.names.conditions.has(args)) this.report(id, `Condition '${args}' is not a condition of this template${at}`);
        return;
      }
    }
    for (const [key, v] of entries) this.walk(v, id, `${path}.${key}`, inConditions);
  }

  private isRefable(name: string): boolean {
    return this.names.resources.has(name) || this.names.parameters.has(name) || PSEUDO_PARAMETERS.has(name);
  }

  private ref(args: unknown, id: string, at: string): void {
    if (typeof args !== 'string') {
      this.report(id, `Ref takes a logical ID, not ${JSON.stringify(args)}${at}`);
    } else if (!this.isRefable(args)) {
      this.report(id, `Ref to '${args}', which is not a resource, parameter or pseudo parameter of this template${at}`);
    }
  }

  private getAtt(args: unknown, id: string, at: string, path: string, inConditions: boolean): void {
    let target: unknown;
    let attribute: unknown;
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      [target, attribute] = dot < 0 ? [args, undefined] : [args.slice(0, dot), args.slice(dot + 1)];
    } else if (Array.isArray(args)) {
      [target, attribute] = args;
      this.walk(attribute, id, `${path}.Fn::GetAtt.1`, inConditions);
    }
    if (typeof target !== 'string' || attribute === undefined) {
      this.report(id, `Fn::GetAtt takes a logical ID and an attribute, not ${JSON.stringify(args)}${at}`);
    } else if (!this.names.resources.has(target)) {
      this.report(id, `Fn::GetAtt of '${target}.${typeof attribute === 'string' ? attribute : '...'}': '${target}' is not a resource of this template${at}`);
    }
  }

  private sub(args: unknown, id: string, at: string, path: string, inConditions: boolean): void {
    const [body, vars] = Array.isArray(args) ? [args[0], (args[1] ?? {}) as Record<string, unknown>] : [args, {}];
    if (Array.isArray(args)) this.walk(vars, id, `${path}.Fn::Sub.1`, inConditions);
    if (typeof body !== 'string') {
      this.walk(body, id, `${path}.Fn::Sub`, inConditions);
      return;
    }
    for (const m of body.matchAll(/\$\{([^}]*)\}/g)) {
      const name = m[1];
      if (name.startsWith('!') || name in vars) continue;
      const dot = name.indexOf('.');
      if (dot >= 0) {
        const target = name.slice(0, dot);
        if (!this.names.resources.has(target)) this.report(id, `Fn::Sub names '\${${name}}': '${target}' is not a resource of this template${at}`);
      } else if (!this.isRefable(name)) {
        this.report(id, `Fn::Sub names '\${${name}}', which is not a resource, parameter or pseudo parameter of this template${at}`);
      }
    }
  }

  private ifFn(args: unknown, id: string, at: string, path: string, inConditions: boolean): void {
    if (!Array.isArray(args) || args.length !== 3) {
      this.report(id, `Fn::If takes [condition, value if true, value if false], not ${JSON.stringify(args)}${at}`);
      return;
    }
    if (typeof args[0] !== 'string' || !this.names.conditions.has(args[0])) {
      this.report(id, `Fn::If on condition '${String(args[0])}', which is not a condition of this template${at}`);
    }
    this.walk(args[1], id, `${path}.Fn::If.1`, inConditions);
    this.walk(args[2], id, `${path}.Fn::If.2`, inConditions);
  }

  private findInMap(args: unknown, id: string, at: string): void {
    if (Array.isArray(args) && typeof args[0] === 'string' && !this.names.mappings.has(args[0])) {
      this.report(id, `Fn::FindInMap of mapping '${args[0]}', which is not a mapping of this template${at}`);
    }
  }
}
