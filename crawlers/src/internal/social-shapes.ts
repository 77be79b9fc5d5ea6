/**
 * How to read posts off a social page, per platform shape. Each shape is selectors only; one
 * generic in-page script applies them, so a platform's markup change is a data change here.
 */
export type SocialShapeName = 'generic' | 'facebook' | 'zalo' | 'youtube';

export interface SocialShape {
  /** One element per post (or comment). */
  readonly card: string;
  /** Attribute holding the platform post id, or null to take it from the permalink. */
  readonly idAttr: string | null;
  /** Pattern pulling the post id out of the permalink. */
  readonly idFromPermalink: string;
  readonly permalink: string;
  readonly author: string;
  /** Attribute of the author link with the handle, or null to take the last path segment. */
  readonly handleAttr: string | null;
  readonly text: string;
  /** Element carrying the time: its datetime/title/data-utime attribute or its text. */
  readonly time: string;
  readonly reactions: string;
  readonly comments: string;
  readonly shares: string;
  /** A control that loads more posts (besides scrolling). */
  readonly more: string;
}

export const SOCIAL_SHAPES: Readonly<Record<SocialShapeName, SocialShape>> = {
  generic: {
    card: '[data-post-id]',
    idAttr: 'data-post-id',
    idFromPermalink: '(\\d+)$',
    permalink: 'a.permalink',
    author: 'a.author',
    handleAttr: 'data-handle',
    text: '.post-text',
    time: 'time',
    reactions: '.reactions',
    comments: '.comments',
    shares: '.shares',
    more: 'button, a[role=button]',
  },
  // Facebook-style: role=article cards, the permalink under /posts/<id>, the message in a
  // data-ad-preview block, counts in aria-labels.
  facebook: {
    card: 'div[role="article"]',
    idAttr: null,
    idFromPermalink: '/posts/(\\d+)',
    permalink: 'a[href*="/posts/"]',
    author: 'h3 a, strong a',
    handleAttr: null,
    text: '[data-ad-preview="message"], [data-testid="post-message"]',
    time: 'a[href*="/posts/"] [data-utime], a[href*="/posts/"] abbr, a[href*="/posts/"] span[title]',
    reactions: '[aria-label*="cảm xúc"], [aria-label*="reactions"]',
    comments: '[aria-label*="bình luận"], [aria-label*="comments"]',
    shares: '[aria-label*="chia sẻ"], [aria-label*="shares"]',
    more: 'div[role=button], button',
  },
  // Zalo Official Account-style: article items with a detail link /oa/<id>/article/<post>.
  zalo: {
    card: '.oa-article, .article-item',
    idAttr: 'data-article-id',
    idFromPermalink: '/article/([\\w-]+)',
    permalink: 'a.article-link, a.title',
    author: '.oa-name a, a.oa-name',
    handleAttr: 'data-oa-id',
    text: '.article-desc, .desc',
    time: '.article-time, .time',
    reactions: '.like-count',
    comments: '.comment-count',
    shares: '.share-count',
    more: '.load-more, button',
  },
  // YouTube-style channel page: community posts and the comments under them.
  youtube: {
    card: 'ytd-backstage-post-thread-renderer, ytd-comment-thread-renderer',
    idAttr: 'data-id',
    idFromPermalink: '(?:post/|lc=)([\\w-]+)',
    permalink: '#published-time-text a',
    author: '#author-text',
    handleAttr: null,
    text: '#content-text',
    time: '#published-time-text',
    reactions: '#vote-count-middle',
    comments: '#reply-count',
    shares: '#share-count',
    more: 'ytd-continuation-item-renderer button, #more-replies button',
  },
};

/**
 * The in-page script that reads posts with a shape. Built as source text so no bundler helper
 * (such as esbuild's __name) leaks into code that runs in the browser.
 */
export function extractPostsScript(shape: SocialShape): string {
  return `(() => {
  const S = ${JSON.stringify(shape)};
  const num = (el) => {
    if (!el) return 0;
    const raw = (el.getAttribute('aria-label') || el.textContent || '').toLowerCase().replace(/,/g, '.');
    const m = raw.match(/([\\d.]+)\\s*(k|n|nghìn|m|tr|triệu)?/);
    if (!m) return 0;
    let v = parseFloat(m[1]);
    if (m[2] === 'k' || m[2] === 'n' || m[2] === 'nghìn') v *= 1000;
    if (m[2] === 'm' || m[2] === 'tr' || m[2] === 'triệu') v *= 1000000;
    if (!m[2] && /^\\d{1,3}(\\.\\d{3})+$/.test(m[1])) v = Number(m[1].replace(/\\./g, ''));
    return Math.round(v) || 0;
  };
  return Array.from(document.querySelectorAll(S.card)).map((card, index) => {
    const q = (sel) => card.querySelector(sel);
    const link = q(S.permalink);
    const permalink = link ? link.href : null;
    let id = S.idAttr ? card.getAttribute(S.idAttr) : null;
    if (!id && permalink) { const m = permalink.match(new RegExp(S.idFromPermalink)); if (m) id = m[1]; }
    const author = q(S.author);
    let handle = author && S.handleAttr ? author.getAttribute(S.handleAttr) : null;
    if (!handle && author && author.href) {
      const parts = new URL(author.href).pathname.split('/').filter(Boolean);
      handle = parts[parts.length - 1] || null;
    }
    const t = q(S.time);
    const time = t ? (t.getAttribute('datetime') || (t.getAttribute('data-utime') ? new Date(Number(t.getAttribute('data-utime')) * 1000).toISOString() : null) || t.getAttribute('title') || t.textContent.trim()) : null;
    const textEl = q(S.text);
    return {
      index,
      id: id || '',
      permalink,
      authorHandle: handle,
      authorName: author ? author.textContent.trim() : null,
      authorUrl: author && author.href ? author.href : null,
      text: textEl ? textEl.textContent.trim() : '',
      time,
      reactions: num(q(S.reactions)),
      comments: num(q(S.comments)),
      shares: num(q(S.shares)),
    };
  });
})()`;
}
