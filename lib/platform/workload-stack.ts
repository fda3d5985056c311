import { NestedStack, NestedStackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The nested stack that holds one workload (`<id>Stack`).
 *
 * aws-cdk-lib renders a nested stack's template twice: once when the app is prepared, to hash
 * it for the template's file asset (`NestedStack._prepareTemplateAsset`), and once more when the
 * stack is synthesized, to write the file that hash names. Nothing may change the template
 * between the two (the hash would no longer name its file), and each rendering resolves every
 * token of every resource again. This stack keeps the rendering it was hashed from and writes
 * that one, once: any other rendering (an earlier one, or a second synth of the app) is made
 * afresh, as aws-cdk-lib makes it.
 */
export class WorkloadStack extends NestedStack {
  private preparing = false;
  private hashed?: unknown;

  constructor(scope: Construct, id: string, props: NestedStackProps) {
    super(scope, id, props);
  }

  /** @internal */
  public _prepareTemplateAsset(): boolean {
    this.preparing = true;
    try {
      return super._prepareTemplateAsset();
    } finally {
      this.preparing = false;
    }
  }

  protected _toCloudFormation(): unknown {
    if (this.preparing) {
      this.hashed = super._toCloudFormation();
      return this.hashed;
    }
    const kept = this.hashed;
    this.hashed = undefined;
    return kept ?? super._toCloudFormation();
  }
}
