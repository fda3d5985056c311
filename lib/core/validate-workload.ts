import { Construct } from 'constructs';
import { PlatformContext } from '../foundation/platform-context';
import type { IContainerPlatform } from '../foundation/platform-contract';
import type { Source } from '../pipeline/source';
import { Problems } from '../private/errors';
import { NAME_LIMITS } from '../private/name-limits';
import { RepositoryOptions, ContainerOptions } from './options';

const WORKLOAD_ID = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_WORKLOAD_ID_LENGTH = NAME_LIMITS.workloadId.max;

/** What every Fargate workload (service, worker, job, event task) is given: its platform, container, repository and source. */
export interface CoreProps {
  readonly platform: IContainerPlatform;
  readonly container?: ContainerOptions;
  readonly repository?: RepositoryOptions;
  readonly source?: Source;
}

/**
 * The ID of a workload, which names its resources: letters, digits and hyphens, starting with a letter.
 * @param why what the ID names, said in the error
 * @param example an ID to suggest
 */
export function validateWorkloadId(p: Problems, id: string, why: string, example: string): void {
  p.require(WORKLOAD_ID.test(id) && id.length <= MAX_WORKLOAD_ID_LENGTH, 'id', id,
    `1 to ${MAX_WORKLOAD_ID_LENGTH} letters, digits and hyphens, starting with a letter (${why})`,
    `use a short name such as '${example}'`);
}

/** A workload with a `source` runs what its pipeline builds: no fixed image beside it. */
export function validateSourceImage(p: Problems, props: CoreProps, noun: string): void {
  p.require(!(props.source && props.container?.image), 'container.image', 'set', `no fixed image when the ${noun} has a \`source\` (the pipeline builds the image)`,
    'remove `container.image`, or remove `source` to run the fixed image');
}

/** A repository you pass to a workload with a `source` is that pipeline's alone: two pipelines would replace each other's images. */
export function validateOwnRepository(p: Problems, owner: Construct, props: CoreProps, noun: string): void {
  if (!(props.source && props.repository?.repository)) return;
  const other = PlatformContext.of(props.platform).claimRepository(props.repository.repository, owner);
  p.require(other === undefined, 'repository.repository', props.repository.repository.node.path,
    'a repository that no other pipeline of this platform pushes to', `${other?.node.path} already builds into it; give each ${noun} with a source its own repository`);
}

/**
 * Props that a repository you pass makes meaningless: refused rather than ignored. With a fixed
 * `container.image` nothing pushes to a repository, so the workload has none and takes no options of one.
 */
export function validateRepositoryOptions(p: Problems, r: RepositoryOptions | undefined, image?: unknown): void {
  if (r && image !== undefined) {
    p.add('repository', Object.keys(r), 'nothing with `container.image` (nothing pushes to a repository when the image is fixed, so the workload has none)',
      'remove `repository`, or remove `container.image` to run what your pipeline or CI pushes to the repository');
    return;
  }
  if (!r?.repository) return;
  if (r.keepImages !== undefined) {
    p.add('repository.keepImages', r.keepImages, 'nothing with `repository.repository` (the platform does not change the lifecycle of a repository you pass)',
      'remove keepImages, or set the lifecycle rules on your repository');
  }
  if (r.encryptionKey) {
    p.add('repository.encryptionKey', r.encryptionKey.node.path, 'nothing with `repository.repository` (a repository you pass keeps its own encryption)',
      'remove encryptionKey');
  }
}
