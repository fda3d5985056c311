import { Fn } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

/**
 * A function of the scope's own account and Region whose ARN is known at deploy time only (a
 * platform's function, read from an SSM parameter of that account and Region). Imported by the
 * name in its ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`, the 7th field),
 * so that aws-cdk-lib sees the scope's account in it: a grant to a role of that account is then
 * the role's own policy alone. Imported by the ARN itself, whose account is a token, every grant
 * would also add a statement to the function's resource policy (an AWS::Lambda::Permission per
 * importing service), which Lambda holds to 20 KB.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (function resource-based policy: 20 KB)
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html (within one account, either policy may allow)
 */
export function functionOfOwnAccount(scope: Construct, id: string, functionArn: string): lambda.IFunction {
  return lambda.Function.fromFunctionName(scope, id, Fn.select(6, Fn.split(':', functionArn)));
}
