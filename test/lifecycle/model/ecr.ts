/**
 * Amazon ECR: repositories, images pushed under tags, immutable tags, and lifecycle-policy
 * expiry by image count. An image is identified by the commit it was built from.
 */
import { ACCOUNT, awsError, REGION } from './aws';

export interface Image {
  readonly digest: string;
  /** The commit the image was built from (what the test's application behaviour is keyed by). */
  readonly commit: string;
  readonly tags: Set<string>;
  readonly pushed: number;
}

export interface Repository {
  readonly name: string;
  readonly uri: string;
  readonly immutable: boolean;
  /** Keep at most this many images (an `imageCountMoreThan` rule on any tag status). */
  readonly keep?: number;
  readonly images: Image[];
  deleted: boolean;
}

export class Ecr {
  public readonly repositories = new Map<string, Repository>();

  /**
   * @param account this registry's account
   * @param registry the registry of another account of the organization (an image URI names its registry's account)
   */
  constructor(private readonly account: () => string = () => ACCOUNT, private readonly registry: (account: string) => Ecr | undefined = () => undefined) {}
  /** Called when a repository is created (lets a test play an operator who pushes an image). */
  public onCreate?: (repo: Repository) => void;
  private clock = 0;

  public create(name: string, immutable: boolean, lifecyclePolicyText?: string): Repository {
    if (this.repositories.get(name)?.deleted === false) throw awsError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${ACCOUNT}'`);
    const repo: Repository = { name, uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`, immutable, keep: keepCount(lifecyclePolicyText), images: [], deleted: false };
    this.repositories.set(name, repo);
    this.onCreate?.(repo);
    return repo;
  }

  public delete(name: string): void {
    const repo = this.repo(name);
    if (repo.images.length > 0) {
      // @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
      throw awsError('RepositoryNotEmptyException', `The repository with name '${name}' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`);
    }
    repo.deleted = true;
  }

  public repo(name: string): Repository {
    const repo = this.repositories.get(name);
    if (!repo || repo.deleted) throw awsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`);
    return repo;
  }

  /** The image an image URI (`<registry>/<repo>:<tag>`) names, if it exists. */
  public find(uri: string): Image | undefined {
    const m = /^[^/]+\.dkr\.ecr\.[^/]+\.amazonaws\.com\/([^:@]+)[:@](.+)$/.exec(uri);
    if (!m) return undefined;
    const account = /^(\d{12})\./.exec(uri)?.[1];
    if (account && account !== this.account()) return this.registry(account)?.find(uri);
    const repo = this.repositories.get(m[1]);
    if (!repo || repo.deleted) return undefined;
    return repo.images.find((i) => i.tags.has(m[2]) || i.digest === m[2]);
  }

  /** Whether an image URI can be pulled: an ECR image that exists, or an image of another registry. */
  public pullable(uri: string): boolean {
    return !isEcr(uri) || this.find(uri) !== undefined;
  }

  /**
   * `docker push <uri>:<tag>` of the image built from `commit`. With immutable tags, pushing a
   * tag that exists fails with ImageTagAlreadyExistsException.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
   */
  public push(uri: string, commit: string): Image {
    const [, name, tag] = /^[^/]+\/([^:]+):(.+)$/.exec(uri) ?? [];
    const repo = this.repo(name);
    const existing = repo.images.find((i) => i.tags.has(tag));
    if (existing && repo.immutable && existing.commit !== commit) {
      throw awsError('ImageTagAlreadyExistsException', `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the repository is immutable.`);
    }
    if (existing && existing.commit === commit) return existing;
    for (const i of repo.images) i.tags.delete(tag);
    let image = repo.images.find((i) => i.commit === commit);
    if (!image) {
      this.clock += 1;
      image = { digest: `sha256:${commit}`, commit, tags: new Set(), pushed: this.clock };
      repo.images.push(image);
    }
    image.tags.add(tag);
    this.expire(repo);
    return image;
  }

  /**
   * Lifecycle policy: an `imageCountMoreThan` rule expires the oldest images beyond the count.
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
   */
  private expire(repo: Repository): void {
    if (repo.keep === undefined) return;
    const sorted = [...repo.images].sort((a, b) => b.pushed - a.pushed);
    const expired = new Set(sorted.slice(repo.keep));
    for (let i = repo.images.length - 1; i >= 0; i--) if (expired.has(repo.images[i])) repo.images.splice(i, 1);
  }
}

export function isEcr(uri: string): boolean {
  return /\.dkr\.ecr\.[^/]+\.amazonaws\.com\//.test(uri);
}

function keepCount(text?: string): number | undefined {
  if (!text) return undefined;
  const rules = (JSON.parse(text).rules ?? []) as Array<{ selection: { tagStatus: string; countType: string; countNumber: number } }>;
  const rule = rules.find((r) => r.selection.countType === 'imageCountMoreThan' && r.selection.tagStatus === 'any');
  return rule?.selection.countNumber;
}
