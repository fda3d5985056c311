import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformSingleton } from '../foundation/platform-context';
import { Problems } from '../private/errors';

/** What a child ID of the platform names, for the message of a clash. */
export interface ChildKind {
  /** The kind of thing named, such as 'service' or 'load balancer'. */
  readonly kind: string;
  /** The others it must not clash with, such as 'workload'. */
  readonly others: string;
  readonly fix: string;
}

/**
 * Refuses an ID the platform cannot give a new child (`childId`, such as `<id>Stack`): empty,
 * already taken, or reserved for a child the platform creates later (the IDs its singletons declare). aws-cdk-lib and
 * constructs would otherwise throw "There is already a Construct with name ..." or "Only root
 * constructs may have an empty ID".
 */
export function checkChildId(platform: Construct, id: string, childId: string, what: ChildKind): void {
  if (typeof id !== 'string' || Token.isUnresolved(id)) {
    // JavaScript can pass a number; a token cannot name a construct (aws-cdk-lib refuses it in an ID).
    const p = new Problems(platform);
    p.add('id', Token.isUnresolved(id) ? 'an unresolved token' : id, `a string known at synth (it names the ${what.kind} and its resources)`, `pass an ID such as 'Orders'`);
    p.throwIfAny();
  }
  const taken = platform.node.tryFindChild(childId);
  let allowed: string | undefined;
  if (!id) {
    allowed = `a non-empty ID (it names the ${what.kind})`;
  } else if (taken) {
    const holder = (childId !== id ? taken.node.tryFindChild(id) : undefined) ?? taken;
    allowed = `an ID no other ${what.others} or part of the platform uses (${holder.node.path} has it)`;
  } else if (PlatformSingleton.reservedIds.includes(childId)) {
    allowed = `an ID other than ${PlatformSingleton.reservedIds.join(', ')} (the platform creates these when a service needs them)`;
  }
  if (allowed === undefined) return;
  const p = new Problems(platform);
  p.add('id', id, allowed, what.fix);
  p.throwIfAny();
}
