import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The stack a construct is deployed with: its own, or the top-level stack of a nested one. */
export function deployedStack(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}
