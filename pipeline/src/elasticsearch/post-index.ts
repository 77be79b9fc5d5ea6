import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { foldText, syllables } from '@kc/classifier';
import { ClassificationSchema, type EvidenceRef, type Post, PostSchema } from '../domain/index.js';
import { StorageError } from '../errors.js';
import { postFolded } from '../folding.js';
import type { IndexedPost, PostIndex, PostSearchQuery, PostStats } from '../ports.js';
import { fillDays } from '../stats.js';
import { aliasOf, dropIndices, ensureIndices, type IndexSpec } from './indices.js';

export interface EsPostIndexOptions {
  readonly node: string;
  /** Prefix of index names (several deployments or test runs share a cluster). */
  readonly prefix?: string;
}

interface PostDoc {
  id: string;
  post: Post;
  classification: unknown;
  indexed_at: string;
  fetched_at: string;
  flagged: boolean;
  platform: string;
  region: string | null;
  claim_type: string | null;
  /** Folded syllables (đ→d, no tones), computed in Node: works on a minimal node without analysis plugins. */
  folded: string;
  /** Folded syllable bigrams as single tokens ("phong_toa"), for multi-syllable words. */
  bigrams: string[];
}

/** The post index, versioned behind an alias (see indices.ts and `kc migrate`). */
export const POST_INDEX: IndexSpec = {
  name: 'posts',
  // 2: claim_type, for the search filter by claim kind.
  version: 2,
  upgrade: (doc) => ({
    ...doc,
    claim_type: (doc.classification as { claimType?: string | null } | undefined)?.claimType ?? null,
  }),
  mappings: {
    dynamic: 'strict',
    properties: {
      id: { type: 'keyword' },
      post: { type: 'object', enabled: false },
      classification: { type: 'object', enabled: false },
      indexed_at: { type: 'date' },
      fetched_at: { type: 'date' },
      flagged: { type: 'boolean' },
      platform: { type: 'keyword' },
      region: { type: 'keyword' },
      claim_type: { type: 'keyword' },
      folded: { type: 'text', analyzer: 'whitespace' },
      bigrams: { type: 'keyword' },
    },
  },
};

/**
 * PostIndex on Elasticsearch 8. Vietnamese search does not depend on analysis plugins (the
 * minimal node has none): the folded text and syllable bigrams are computed in Node with the
 * classifier's normalization, so a query typed without diacritics finds posts written with them.
 */
export class EsPostIndex implements PostIndex {
  readonly #es: Client;
  readonly #index: string;
  readonly #prefix: string;
  #dirty = false;

  static async create(options: EsPostIndexOptions): Promise<EsPostIndex> {
    if (!options.node) throw new TypeError('EsPostIndex needs an Elasticsearch URL (ELASTICSEARCH_URL)');
    const index = new EsPostIndex(options);
    await ensureIndices(index.#es, options.prefix ?? '', [POST_INDEX]);
    return index;
  }

  private constructor(options: EsPostIndexOptions) {
    this.#es = new Client({ node: options.node, maxRetries: 5, requestTimeout: 30_000 });
    this.#prefix = options.prefix ?? '';
    this.#index = aliasOf(this.#prefix, POST_INDEX);
  }

  async upsert(posts: readonly IndexedPost[]): Promise<void> {
    if (posts.length === 0) return;
    const operations = posts.flatMap((indexed) => [
      { index: { _index: this.#index, _id: indexed.post.id } },
      toDoc(indexed),
    ]);
    let res: Awaited<ReturnType<Client['bulk']>>;
    try {
      // No refresh per bulk (it would hold every batch for up to a second): reads by id are
      // real-time, and this instance refreshes before its next search (see #fresh).
      res = await this.#es.bulk({ operations });
      this.#dirty = true;
    } catch (err) {
      throw new StorageError('could not index posts in Elasticsearch', err);
    }
    if (res.errors) {
      const failed = res.items.filter((i) => i.index?.error).map((i) => `${i.index?._id}: ${i.index?.error?.reason}`);
      // Indexing by id is idempotent: the whole batch can be retried.
      throw new StorageError(
        `Elasticsearch refused ${failed.length} of ${posts.length} posts: ${failed.slice(0, 3).join('; ')}`,
      );
    }
  }

  async get(ids: readonly string[]): Promise<IndexedPost[]> {
    if (ids.length === 0) return [];
    const res = await this.#es.mget<PostDoc>({ index: this.#index, ids: [...ids] }).catch((err) => {
      throw new StorageError('could not read posts from Elasticsearch', err);
    });
    return res.docs.flatMap((d) => ('found' in d && d.found && d._source ? [fromDoc(d._source)] : []));
  }

  async addEvidence(postId: string, refs: readonly EvidenceRef[]): Promise<IndexedPost | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const got = await this.#es.get<PostDoc>({ index: this.#index, id: postId }).catch((err) => {
        if (err instanceof errors.ResponseError && err.statusCode === 404) return null;
        throw new StorageError(`could not read post ${postId}`, err);
      });
      if (!got?._source) return null;
      const doc = got._source;
      const known = new Set(doc.post.evidence.map((e) => e.sha256));
      doc.post = {
        ...doc.post,
        evidence: [...doc.post.evidence, ...refs.filter((r) => !known.has(r.sha256))].slice(-20),
      };
      try {
        // Optimistic concurrency: a concurrent writer makes this fail, and it is read again.
        await this.#es.index({
          index: this.#index,
          id: postId,
          document: doc,
          if_seq_no: got._seq_no,
          if_primary_term: got._primary_term,
        });
        this.#dirty = true;
        return fromDoc(doc);
      } catch (err) {
        if (err instanceof errors.ResponseError && err.statusCode === 409) continue;
        throw new StorageError(`could not add evidence to post ${postId}`, err);
      }
    }
    throw new StorageError(`post ${postId} kept changing while evidence was added`);
  }

  /**
   * Read-your-writes for searches: after this instance wrote, the next search, count or stats
   * refreshes the index first. Writes of other processes are searchable within the index's
   * refresh interval (1 s).
   */
  async #fresh(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    await this.#es.indices.refresh({ index: this.#index }).catch((err) => {
      this.#dirty = true;
      throw new StorageError('could not refresh the Elasticsearch index', err);
    });
  }

  async search(query: PostSearchQuery): Promise<{ items: IndexedPost[]; total: number }> {
    await this.#fresh();
    const filter: object[] = [];
    if (query.flagged !== undefined) filter.push({ term: { flagged: query.flagged } });
    if (query.platform) filter.push({ term: { platform: query.platform } });
    if (query.region) filter.push({ prefix: { region: query.region } });
    if (query.claimType && query.claimType.length > 0) filter.push({ terms: { claim_type: [...query.claimType] } });
    if (query.from || query.to) {
      filter.push({
        range: { fetched_at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } },
      });
    }
    const must: object[] = [];
    if (query.q !== undefined && query.q.trim() !== '') {
      const folded = syllables(foldText(query.q)).slice(0, 32);
      if (folded.length === 0) return { items: [], total: 0 };
      // The text goes in as a value, never as query syntax: no query-string injection.
      must.push({ match: { folded: { query: folded.join(' '), operator: 'and' } } });
    }
    const res = await this.#es
      .search<PostDoc>({
        index: this.#index,
        from: query.offset,
        size: query.limit,
        track_total_hits: true,
        query: { bool: { must, filter } },
        sort: must.length ? ['_score', { fetched_at: 'desc' }] : [{ fetched_at: 'desc' }],
      })
      .catch((err) => {
        throw new StorageError('could not search posts', err);
      });
    const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
    return { items: res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._source)] : [])), total };
  }

  async count(): Promise<number> {
    await this.#fresh();
    return (await this.#es.count({ index: this.#index })).count;
  }

  async stats(from: string, to: string, region?: string): Promise<PostStats> {
    await this.#fresh();
    const filter: estypes.QueryDslQueryContainer[] = [{ range: { fetched_at: { gte: from, lt: to } } }];
    if (region) filter.push({ prefix: { region } });
    const terms = (field: string, size: number) => ({ terms: { field, size, missing: 'unknown' } });
    const res = await this.#es.search({
      index: this.#index,
      size: 0,
      track_total_hits: true,
      query: { bool: { filter } },
      aggs: {
        flagged: {
          filter: { term: { flagged: true } },
          aggs: {
            days: {
              date_histogram: {
                field: 'fetched_at',
                calendar_interval: 'day',
                time_zone: '+07:00',
                format: 'yyyy-MM-dd',
              },
            },
            kinds: terms('claim_type', 50),
            platforms: terms('platform', 50),
            regions: terms('region', 500),
          },
        },
      },
    });
    const flagged = res.aggregations?.flagged as
      | (estypes.AggregationsFilterAggregate &
          Record<string, { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }>)
      | undefined;
    const buckets = (
      name: string,
      key: (b: { key: string | number; key_as_string?: string }) => string = (b) => String(b.key),
    ) =>
      Object.fromEntries(
        (flagged?.[name]?.buckets ?? []).filter((b) => b.doc_count > 0).map((b) => [key(b), b.doc_count]),
      );
    const total = res.hits.total;
    return {
      monitored: typeof total === 'number' ? total : (total?.value ?? 0),
      flagged: flagged?.doc_count ?? 0,
      flaggedByDay: fillDays(
        from,
        to,
        buckets('days', (b) => b.key_as_string ?? String(b.key)),
      ),
      flaggedByKind: buckets('kinds'),
      flaggedByPlatform: buckets('platforms'),
      flaggedByRegion: buckets('regions'),
    };
  }

  async close(): Promise<void> {
    await this.#es.close();
  }

  /** Deletes the index (tests). */
  async drop(): Promise<void> {
    await dropIndices(this.#es, this.#prefix, [POST_INDEX]);
  }
}

function toDoc({ post, classification, indexedAt, foldedText }: IndexedPost): PostDoc {
  const folded = postFolded(post, foldedText);
  const syl = syllables(folded);
  const bigrams = new Set<string>();
  for (let i = 0; i + 1 < syl.length && bigrams.size < 2000; i++) bigrams.add(`${syl[i]}_${syl[i + 1]}`);
  return {
    id: post.id,
    post,
    classification,
    indexed_at: indexedAt,
    fetched_at: post.fetchedAt,
    flagged: classification.flagged,
    platform: post.platform,
    region: post.region,
    claim_type: classification.claimType,
    folded,
    bigrams: [...bigrams],
  };
}

function fromDoc(d: PostDoc): IndexedPost {
  return {
    post: PostSchema.parse(d.post),
    classification: ClassificationSchema.parse(d.classification),
    indexedAt: d.indexed_at,
  };
}
