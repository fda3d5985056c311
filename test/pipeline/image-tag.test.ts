import { execFileSync } from 'node:child_process';
import { renderBuildSpec } from '../../lib/pipeline/buildspec';

/**
 * The tag a build gives its image, computed by the buildspec's own command in bash: valid for
 * ECR and Docker whatever the source version looks like, and new for every build, since tags
 * are immutable.
 */

/**
 * A Docker tag: ASCII letters, digits, underscores, periods and hyphens, not starting with a
 * period or a hyphen, at most 128 characters (ECR allows 300).
 * @see https://docs.docker.com/reference/cli/docker/image/tag/
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html
 */
const VALID_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The command that sets IMAGE_TAG in the pre_build phase. */
function tagCommand(): string {
  const spec = renderBuildSpec({ testCommands: [], dockerfile: 'Dockerfile', buildContext: '.', target: 'codeDeployImage' }) as any;
  const commands = (spec.phases.pre_build.commands as string[]).filter((c) => c.startsWith('IMAGE_TAG='));
  expect(commands).toHaveLength(1);
  return commands[0];
}

/** IMAGE_TAG as bash computes it with CodeBuild's variables (unset when undefined). */
function tagOf(sourceVersion: string | undefined, buildNumber: string): string {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', CODEBUILD_BUILD_NUMBER: buildNumber };
  if (sourceVersion !== undefined) env.CODEBUILD_RESOLVED_SOURCE_VERSION = sourceVersion;
  // stdin is not the worker's socket: bash would take that for a remote shell and read ~/.bashrc.
  // stderr is kept, for the error if bash fails.
  return execFileSync('bash', ['-c', `set -o pipefail; ${tagCommand()}; printf '%s' "$IMAGE_TAG"`], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the image tag of a build', () => {
  // CODEBUILD_RESOLVED_SOURCE_VERSION is the commit ID for CodeCommit and connections, and the
  // object's version ID for an S3 source; CODEBUILD_BUILD_NUMBER counts the project's builds.
  // https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
  test.each([
    ['a CodeCommit or connection commit', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '7', 'a1b2c3d4e5f6-7'],
    ['an S3 version ID with / and +', '3/L4kqtJl+cPbgE2r.HsLs9oEUzPvCJ', '8', '3_L4kqtJl_cP-8'],
    ['an S3 version ID that starts with a period', '.Lk-9', '9', '_Lk-9-9'],
    ['an S3 version ID that starts with a hyphen', '-abc', '10', '_abc-10'],
    ['no source version (a build started by hand)', undefined, '11', 'manual-11'],
  ])('from %s is valid', (_what, version, build, expected) => {
    // WHEN
    const tag = tagOf(version, build);
    // THEN
    expect(tag).toBe(expected);
    expect(tag).toMatch(VALID_TAG);
  });

  test('differs between two builds of the same source version, which immutable tags require', () => {
    // GIVEN an S3 object built twice, or a build started by hand twice
    // WHEN / THEN
    expect(tagOf('3/L4kqtJl+cPbgE2r', '12')).not.toBe(tagOf('3/L4kqtJl+cPbgE2r', '13'));
    expect(tagOf(undefined, '12')).not.toBe(tagOf(undefined, '13'));
  });

  test('never starts like the bootstrap tag that the repository keeps forever', () => {
    // GIVEN a source version that starts with "bootstrap"
    // WHEN / THEN the tag is not one the lifecycle rule for `bootstrap` would match
    expect(tagOf('bootstrap-version', '14').startsWith('bootstrap')).toBe(false);
  });
});
