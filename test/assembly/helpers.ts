import { App } from 'aws-cdk-lib';
import { EXAMPLE_ENV } from '../../examples/env';
import { ExamplePlatformStack } from '../../examples/platform-stack';
import { newApp } from '../util';

/** The cloud assembly of the example platform, with `change` applied to the stack first; returns its directory. */
export function examplePlatform(change: (stack: ExamplePlatformStack, app: App) => void = () => undefined, context: Record<string, unknown> = {}): string {
  const app = newApp();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const stack = new ExamplePlatformStack(app, 'ExamplePlatform', { env: EXAMPLE_ENV });
  change(stack, app);
  return app.synth().directory;
}
