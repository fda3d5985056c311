/**
 * What AWS services deliver on their own, each evaluated as AWS evaluates it: CloudWatch alarms
 * publishing to their topics, EventBridge rules delivering events to their targets, CodeStar
 * Notifications publishing pipeline events, and SNS's use of a topic's KMS key. A delivery AWS
 * refuses is lost silently on AWS (the alarm stays in ALARM, the rule counts a failed
 * invocation): here it is recorded, so that an invariant can say so.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * @see https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger (CloudWatch alarms publish as cloudwatch.amazonaws.com)
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/set-up-sns.html (CodeStar Notifications publish as codestar-notifications.amazonaws.com)
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
import { ACCOUNT, arn, REGION } from './aws';
import { Principal, service } from './iam';
import type { World } from './world';

export interface Delivery {
  /** What delivered: an alarm, a rule, a notification rule. */
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface AlarmState {
  readonly name: string;
  readonly arn: string;
  targetGroupFullName?: string;
  alarmActions: string[];
  okActions: string[];
  actionsEnabled: boolean;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

export interface Rule {
  readonly name: string;
  readonly arn: string;
  pattern: Record<string, unknown>;
  enabled: boolean;
  targets: Array<{ arn: string; roleArn?: string; ecs?: Record<string, any> }>;
}

export interface NotificationRule {
  readonly arn: string;
  resource: string;
  eventTypeIds: string[];
  targets: string[];
}

export interface BusEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

export class Notifications {
  public readonly alarms = new Map<string, AlarmState>();
  public readonly rules = new Map<string, Rule>();
  public readonly notificationRules = new Map<string, NotificationRule>();
  public readonly deliveries: Delivery[] = [];
  /** Every event put on the default bus. */
  public readonly events: BusEvent[] = [];

  constructor(private readonly world: World) {}

  /**
   * A publish to a topic: sns:Publish against the topic's policy (and the publisher's identity
   * policies, for a role), then, for an encrypted topic, SNS's use of its KMS key for that
   * publisher: kms:GenerateDataKey and kms:Decrypt under the encryption context
   * aws:sns:topicArn. An AWS managed key (alias/aws/sns) cannot be used by AWS services.
   * For EventBridge the key policy sees neither aws:SourceArn nor aws:SourceAccount ("Adding
   * the aws:SourceAccount and aws:SourceArn to a AWS KMS policy is not supported for
   * EventBridge-to-encrypted topics.", the SNS developer guide, quoted in
   * awslabs/landing-zone-accelerator-on-aws#407).
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
   * @see https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html (a key policy for a service publisher: aws:SourceArn and kms:EncryptionContext:aws:sns:topicArn)
   */
  public async publish(publisher: Principal, topicArn: string, from: string): Promise<boolean> {
    const { iam } = this.world;
    const record = (ok: boolean, reason?: string) => {
      this.deliveries.push({ from, to: topicArn, at: this.world.now, ok, reason });
      return ok;
    };
    const topic = iam.topics.get(topicArn);
    if (!topic) return record(false, `NotFound: Topic does not exist: ${topicArn}`);
    const denial = await iam.evaluate(publisher, { action: 'sns:Publish', resource: topicArn });
    if (denial) {
      iam.denials.push({ ...denial, during: from });
      return record(false, denial.message);
    }
    if (!topic.kmsKey) return record(true);
    const key = this.keyArn(topic.kmsKey);
    if (!key) return record(publisher.kind === 'role', `KMS.AccessDeniedException: ${topic.kmsKey} is an AWS managed key, which AWS services cannot use for ${topicArn}`);
    const kmsPrincipal: Principal = publisher.kind === 'service' && publisher.service === 'events.amazonaws.com'
      ? { kind: 'service', service: publisher.service }
      : publisher;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const d = await iam.evaluate(kmsPrincipal, {
        action, resource: key,
        context: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn, 'kms:ViaService': `sns.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
      });
      if (d) {
        iam.denials.push({ ...d, during: from });
        return record(false, `KMS.AccessDeniedException (SNS could not use the topic's key): ${d.message}`);
      }
    }
    return record(true);
  }

  /** A key id, alias or ARN to the key's ARN; undefined for an AWS managed key. */
  private keyArn(ref: string): string | undefined {
    if (ref.startsWith('alias/aws/') || ref.includes(':alias/aws/')) return undefined;
    if (ref.startsWith('arn:')) return ref;
    return arn('kms', `key/${ref}`);
  }

  /**
   * Alarms change state as what they watch changes; a change to ALARM (or back to OK) runs the
   * alarm's actions: each topic gets a publish from cloudwatch.amazonaws.com for that alarm.
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
   */
  public async evaluateAlarms(): Promise<void> {
    for (const alarm of this.alarms.values()) {
      const firing = this.world.alarmFiring(alarm.name);
      const next = firing ? 'ALARM' : 'OK';
      if (next === alarm.state) continue;
      alarm.state = next;
      if (!alarm.actionsEnabled) continue;
      for (const topic of next === 'ALARM' ? alarm.alarmActions : alarm.okActions) {
        if (!topic.startsWith('arn:aws:sns:')) continue;
        await this.publish(service('cloudwatch.amazonaws.com', alarm.arn), topic, `alarm ${alarm.name} (${next})`);
      }
    }
  }

  /**
   * An event on the default bus: every enabled rule whose pattern matches delivers it to each
   * target, as the rule's role when the target has one (the role must trust events.amazonaws.com
   * and allow the target's action), else as events.amazonaws.com against the target's policy.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
   */
  public async put(event: BusEvent): Promise<void> {
    this.events.push(event);
    for (const rule of this.rules.values()) {
      if (!rule.enabled || !matches(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      for (const target of rule.targets) await this.deliver(rule, target, event);
    }
  }

  private async deliver(rule: Rule, target: Rule['targets'][number], event: BusEvent): Promise<void> {
    const from = `rule ${rule.name}`;
    const record = (ok: boolean, reason?: string) => this.deliveries.push({ from, to: target.arn, at: this.world.now, ok, reason });
    if (target.arn.startsWith('arn:aws:sns:') && !target.roleArn) {
      await this.publish(service('events.amazonaws.com', rule.arn), target.arn, from);
      return;
    }
    if (!target.roleArn) {
      record(false, `the lifecycle model does not deliver to ${target.arn} without a role`);
      return;
    }
    const role = await this.world.assume('events.amazonaws.com', target.roleArn, rule.name, rule.arn);
    if (!role) { record(false, `EventBridge could not assume ${target.roleArn}`); return; }
    if (target.arn.startsWith('arn:aws:codepipeline:')) {
      // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-repo-changes-cfn.html
      if (!await this.world.iam.allowed(role, { action: 'codepipeline:StartPipelineExecution', resource: target.arn }, from)) {
        record(false, this.world.iam.denials.at(-1)!.message);
        return;
      }
      record(true);
      await this.world.pipelines.startFromEvent(target.arn.split(':').at(-1)!, event);
      return;
    }
    if (target.arn.startsWith('arn:aws:ecs:') && target.ecs) {
      const started = await this.world.runTaskAs(role, target.arn, target.ecs, from);
      record(started !== undefined, started === undefined ? this.world.iam.denials.at(-1)?.message : undefined);
      return;
    }
    record(false, `the lifecycle model does not deliver to ${target.arn}`);
  }

  /**
   * A pipeline's execution event goes to the notification rules of the pipeline that subscribe
   * to its type; each publishes to its SNS targets as codestar-notifications.amazonaws.com.
   * @see https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#events-ref-pipeline
   */
  public async notify(resource: string, eventTypeId: string): Promise<void> {
    for (const rule of this.notificationRules.values()) {
      if (rule.resource !== resource || !rule.eventTypeIds.includes(eventTypeId)) continue;
      for (const topic of rule.targets) await this.publish(service('codestar-notifications.amazonaws.com', rule.arn), topic, `notification rule ${rule.arn.split('/').at(-1)} (${eventTypeId})`);
    }
  }

  /** The deliveries AWS refused since index `from`. */
  public failedSince(from: number): Delivery[] {
    return this.deliveries.slice(from).filter((d) => !d.ok);
  }
}

/**
 * EventBridge's matching: each field of the pattern must match the event's; an array lists the
 * values that match (strings, numbers, or the operators prefix, anything-but and exists); an
 * array in the event matches when any element does.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return expected.some((e) => values.some((v) => matchesValue(e, v)));
    }
    if (expected && typeof expected === 'object') {
      if (Array.isArray(actual)) return actual.some((a) => a && typeof a === 'object' && matches(expected as Record<string, unknown>, a as Record<string, unknown>));
      return !!actual && typeof actual === 'object' && matches(expected as Record<string, unknown>, actual as Record<string, unknown>);
    }
    return false;
  });
}

function matchesValue(expected: unknown, actual: unknown): boolean {
  if (expected && typeof expected === 'object') {
    const op = expected as Record<string, unknown>;
    if ('prefix' in op) return typeof actual === 'string' && actual.startsWith(String(op.prefix));
    if ('anything-but' in op) {
      const but = [op['anything-but']].flat();
      return actual !== undefined && !but.some((b) => b === actual);
    }
    if ('exists' in op) return op.exists ? actual !== undefined : actual === undefined;
    return false;
  }
  return expected === actual;
}
