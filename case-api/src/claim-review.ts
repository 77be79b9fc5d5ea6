import type { CaseDetail, IndexedPost, Rebuttal } from '@kc/pipeline';

const RATING: Record<string, { value: number; name: string }> = {
  false: { value: 1, name: 'Sai sự thật' },
  misleading: { value: 2, name: 'Gây hiểu lầm' },
};

/**
 * schema.org ClaimReview for a published rebuttal. It names where the claim appeared (URLs)
 * but never who posted it: poster identity stays inside the system.
 */
export function claimReview(
  detail: CaseDetail,
  rebuttal: Rebuttal,
  posts: readonly IndexedPost[],
  organization: string,
) {
  const rating = RATING[detail.case.verdict?.verdict ?? 'false'] ?? RATING.false!;
  const firstSeen = posts
    .map((p) => p.post.publishedAt ?? p.post.fetchedAt)
    .sort()
    .at(0);
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    inLanguage: 'vi',
    url: rebuttal.publishedUrl ?? undefined,
    datePublished: rebuttal.publishedAt,
    headline: rebuttal.title,
    claimReviewed: detail.case.title,
    author: { '@type': 'GovernmentOrganization', name: organization },
    reviewRating: {
      '@type': 'Rating',
      ratingValue: rating.value,
      bestRating: 5,
      worstRating: 1,
      alternateName: rating.name,
    },
    itemReviewed: {
      '@type': 'Claim',
      datePublished: firstSeen,
      appearance: posts.map((p) => ({ '@type': 'CreativeWork', url: p.post.url })),
    },
    citation: rebuttal.sources.map((url) => ({ '@type': 'CreativeWork', url })),
  };
}
