import { foldText } from '@kc/classifier';
import type { Post } from './domain/index.js';

/**
 * The folded text the post indexes search: title, text, author name and handle, as
 * `foldText` of them joined by line breaks. `foldedText` is that of the title and text alone,
 * when the classifier has already folded them (IndexedPost.foldedText).
 */
export function postFolded(post: Post, foldedText?: string): string {
  const body = foldedText ?? foldText([post.title, post.text].filter(Boolean).join('\n'));
  const author = [post.author?.name, post.author?.handle].filter(Boolean).join('\n');
  if (!author) return body;
  const folded = foldText(author);
  return body && folded ? `${body} ${folded}` : body || folded;
}
