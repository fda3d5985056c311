import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemovalPolicy, Stage, Token } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../private/defaults';
import { Problems } from '../private/errors';
import { rememberOptions } from '../private/known-keys';
import { NAME_LIMITS } from '../private/name-limits';
import { instanceUniqueName } from '../private/naming';

/** Where a pipeline's source comes from. */
export enum SourceKind {
  /** An AWS CodeCommit repository. */
  CODE_COMMIT = 'CodeCommit',
  /** A GitHub, GitHub Enterprise, GitLab or Bitbucket repository through a CodeConnections connection. */
  CONNECTION = 'Connection',
  /** A zip file in an S3 bucket. */
  S3 = 'S3',
}

/** Options of {@link Source.codeCommit}. */
export interface CodeCommitSourceOptions {
  /**
   * An existing repository.
   * @default - a new repository, retained when the stack is deleted
   */
  readonly repository?: codecommit.IRepository;
  /**
   * A directory whose contents become the first commit of the new repository, so that
   * the pipeline's first run has something to build (only without `repository`). A
   * relative path starts from the current directory (where `cdk synth` runs); a path that
   * is not a directory fails at synth.
   * @default - the new repository starts empty
   */
  readonly initialCode?: string;
  /**
   * The branch that triggers the pipeline.
   * @default 'main'
   */
  readonly branch?: string;
}

/** Options of {@link Source.connection}. */
export interface ConnectionSourceOptions {
  /**
   * The ARN of a CodeConnections (CodeStar Connections) connection to GitHub, GitHub Enterprise, GitLab or Bitbucket:
   * `arn:aws:codeconnections:<region>:<account>:connection/<id>` (or `codestar-connections`).
   */
  readonly connectionArn: string;
  /** The owner (user or organization) of the repository. */
  readonly owner: string;
  /** The repository's name. */
  readonly repo: string;
  /**
   * The branch that triggers the pipeline.
   * @default 'main'
   */
  readonly branch?: string;
}

/** Options of {@link Source.s3}. */
export interface S3SourceOptions {
  /** A versioned bucket (CodePipeline's S3 source needs versioning). */
  readonly bucket: s3.IBucket;
  /** The key of the zip file with the source. */
  readonly key: string;
}

/** @internal what a bound source gives the pipeline. */
export interface BoundSource {
  readonly action: codepipeline.IAction;
  readonly codeCommitRepository?: codecommit.IRepository;
  /** A string identifying the source location, to refuse two pipelines on it. */
  readonly identity: string;
}

type Binder = (scope: Construct, output: codepipeline.Artifact, name: string) => BoundSource;
type Validator = (p: Problems, prop: string) => void;

/**
 * A Git branch: 1 to 256 characters (CodeCommit) that Git accepts as a reference name.
 * @see https://docs.aws.amazon.com/codecommit/latest/APIReference/API_CreateBranch.html
 * @see https://git-scm.com/docs/git-check-ref-format
 */
function validateBranch(p: Problems, prop: string, branch: string | undefined): void {
  if (branch === undefined || Token.isUnresolved(branch)) return;
  // eslint-disable-next-line no-control-regex -- git refuses control characters in a ref name
  const ok = branch.length >= 1 && branch.length <= 256 && !/[\x00-\x20\x7f~^:?*[\\]/.test(branch) && !branch.includes('..')
    && !branch.includes('@{') && !branch.includes('//') && !/(^|\/)\./.test(branch) && !/[/.]$/.test(branch) && !branch.startsWith('/')
    && !/\.lock($|\/)/.test(branch);
  p.require(ok, prop, branch, "a Git branch name of 1 to 256 characters without spaces, control characters, ~ ^ : ? * [ \\ or '..', "
    + "not starting or ending with '/' or '.', not ending with '.lock'", "use a branch such as 'main'");
}

/**
 * A CodeConnections (formerly CodeStar Connections) connection ARN.
 * @see https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CodeStarParameters.html (ConnectionArn pattern)
 * @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html
 */
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;

function validateConnection(options: ConnectionSourceOptions, p: Problems, prop: string): void {
  if (!Token.isUnresolved(options.connectionArn)) {
    p.require(CONNECTION_ARN.test(options.connectionArn), `${prop}.connectionArn`, options.connectionArn,
      'a CodeConnections connection ARN, arn:aws:codeconnections:<region>:<account>:connection/<id> (or arn:aws:codestar-connections:...)',
      'copy the ARN of an available connection from the console (Developer Tools > Settings > Connections)');
  }
  p.word(`${prop}.owner`, options.owner, 'the user or organization that owns the repository, without spaces',
    "write it as in the repository's URL, e.g. 'my-org' in github.com/my-org/orders");
  if (!Token.isUnresolved(options.repo)) {
    p.require(/^[^\s/]+$/.test(options.repo), `${prop}.repo`, options.repo, "the repository's name, without spaces or '/'",
      "write it as in the repository's URL, e.g. 'orders' in github.com/my-org/orders");
  }
  validateBranch(p, `${prop}.branch`, options.branch);
}

function validateS3(options: S3SourceOptions, p: Problems, prop: string): void {
  // @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html (keys of up to 1,024 bytes)
  if (!Token.isUnresolved(options.key)) {
    p.require(options.key.length >= 1 && Buffer.byteLength(options.key) <= 1024, `${prop}.key`, options.key,
      'an object key of 1 to 1024 characters', "name the zip file, such as 'orders/source.zip'");
  }
  // @see https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-S3.html (the source bucket must be versioned)
  const cfn = options.bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket && !Token.isUnresolved(cfn.versioningConfiguration)) {
    const status = (cfn.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined)?.status;
    p.require(status === 'Enabled' || Token.isUnresolved(status), `${prop}.bucket`, options.bucket.node.path,
      'a versioned bucket (the S3 source action of CodePipeline needs versioning)', 'create the bucket with versioned: true');
  }
}

/**
 * `initialCode` must name a directory, resolved as `codecommit.Code.fromDirectory` resolves
 * it (`path.resolve`: from the current directory); otherwise that call fails with ENOENT.
 */
function validateCodeCommit(options: CodeCommitSourceOptions, p: Problems, prop: string): void {
  validateBranch(p, `${prop}.branch`, options.branch);
  const dir = options.initialCode;
  if (dir === undefined || Token.isUnresolved(dir)) return;
  if (options.repository) {
    p.add(`${prop}.initialCode`, dir, `nothing when ${prop}.repository is given (only a new repository is seeded)`,
      `push the code to the existing repository, or remove ${prop}.repository to create a new one`);
    return;
  }
  const resolved = path.resolve(dir);
  const stat = dir === '' ? undefined : fs.statSync(resolved, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    // The directory is copied into the app's output as an asset: holding that output, the copy
    // would copy itself (until the path is too long to write).
    const outdir = path.resolve(Stage.of(p.scope)?.outdir ?? 'cdk.out');
    const inside = (child: string) => child === resolved || child.startsWith(resolved + path.sep);
    const output = inside(outdir) ? outdir : [path.join(resolved, 'cdk.out')].find((o) => fs.existsSync(o));
    p.require(output === undefined, `${prop}.initialCode`, dir, `a directory that does not hold the app's output (it holds ${output})`,
      "keep the service's code in a folder of its own, such as path.join(__dirname, 'services/orders')");
    return;
  }
  const state = stat ? 'is not a directory' : 'does not exist';
  const where = path.isAbsolute(dir)
    ? `${resolved} ${state}`
    : `a relative path starts from the current directory, ${process.cwd()}; this one resolves to ${resolved}, which ${state}`;
  p.add(`${prop}.initialCode`, dir, `a directory whose files become the repository's first commit (${where})`,
    "create that directory, or pass an absolute path such as path.join(__dirname, 'services/orders')");
}

/** Where a service's pipeline gets its code. */
export class Source {
  /** A CodeCommit repository: a new one by default. */
  public static codeCommit(options: CodeCommitSourceOptions = {}): Source {
    return rememberOptions(new Source(SourceKind.CODE_COMMIT, (scope, output, name) => {
      const repository = options.repository ?? new codecommit.Repository(scope, 'SourceRepository', {
        // The repository is retained when the stack is deleted, so its name ends with a suffix
        // of the stack instance: deploying the stack again creates a new one beside it.
        repositoryName: instanceUniqueName(name, NAME_LIMITS.codeCommitRepository.max),
        description: `Source of ${name}, built and deployed by its pipeline`,
        code: options.initialCode ? codecommit.Code.fromDirectory(options.initialCode, options.branch ?? DEFAULTS.branch) : undefined,
      });
      if (!options.repository) (repository as codecommit.Repository).applyRemovalPolicy(RemovalPolicy.RETAIN);
      return {
        codeCommitRepository: repository,
        identity: options.repository ? `codecommit:${options.repository.repositoryArn}` : `codecommit:${scope.node.path}`,
        action: new actions.CodeCommitSourceAction({
          actionName: 'CodeCommit',
          repository,
          branch: options.branch ?? DEFAULTS.branch,
          output,
          trigger: actions.CodeCommitTrigger.EVENTS,
        }),
      };
    }, (p, prop) => validateCodeCommit(options, p, prop)), 'CodeCommitSourceOptions', 'Source.codeCommit', options);
  }

  /** A GitHub, GitLab or Bitbucket repository through a CodeConnections connection. */
  public static connection(options: ConnectionSourceOptions): Source {
    return rememberOptions(new Source(SourceKind.CONNECTION, (_scope, output, _name) => ({
      identity: `connection:${options.owner}/${options.repo}@${options.branch ?? DEFAULTS.branch}`,
      action: new actions.CodeStarConnectionsSourceAction({
        actionName: 'Source',
        connectionArn: options.connectionArn,
        owner: options.owner,
        repo: options.repo,
        branch: options.branch ?? DEFAULTS.branch,
        output,
        triggerOnPush: true,
      }),
    }), (p, prop) => validateConnection(options, p, prop)), 'ConnectionSourceOptions', 'Source.connection', options);
  }

  /** A zip file in an S3 bucket; a new version of the object starts the pipeline. */
  public static s3(options: S3SourceOptions): Source {
    return rememberOptions(new Source(SourceKind.S3, (_scope, output, _name) => ({
      identity: `s3:${options.bucket.node.path}/${options.key}`,
      action: new actions.S3SourceAction({
        actionName: 'S3',
        bucket: options.bucket,
        bucketKey: options.key,
        output,
        trigger: actions.S3Trigger.EVENTS,
      }),
    }), (p, prop) => validateS3(options, p, prop)), 'S3SourceOptions', 'Source.s3', options);
  }

  private constructor(
    /** The kind of source: CodeCommit, a connection or S3. */
    public readonly kind: SourceKind,
    binder: Binder,
    validator?: Validator,
  ) {
    this.binder = binder;
    this.validator = validator;
  }

  private readonly binder: Binder;
  private readonly validator?: Validator;

  /**
   * @internal
   * Records the problems of this source's options, as props under `prop` (such as 'source'),
   * with the other problems of the construct that takes the source.
   */
  public _validate(p: Problems, prop: string): void {
    this.validator?.(p, prop);
  }

  /**
   * @internal
   * @param name the name of a repository the source creates
   */
  public _bind(scope: Construct, output: codepipeline.Artifact, name: string): BoundSource {
    return this.binder(scope, output, name);
  }
}
