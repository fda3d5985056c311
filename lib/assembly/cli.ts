#!/usr/bin/env node
// The package's command line (package.json `bin`): reads cloud assemblies, offline.
//
//   cdk-container-platform cost [cdk.out] [--json]
//   cdk-container-platform preview <deployed cdk.out> <new cdk.out> [--json]
import { CostSummary } from './cost-summary';
import { DeployPreview } from './deploy-preview';

const USAGE = `Usage:
  cdk-container-platform cost [cdk.out] [--json]
      What each stack of the synthesized app costs a month before traffic (fixed cost drivers, on-demand prices).
  cdk-container-platform preview <deployed cdk.out> <new cdk.out> [--json]
      What a deploy of the new assembly will do, per service, compared with the one deployed last.
Run \`cdk synth\` first; nothing here calls AWS.`;

/** Runs one command; returns the exit code. */
export function main(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t)): number {
  const json = argv.includes('--json');
  const [command, ...args] = argv.filter((a) => a !== '--json');
  try {
    if (command === 'cost' && args.length <= 1) {
      const summary = CostSummary.fromAssembly(args[0] ?? 'cdk.out');
      out(json ? `${JSON.stringify({ pricesRegion: summary.pricesRegion, pricesTaken: summary.pricesTaken, currency: summary.currency, stacks: summary.stacks }, undefined, 2)}\n`
        : summary.toText());
      return 0;
    }
    if (command === 'preview' && args.length === 2) {
      const preview = DeployPreview.compare(args[0], args[1]);
      out(json ? `${JSON.stringify({ stacks: preview.stacks }, undefined, 2)}\n` : preview.toText());
      return 0;
    }
    err(`${USAGE}\n`);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  } catch (e) {
    err(`cdk-container-platform ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
