import { RepositoryOptions } from './options';
import { Problems } from '../private/errors';

/** Props that a repository you pass makes meaningless: refused rather than ignored. */
export function validateRepositoryOptions(p: Problems, r: RepositoryOptions | undefined): void {
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
