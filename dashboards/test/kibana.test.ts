/**
 * The Kibana saved objects in dashboards/kibana/kiem-chung.ndjson, checked against the Elasticsearch
 * mappings the adapters create (imported from the code, never copied). No Kibana server runs on the
 * development and CI machines, so nothing here imports the file into Kibana: these are the checks
 * that break when a mapping changes (a field renamed or retyped, an index renamed), when the domain
 * gains a status or claim kind the labels miss, or when the file is edited by hand and a reference,
 * panel or column no longer lines up.
 */
import { readFileSync } from 'node:fs';
import { CLAIM_KINDS } from '@kc/classifier';
import { ConfigSchema } from '@kc/infra';
import {
  CASE_ACTIONS,
  CASE_STATUSES,
  CASE_STORE_INDICES,
  CaseSchema,
  type IndexSpec,
  PLATFORMS,
  POST_INDEX,
} from '@kc/pipeline';
import { describe, expect, it } from 'vitest';

interface Reference {
  readonly type: string;
  readonly id: string;
  readonly name: string;
}

interface SavedObject {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly references: readonly Reference[];
  readonly coreMigrationVersion?: string;
  readonly typeMigrationVersion?: string;
}

interface Column {
  readonly operationType: string;
  readonly sourceField?: string;
  readonly filter?: { readonly query: string; readonly language: string };
  readonly params?: { readonly orderBy?: { readonly type: string; readonly columnId?: string } };
}

interface Layer {
  readonly columns: Record<string, Column>;
  readonly columnOrder: readonly string[];
}

interface Field {
  readonly type: string;
  /** Indexed: usable in a query. */
  readonly searchable: boolean;
  /** Has doc values: usable in an aggregation. */
  readonly aggregatable: boolean;
}

const FILE = new URL('../kibana/kiem-chung.ndjson', import.meta.url);
const DASHBOARD_TITLE = 'Kiểm Chứng — Thống kê tin sai sự thật về Covid-19';
/** Per type, a migration version Kibana 8.19 accepts: an object claiming a newer one (say, exported from Kibana 9) may be refused. */
const NEWEST_IN_8_19: Record<string, string> = { 'index-pattern': '8.0.0', lens: '8.9.0', dashboard: '10.2.0' };
/** Dashboard attributes Kibana's create schema knows; it refuses any other. */
const DASHBOARD_ATTRIBUTES = new Set([
  'title',
  'description',
  'kibanaSavedObjectMeta',
  'timeRestore',
  'timeFrom',
  'timeTo',
  'refreshInterval',
  'controlGroupInput',
  'panelsJSON',
  'optionsJSON',
  'hits',
  'version',
]);
const GRID_COLUMNS = 48;
const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float']);
const METRICS = new Set(['median', 'average', 'sum', 'min', 'max', 'percentile', 'standard_deviation']);

// Every adapter reads and writes `<prefix><spec.name>`, an alias over the versioned index (see
// pipeline/src/elasticsearch/indices.ts); the data views name the aliases at the default prefix.
const PREFIX = ConfigSchema.shape.KC_ES_PREFIX.parse(undefined);
const SPECS: readonly IndexSpec[] = [POST_INDEX, ...CASE_STORE_INDICES];
const SPEC_OF_ALIAS = new Map(SPECS.map((spec) => [`${PREFIX}${spec.name}`, spec]));

/** What each enumerated field can hold, per index: static lookups label every value, queries use no other. */
const VALUES: Record<string, Record<string, readonly string[]>> = {
  posts: { claim_type: CLAIM_KINDS, platform: PLATFORMS, flagged: ['true', 'false'] },
  cases: { status: CASE_STATUSES, claim_type: CLAIM_KINDS, platforms: PLATFORMS, escalated: ['true', 'false'] },
  audit: { action: Object.keys(CASE_ACTIONS), from_status: CASE_STATUSES, to_status: CASE_STATUSES },
};

/** What a stored (not indexed) object of an index holds, for runtime fields that read `_source`. */
const SOURCE_MODELS: Record<string, Record<string, unknown>> = {
  // The case document's `state` is a CaseState, whose `case` is a Case.
  cases: { state: { case: CaseSchema } },
};

const lines = readFileSync(FILE, 'utf8').replace(/\n$/, '').split('\n');
const objects: SavedObject[] = lines.map((line) => JSON.parse(line));
const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
const ofType = (type: string) => objects.filter((o) => o.type === type);
const json = <T>(value: unknown, fallback: T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : fallback);

function specOf(view: SavedObject): IndexSpec {
  const spec = SPEC_OF_ALIAS.get(String(view.attributes.title));
  if (!spec) throw new Error(`data view ${view.id} names ${String(view.attributes.title)}, which is no alias`);
  return spec;
}

function runtimeFieldsOf(view: SavedObject): Record<string, { type: string; script: { source: string } }> {
  return json(view.attributes.runtimeFieldMap, {});
}

/** The fields a data view offers: the mapped ones of its index and its runtime fields. */
function fieldsOf(view: SavedObject): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const [name, raw] of Object.entries(specOf(view).mappings.properties ?? {})) {
    const p = raw as { type?: string; enabled?: boolean; index?: boolean; doc_values?: boolean };
    const type = p.type ?? 'object';
    const stored = p.enabled === false;
    fields.set(name, {
      type,
      searchable: !stored && p.index !== false,
      aggregatable: !stored && type !== 'text' && p.doc_values !== false,
    });
  }
  for (const [name, f] of Object.entries(runtimeFieldsOf(view))) {
    fields.set(name, { type: f.type, searchable: true, aggregatable: true });
  }
  return fields;
}

const KQL_CLAUSE = /([A-Za-z_][\w.]*)\s*(:|<=|>=|<|>)\s*(\([^)]*\)|"[^"]*"|[^\s()]+)/g;

/** Problems of a KQL query against a data view: unknown or unsearchable fields, impossible values. */
function kqlProblems(query: string, view: SavedObject): string[] {
  const fields = fieldsOf(view);
  const values = VALUES[specOf(view).name] ?? {};
  const problems: string[] = [];
  for (const [, name, op, value] of query.matchAll(KQL_CLAUSE)) {
    const field = fields.get(name!);
    if (!field?.searchable) {
      problems.push(`${name} is not a searchable field of ${String(view.attributes.title)}`);
      continue;
    }
    if (op !== ':') {
      if (field.type !== 'date' && !NUMERIC.has(field.type)) problems.push(`range on ${name} (${field.type})`);
      continue;
    }
    const allowed = values[name!];
    const given = value!
      .replace(/^\(|\)$/g, '')
      .split(/\s+or\s+/i)
      .map((v) => v.trim().replace(/^"|"$/g, ''));
    for (const v of allowed ? given : []) if (!allowed!.includes(v)) problems.push(`${name} never holds "${v}"`);
  }
  return problems;
}

/** The `_source` keys a runtime script reads (`x['key']`, except `doc[...]` and `params['_source']`). */
function sourcePathOf(script: string): string[] {
  const keys = [...script.matchAll(/(\w+)((?:\['\w+'\])+)/g)]
    .filter(([, on]) => on !== 'doc' && on !== 'params')
    .flatMap(([, , chain]) => [...chain!.matchAll(/'(\w+)'/g)].map(([, key]) => key!));
  return [...new Set(keys)];
}

/** Follows keys through plain objects and zod object schemas (unwrapping nullable, optional, default). */
function resolve(model: unknown, path: readonly string[]): unknown {
  let at: unknown = model;
  for (const key of path) {
    let s = at as { def?: { innerType?: unknown }; shape?: Record<string, unknown> } & Record<string, unknown>;
    while (s?.def?.innerType) s = s.def.innerType as typeof s;
    at = s?.def ? s.shape?.[key] : s?.[key];
    if (at === undefined) return undefined;
  }
  return at;
}

function layersOf(lens: SavedObject): Record<string, Layer> {
  const state = lens.attributes.state as { datasourceStates: { formBased?: { layers: Record<string, Layer> } } };
  return state.datasourceStates.formBased?.layers ?? {};
}

function dataViewOfLayer(lens: SavedObject, layerId: string): SavedObject {
  const ref = lens.references.find((r) => r.name === `indexpattern-datasource-layer-${layerId}`);
  const view = ref && byKey.get(`${ref.type}:${ref.id}`);
  if (!view) throw new Error(`lens ${lens.id}: layer ${layerId} has no data view`);
  return view;
}

/** Column ids the visualization shows, per layer. */
function accessorsOf(lens: SavedObject): Map<string, string[]> {
  const vis = (lens.attributes.state as { visualization: Record<string, unknown> }).visualization;
  const out = new Map<string, string[]>();
  const add = (layerId: string, ids: readonly (string | undefined)[]) =>
    out.set(layerId, [...(out.get(layerId) ?? []), ...ids.filter((id): id is string => Boolean(id))]);
  switch (lens.attributes.visualizationType) {
    case 'lnsXY':
      for (const l of vis.layers as {
        layerId: string;
        xAccessor?: string;
        splitAccessor?: string;
        accessors: string[];
      }[])
        add(l.layerId, [l.xAccessor, l.splitAccessor, ...l.accessors]);
      break;
    case 'lnsPie':
      for (const l of vis.layers as { layerId: string; primaryGroups: string[]; metrics: string[] }[])
        add(l.layerId, [...l.primaryGroups, ...l.metrics]);
      break;
    case 'lnsMetric':
      add(vis.layerId as string, [vis.metricAccessor as string]);
      break;
    default:
      throw new Error(`lens ${lens.id}: unexpected visualization ${String(lens.attributes.visualizationType)}`);
  }
  return out;
}

interface Panel {
  readonly type: string;
  readonly panelIndex: string;
  readonly panelRefName: string;
  readonly gridData: { x: number; y: number; w: number; h: number; i: string };
}

const semver = (v: string) => v.split('.').map(Number) as [number, number, number];
const notNewer = (v: string, max: string) => {
  const [a, b] = [semver(v), semver(max)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return true;
};

describe('Kibana saved objects (dashboards/kibana/kiem-chung.ndjson)', () => {
  it('is one saved object per line, each with a unique id and the versions Kibana 8.19 imports', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(typeof o.id, JSON.stringify(o).slice(0, 80)).toBe('string');
      expect(o.attributes).toBeTypeOf('object');
      expect(Array.isArray(o.references)).toBe(true);
      expect(Object.keys(NEWEST_IN_8_19)).toContain(o.type);
      expect(o.coreMigrationVersion).toBe('8.8.0');
      expect(notNewer(o.typeMigrationVersion ?? '0.0.0', NEWEST_IN_8_19[o.type]!), `${o.id} migration version`).toBe(
        true,
      );
    }
    const ids = objects.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refers only to objects in the file', () => {
    for (const o of objects) {
      for (const r of o.references) expect(byKey.has(`${r.type}:${r.id}`), `${o.id} → ${r.type}:${r.id}`).toBe(true);
      const names = o.references.map((r) => r.name);
      expect(new Set(names).size, `${o.id}: reference names`).toBe(names.length);
    }
  });

  describe('data views', () => {
    const views = ofType('index-pattern');

    it('name the posts and cases aliases, each with a date as its time field', () => {
      const titles = views.map((v) => String(v.attributes.title));
      expect(titles).toContain(`${PREFIX}${POST_INDEX.name}`);
      expect(titles).toContain(`${PREFIX}cases`);
      for (const view of views) {
        expect(SPEC_OF_ALIAS.has(String(view.attributes.title)), String(view.attributes.title)).toBe(true);
        expect(fieldsOf(view).get(String(view.attributes.timeFieldName))?.type, view.id).toBe('date');
      }
    });

    it('label, format and hide only fields the index has', () => {
      for (const view of views) {
        const fields = fieldsOf(view);
        const named = [
          ...Object.keys(json(view.attributes.fieldFormatMap, {})),
          ...Object.keys(json(view.attributes.fieldAttrs, {})),
          ...json<{ value: string }[]>(view.attributes.sourceFilters, []).map((f) => f.value),
        ];
        for (const name of named) expect(fields.has(name), `${view.id}: ${name}`).toBe(true);
      }
    });

    it('label every value a looked-up field can hold', () => {
      for (const view of views) {
        const formats = json<Record<string, { id: string; params: { lookupEntries: { key: string }[] } }>>(
          view.attributes.fieldFormatMap,
          {},
        );
        for (const [name, format] of Object.entries(formats)) {
          if (format.id !== 'static_lookup') continue;
          const values = VALUES[specOf(view).name]?.[name];
          expect(values, `${view.id}: what ${name} holds`).toBeDefined();
          const keys = format.params.lookupEntries.map((e) => e.key);
          expect(
            values!.filter((v) => !keys.includes(v)),
            `${view.id}: ${name} without a label`,
          ).toEqual([]);
        }
      }
    });

    it('compute runtime fields from fields the documents have', () => {
      let checked = 0;
      for (const view of views) {
        const fields = fieldsOf(view);
        const spec = specOf(view);
        for (const [name, runtime] of Object.entries(runtimeFieldsOf(view))) {
          const script = runtime.script.source;
          for (const [, used] of script.matchAll(/doc\['([\w.]+)'\]/g)) {
            expect(fields.get(used!)?.aggregatable, `${view.id}.${name} reads doc['${used}']`).toBe(true);
          }
          const path = sourcePathOf(script);
          if (path.length > 0) {
            expect(script, `${view.id}.${name}`).toContain("params['_source']");
            // The first key is a mapped object kept in _source (enabled: false is stored, not indexed).
            expect(spec.mappings.properties?.[path[0]!], `${view.id}.${name}: ${path[0]}`).toBeDefined();
            expect(
              resolve(SOURCE_MODELS[spec.name], path),
              `${view.id}.${name}: _source.${path.join('.')}`,
            ).toBeDefined();
          }
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  });

  describe('Lens visualizations', () => {
    const lenses = ofType('lens');

    it('use fields of their data views, each with a type that suits its use', () => {
      expect(lenses.length).toBeGreaterThan(0);
      for (const lens of lenses) {
        const layers = layersOf(lens);
        expect(Object.keys(layers).length, lens.id).toBeGreaterThan(0);
        for (const [layerId, layer] of Object.entries(layers)) {
          const view = dataViewOfLayer(lens, layerId);
          const fields = fieldsOf(view);
          expect([...layer.columnOrder].sort(), `${lens.id}/${layerId}: column order`).toEqual(
            Object.keys(layer.columns).sort(),
          );
          for (const [columnId, column] of Object.entries(layer.columns)) {
            const where = `${lens.id}/${layerId}/${columnId}`;
            if (column.filter) expect(kqlProblems(column.filter.query, view), where).toEqual([]);
            const orderBy = column.params?.orderBy;
            if (orderBy?.type === 'column') expect(layer.columns[orderBy.columnId!], `${where}: order`).toBeDefined();
            if (column.operationType === 'count' && column.sourceField === '___records___') continue;
            const field = fields.get(column.sourceField ?? '');
            expect(field, `${where}: ${column.sourceField} in ${String(view.attributes.title)}`).toBeDefined();
            expect(field!.aggregatable, `${where}: ${column.sourceField} aggregatable`).toBe(true);
            if (column.operationType === 'date_histogram') expect(field!.type, where).toBe('date');
            else if (column.operationType === 'terms') expect(field!.type, where).toBe('keyword');
            else if (METRICS.has(column.operationType))
              expect(NUMERIC.has(field!.type), `${where}: numeric`).toBe(true);
            else expect(column.operationType, where).toBe('count');
          }
        }
      }
    });

    it('filter with queries on searchable fields and values the fields can hold', () => {
      for (const lens of lenses) {
        const query = (lens.attributes.state as { query: { query: string; language: string } }).query;
        if (query.query === '') continue;
        expect(query.language).toBe('kuery');
        for (const layerId of Object.keys(layersOf(lens))) {
          expect(kqlProblems(query.query, dataViewOfLayer(lens, layerId)), lens.id).toEqual([]);
        }
      }
    });

    it('show every column of their layers, and only those', () => {
      for (const lens of lenses) {
        const layers = layersOf(lens);
        const accessors = accessorsOf(lens);
        expect([...accessors.keys()].sort(), lens.id).toEqual(Object.keys(layers).sort());
        const layerRefs = lens.references.filter((r) => r.name.startsWith('indexpattern-datasource-layer-'));
        expect(layerRefs.length, `${lens.id}: one data view reference per layer`).toBe(Object.keys(layers).length);
        const allColumns = Object.values(layers).flatMap((l) => Object.keys(l.columns));
        expect(new Set(allColumns).size, `${lens.id}: column ids unique across layers`).toBe(allColumns.length);
        for (const [layerId, ids] of accessors) {
          expect([...ids].sort(), `${lens.id}/${layerId}`).toEqual(Object.keys(layers[layerId]!.columns).sort());
        }
      }
    });
  });

  describe('dashboard', () => {
    const dashboards = ofType('dashboard');
    const dashboard = dashboards[0]!;
    const panels = json<Panel[]>(dashboard?.attributes.panelsJSON, []);

    it('is one dashboard with the Vietnamese title and only attributes Kibana accepts', () => {
      expect(dashboards).toHaveLength(1);
      expect(dashboard.attributes.title).toBe(DASHBOARD_TITLE);
      for (const key of Object.keys(dashboard.attributes)) expect(DASHBOARD_ATTRIBUTES.has(key), key).toBe(true);
      expect(json(dashboard.attributes.optionsJSON, null)).not.toBeNull();
    });

    it('shows every visualization once, each panel by a reference', () => {
      const shown = panels.map((p) => {
        const ref = dashboard.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
        expect(ref, `panel ${p.panelIndex}`).toBeDefined();
        expect(ref!.type).toBe(p.type);
        return `${ref!.type}:${ref!.id}`;
      });
      expect(shown.sort()).toEqual(
        ofType('lens')
          .map((l) => `lens:${l.id}`)
          .sort(),
      );
      expect(dashboard.references).toHaveLength(panels.length);
    });

    it('lays the panels out on the grid without overlaps', () => {
      const indexes = panels.map((p) => p.panelIndex);
      expect(new Set(indexes).size).toBe(indexes.length);
      for (const { gridData: g, panelIndex } of panels) {
        expect(g.i).toBe(panelIndex);
        expect(g.x >= 0 && g.y >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= GRID_COLUMNS, panelIndex).toBe(true);
      }
      for (const [n, a] of panels.entries()) {
        for (const b of panels.slice(n + 1)) {
          const [p, q] = [a.gridData, b.gridData];
          const apart = p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y;
          expect(apart, `${a.panelIndex} overlaps ${b.panelIndex}`).toBe(true);
        }
      }
    });
  });
});
