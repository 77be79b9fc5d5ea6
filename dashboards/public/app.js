// @ts-check
// The console: a small single-page app with no build step and no third-party code.
// Every piece of server text goes through textContent (never innerHTML): posts carry hostile HTML.
// Every piece of our own text is Vietnamese passed through t() (./i18n.js), which gives the English
// when the reader chose it; data (posts, titles, names, the server's messages) is shown as it came.

import { lang, locale, setLang, t } from './i18n.js';

// Labels of the API's codes. Functions rather than records: t() runs when a view is built, in the
// language chosen then. Read one with labelOf(STATUS, code).
const STATUS = () => ({
  new: t('Mới phát hiện'),
  in_review: t('Đang xác minh'),
  verified_false: t('Sai sự thật'),
  verified_misleading: t('Gây hiểu lầm'),
  dismissed: t('Không xử lý'),
  correction_requested: t('Đã yêu cầu cải chính'),
  rebuttal_published: t('Đã đăng phản bác'),
  escalated: t('Đã chuyển công an'),
  closed: t('Đã đóng'),
});
const CLAIM = () => ({
  false_cure: t('Mẹo chữa bệnh sai'),
  vaccine_harm: t('Tin đồn về vắc xin'),
  fake_order: t('Lệnh phong tỏa giả'),
  hidden_cases: t('Giấu số ca'),
  tracing_rumour: t('Tin đồn có F0'),
  app_data_theft: t('Ứng dụng lấy cắp dữ liệu'),
  shortage_panic: t('Hoang mang khan hiếm'),
  conspiracy: t('Thuyết âm mưu'),
  forged_document: t('Văn bản giả'),
  fake_test_result: t('Kết quả xét nghiệm giả'),
});
const PLATFORM = () => ({
  web: t('Báo điện tử, trang web'),
  facebook: 'Facebook',
  zalo: 'Zalo',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  forum: t('Diễn đàn'),
  tip: t('Tin báo của người dân'),
});
/** Roles that may read the weekly report (the API's authorization table decides; this only hides links). */
const REPORT_ROLES = ['analyst', 'supervisor', 'press_office', 'admin'];
/** Roles that may dismiss cases (the workflow's `dismiss` action; the API decides). */
const DISMISS_ROLES = ['analyst', 'supervisor'];
/** Orders of the triage queue (GET /api/cases `sort`). */
const SORTS = () => ({
  priority: t('Ưu tiên (mức độ × lượt tiếp cận)'),
  updated: t('Mới cập nhật'),
  created: t('Mới phát hiện'),
});
/** Filters of the triage queue, passed to GET /api/cases as they are. */
const QUEUE_FILTERS = ['status', 'q', 'claimType', 'platform', 'region', 'from', 'to'];
const ROLE = () => ({
  analyst: t('Chuyên viên thanh tra'),
  supervisor: t('Lãnh đạo Thanh tra'),
  press_office: t('Phòng Báo chí'),
  police_liaison: t('Công an tỉnh'),
  admin: t('Quản trị'),
});
const VERDICT = () => ({
  false: t('Sai sự thật'),
  misleading: t('Gây hiểu lầm'),
  true: t('Đúng sự thật'),
  not_covid: t('Không liên quan Covid'),
});
const ACTION = () => ({
  case_opened: t('Mở vụ việc'),
  post_attached: t('Gắn thêm bài đăng'),
  assign: t('Phân công xác minh'),
  verdict: t('Kết luận xác minh'),
  link_poster: t('Xác định người đăng'),
  request_correction: t('Yêu cầu cải chính'),
  request_escalation: t('Đề nghị chuyển công an'),
  approve_escalation: t('Duyệt chuyển công an'),
  acknowledge_escalation: t('Công an xác nhận tiếp nhận'),
  dismiss: t('Không xử lý'),
  comment: t('Ý kiến'),
  evidence_captured: t('Lưu chứng cứ (ảnh chụp, HTML)'),
  evidence_unavailable: t('Không chụp được chứng cứ'),
  recrawl_checked: t('Kiểm tra lại bài đăng'),
  correction_settled: t('Cập nhật kết quả cải chính'),
  poster_identity_viewed: t('Xem thông tin người đăng'),
  poster_merged: t('Gộp hồ sơ người đăng'),
});
const OUTCOME = () => ({
  warning: t('Nhắc nhở, cảnh cáo'),
  administrative_fine: t('Xử phạt vi phạm hành chính'),
  criminal_referral: t('Chuyển xử lý hình sự'),
  no_action: t('Không xử lý'),
});
const REBUTTAL_STATUS = () => ({
  draft: t('Bản nháp, chờ duyệt'),
  approved: t('Đã duyệt, chờ đăng'),
  published: t('Đã đăng'),
});
const ESCALATION_STATUS = () => ({
  pending_approval: t('chờ lãnh đạo duyệt'),
  sent: t('đã gửi'),
  acknowledged: t('công an đã tiếp nhận'),
});
/** Roles that may download correction letters and evidence bundles (the API decides). */
const LETTER_ROLES = ['analyst', 'supervisor', 'press_office'];
const BUNDLE_ROLES = ['analyst', 'supervisor', 'police_liaison'];
/** Roles that may open a poster's page, and search all posts (the API decides). */
const POSTER_ROLES = ['analyst', 'supervisor', 'police_liaison'];
const POST_SEARCH_ROLES = ['analyst', 'supervisor', 'press_office', 'admin'];
const CHANNEL = () => ({
  email: t('Thư điện tử'),
  letter: t('Công văn'),
  platform_report: t('Báo cáo nền tảng'),
  phone: t('Điện thoại'),
  in_person: t('Làm việc trực tiếp'),
});
/** The label of `code` from one of the label functions above; the code itself when it has none. */
const labelOf = (labels, code) => labels()[code] || code;

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const session = {
  get token() {
    return sessionStorage.getItem('kc.token');
  },
  get user() {
    const u = sessionStorage.getItem('kc.user');
    return u ? JSON.parse(u) : null;
  },
  set(token, user) {
    sessionStorage.setItem('kc.token', token);
    sessionStorage.setItem('kc.user', JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem('kc.token');
    sessionStorage.removeItem('kc.user');
  },
};

/** Builds an element (or fills one given); children are nodes or text (always text, never HTML). */
function h(tag, attrs = {}, ...children) {
  const el = typeof tag === 'string' ? document.createElement(tag) : tag;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function toast(message, error = false) {
  const el = /** @type {HTMLElement} */ (document.getElementById('toast'));
  el.textContent = message;
  el.className = error ? 'error' : '';
  el.hidden = false;
  clearTimeout(/** @type {any} */ (toast).timer);
  /** @type {any} */ (toast).timer = setTimeout(() => {
    el.hidden = true;
  }, 5000);
}

/** Thrown by api() once it has sent the user back to the login form. */
class SessionEnded extends Error {}

async function api(method, path, body, headers = {}) {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401 && path !== '/api/auth/login') {
    // The session expired or was ended elsewhere: back to the login form, saying why.
    session.clear();
    const message = t('Phiên đăng nhập đã hết hạn, hãy đăng nhập lại.');
    render();
    toast(message, true);
    throw new SessionEnded(message);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || t('Lỗi {status}', { status: res.status }));
  return data;
}

const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { timeZone: 'Asia/Ho_Chi_Minh' }) : '—');
/** An amount or a duration with the reader's marks: 7.500.000 and 2,5 in Vietnamese, 7,500,000 and 2.5 in English. */
const fmtNumber = (x) => x.toLocaleString(locale());
const badge = (status) => h('span', { class: `badge ${status}` }, labelOf(STATUS, status));

// ---------------------------------------------------------------- login

function loginView() {
  const form = h(
    'form',
    { class: 'card login', id: 'login-form' },
    h('h1', {}, t('Đăng nhập')),
    h('label', { for: 'username' }, t('Tên đăng nhập')),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true }),
    h('label', { for: 'password' }, t('Mật khẩu')),
    h('input', {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    h('button', { type: 'submit' }, t('Đăng nhập')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    try {
      const r = await api('POST', '/api/auth/login', { username: fd.get('username'), password: fd.get('password') });
      session.set(r.token, r.user);
      location.hash = '#/';
      render();
    } catch (err) {
      toast(err.message, true);
    }
  });
  return form;
}

/** The ids of the picked rows of a case table. */
function pickedIn(table) {
  return [...table.querySelectorAll('input.pick:checked')].map((x) => /** @type {HTMLInputElement} */ (x).value);
}

/**
 * A table of cases: a row per case that opens it (click or Enter), with a pick box on open cases
 * when `pickable` (keys j/k move between rows of any such table, x picks).
 */
function caseTable(id, items, pickable) {
  const rows = items.map((c) => {
    const pick =
      pickable && ['new', 'in_review'].includes(c.status)
        ? h('input', {
            type: 'checkbox',
            class: 'pick',
            'aria-label': t('Chọn vụ việc {id}', { id: c.id }),
            value: c.id,
          })
        : null;
    if (pick) pick.addEventListener('click', (e) => e.stopPropagation());
    const tr = h(
      'tr',
      { class: 'case-row', tabindex: 0, dataset: { caseId: c.id } },
      pickable ? h('td', { class: 'pick-cell' }, pick) : null,
      h('td', {}, h('div', { class: 'case-title' }, c.title), h('div', { class: 'muted' }, c.id)),
      h('td', {}, badge(c.status)),
      h('td', {}, c.claimType ? labelOf(CLAIM, c.claimType) : '—'),
      h('td', {}, String(c.postCount)),
      h(
        'td',
        {},
        c.priority.toFixed(1),
        c.verdictDueAt && ['new', 'in_review'].includes(c.status) && Date.parse(c.verdictDueAt) < Date.now()
          ? h('span', { class: 'badge overdue' }, t(' quá hạn'))
          : null,
      ),
      h('td', {}, c.assignee || '—'),
      h('td', { class: 'muted' }, fmtTime(c.updatedAt)),
    );
    const open = () => {
      location.hash = `#/cases/${c.id}`;
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') open();
    });
    return tr;
  });
  return h(
    'table',
    { id, class: 'cases' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        pickable ? h('th', { class: 'pick-cell' }, '') : null,
        h('th', {}, t('Nội dung')),
        h('th', {}, t('Trạng thái')),
        h('th', {}, t('Loại tin')),
        h('th', {}, t('Bài đăng')),
        h('th', {}, t('Ưu tiên')),
        h('th', {}, t('Người xử lý')),
        h('th', {}, t('Cập nhật')),
      ),
    ),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 8 }, t('Không có vụ việc nào.')))),
  );
}

// ---------------------------------------------------------------- triage queue

async function queueView(params) {
  const user = session.user;
  const sort = SORTS()[params.get('sort') || ''] ? /** @type {string} */ (params.get('sort')) : 'priority';
  const query = new URLSearchParams({ limit: '100', sort });
  for (const k of QUEUE_FILTERS) if (params.get(k)) query.set(k, /** @type {string} */ (params.get(k)));
  const [data, saved] = await Promise.all([
    api('GET', `/api/cases?${query}`),
    api('GET', '/api/saved-searches').catch(() => ({ items: [] })),
  ]);
  const select = (id, label, options, value) =>
    h(
      'select',
      { id, name: id },
      h('option', { value: '' }, label),
      ...Object.entries(options()).map(([k, v]) => h('option', { value: k, selected: k === value }, v)),
    );
  const statusSelect = select('filter-status', t('Tất cả trạng thái'), STATUS, params.get('status') || '');
  const kindSelect = select('filter-kind', t('Mọi loại tin'), CLAIM, params.get('claimType') || '');
  const platformSelect = select('filter-platform', t('Mọi nền tảng'), PLATFORM, params.get('platform') || '');
  const sortSelect = h(
    'select',
    { id: 'sort', name: 'sort' },
    ...Object.entries(SORTS()).map(([k, v]) => h('option', { value: k, selected: k === sort }, v)),
  );
  const search = h('input', {
    id: 'filter-q',
    name: 'q',
    value: params.get('q') || '',
    placeholder: t('Tìm theo nội dung (có dấu hoặc không dấu)'),
  });
  const region = h('input', {
    id: 'filter-region',
    name: 'region',
    value: params.get('region') || '',
    placeholder: t('Tỉnh hoặc huyện, ví dụ Gia Lai'),
  });
  const from = h('input', { id: 'filter-from', name: 'from', type: 'date', value: params.get('from') || '' });
  const to = h('input', { id: 'filter-to', name: 'to', type: 'date', value: params.get('to') || '' });
  const filters = h(
    'form',
    { class: 'filters', id: 'filters' },
    h('div', {}, h('label', { for: 'filter-q' }, t('Tìm kiếm')), search),
    h('div', {}, h('label', { for: 'filter-status' }, t('Trạng thái')), statusSelect),
    h('div', {}, h('label', { for: 'filter-kind' }, t('Loại tin')), kindSelect),
    h('div', {}, h('label', { for: 'filter-platform' }, t('Nền tảng')), platformSelect),
    h('div', {}, h('label', { for: 'filter-region' }, t('Địa bàn')), region),
    h('div', {}, h('label', { for: 'filter-from' }, t('Từ ngày')), from),
    h('div', {}, h('label', { for: 'filter-to' }, t('Đến ngày')), to),
    h('div', {}, h('label', { for: 'sort' }, t('Sắp xếp')), sortSelect),
    h('button', { type: 'submit' }, t('Lọc')),
  );
  const current = () => {
    const p = new URLSearchParams();
    const set = (k, v) => {
      if (v.trim()) p.set(k, v.trim());
    };
    set('status', statusSelect.value);
    set('q', search.value);
    set('claimType', kindSelect.value);
    set('platform', platformSelect.value);
    set('region', region.value);
    set('from', from.value);
    set('to', to.value);
    if (sortSelect.value !== 'priority') p.set('sort', sortSelect.value);
    return p;
  };
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/?${current()}`;
  });

  // Saved searches: the filters under a name, kept per user by the API.
  const mine = saved.items.filter((x) => x.target === 'cases');
  const savedSelect = h(
    'select',
    { id: 'saved-searches', 'aria-label': t('Tìm kiếm đã lưu') },
    h('option', { value: '' }, mine.length ? t('Tìm kiếm đã lưu…') : t('Chưa có tìm kiếm đã lưu')),
    ...mine.map((x) => h('option', { value: x.id }, x.name)),
  );
  savedSelect.addEventListener('change', () => {
    const chosen = mine.find((x) => x.id === savedSelect.value);
    if (!chosen) return;
    const p = new URLSearchParams(chosen.query);
    p.delete('limit');
    p.delete('sort');
    location.hash = `#/?${p}`;
  });
  const saveName = h('input', { id: 'save-name', placeholder: t('Tên tìm kiếm'), maxlength: 100 });
  const saveForm = h(
    'form',
    { class: 'filters saved', id: 'save-search' },
    h('div', {}, savedSelect),
    h('div', {}, saveName),
    h('button', { type: 'submit' }, t('Lưu tìm kiếm')),
  );
  saveForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = saveName.value.trim();
    if (!name) return toast(t('Hãy đặt tên cho tìm kiếm.'), true);
    try {
      await api('POST', '/api/saved-searches', { name, target: 'cases', query: Object.fromEntries(current()) });
      toast(t('Đã lưu tìm kiếm “{name}”.', { name }));
      render();
    } catch (err) {
      toast(err.message, true);
    }
  });
  const canDismiss = DISMISS_ROLES.includes(user.role);
  // Bulk dismissal of obvious non-cases, with the reason the audit log keeps.
  const dismissNote = h('input', {
    id: 'bulk-note',
    placeholder: t('Lý do không xử lý (bắt buộc)'),
    maxlength: 2000,
  });
  const bulkCount = h('span', { class: 'muted', id: 'bulk-count' }, t('Chưa chọn vụ việc nào'));
  const bulk = h(
    'form',
    { class: 'filters bulk', id: 'bulk-dismiss' },
    h('div', {}, bulkCount),
    h('div', {}, dismissNote),
    h('button', { type: 'submit' }, t('Không xử lý các vụ đã chọn')),
  );
  const table = caseTable('case-table', data.items, canDismiss);
  const picked = () => pickedIn(table);
  table.addEventListener('change', () => {
    const n = picked().length;
    bulkCount.textContent = n ? t('Đã chọn {n} vụ việc', { n }) : t('Chưa chọn vụ việc nào');
  });
  bulk.addEventListener('submit', async (e) => {
    e.preventDefault();
    const caseIds = picked();
    if (caseIds.length === 0) return toast(t('Hãy chọn ít nhất một vụ việc (phím x hoặc ô chọn).'), true);
    if (!dismissNote.value.trim()) return toast(t('Hãy ghi lý do không xử lý.'), true);
    try {
      const r = await api('POST', '/api/cases/bulk/dismiss', { caseIds, note: dismissNote.value.trim() });
      const failed = r.results.filter((x) => !x.ok);
      toast(
        failed.length
          ? t('Đã chuyển {done} vụ việc sang “Không xử lý”; {failed} vụ không chuyển được: {details}', {
              done: r.results.length - failed.length,
              failed: failed.length,
              details: failed.map((x) => `${x.caseId} (${x.message})`).join('; '),
            })
          : t('Đã chuyển {n} vụ việc sang “Không xử lý”.', { n: r.results.length }),
        failed.length > 0,
      );
      render();
    } catch (err) {
      toast(err.message, true);
    }
  });
  const title = user.role === 'police_liaison' ? t('Hồ sơ được chuyển đến Công an') : t('Hàng đợi xác minh');
  return h(
    'section',
    {},
    h('h1', {}, title),
    filters,
    saveForm,
    canDismiss ? bulk : null,
    h('p', { class: 'muted', id: 'case-total' }, t('{n} vụ việc', { n: data.total })),
    h('p', { class: 'muted keys' }, t('Phím tắt: j/k — xuống/lên, Enter — mở, x — chọn.')),
    table,
  );
}

// ---------------------------------------------------------------- case view

/**
 * The post's text with the classifier's phrases marked. Phrases come folded ("xong hoi"); the
 * text is folded character by character, keeping where each folded character came from, so the
 * marks land on the original "xông hơi". Text nodes only: hostile HTML stays text.
 */
function highlighted(text, phrases) {
  const folded = [];
  const from = [];
  for (let i = 0; i < text.length; i++) {
    const f = text[i]
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/đ/g, 'd');
    for (const ch of f) {
      folded.push(ch);
      from.push(i);
    }
  }
  const plain = folded.join('');
  const ranges = [];
  for (const phrase of new Set(phrases)) {
    const words = phrase.split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const body = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\p{L}\\p{N}]+');
    for (const m of plain.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'gu'))) {
      const end = m.index + m[0].length;
      ranges.push([from[m.index], end < from.length ? from[end] : text.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    const s0 = Math.max(start, at);
    if (s0 > at) out.push(text.slice(at, s0));
    out.push(h('mark', { class: 'hit' }, text.slice(s0, end)));
    at = end;
  }
  out.push(text.slice(at));
  return out;
}

async function caseView(id) {
  const v = await api('GET', `/api/cases/${encodeURIComponent(id)}`);
  const c = v.case;
  const act = async (method, path, body) => {
    try {
      await api(method, path, body, { 'if-match': `"${c.version}"` });
      toast(t('Đã lưu.'));
      render();
    } catch (err) {
      toast(err.message, true);
    }
  };

  const posts = v.posts.map(({ post, classification }) => {
    const shot = post.evidence.find((e) => e.kind === 'screenshot');
    const img = shot ? h('img', { alt: t('Ảnh chụp bài đăng'), class: 'evidence-shot' }) : null;
    if (img && shot) {
      fetch(`/api/evidence/${shot.sha256}`, { headers: { authorization: `Bearer ${session.token}` } })
        .then((r) => (r.ok ? r.blob() : null))
        .then((b) => {
          if (b) img.setAttribute('src', URL.createObjectURL(b));
        });
    }
    return h(
      'article',
      { class: 'card post', dataset: { postId: post.id } },
      post.title ? h('h2', {}, post.title) : null,
      h(
        'div',
        { class: 'muted' },
        `${post.platform} · ${post.author ? post.author.name || post.author.handle : t('không rõ tác giả')} · ${fmtTime(post.publishedAt)} · `,
        h('a', { href: post.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, t('Nguồn')),
      ),
      h(
        'p',
        { class: 'post-text' },
        highlighted(
          post.text,
          classification.reasons.filter((r) => r.kind !== 'counter').flatMap((r) => r.phrases),
        ),
      ),
      post.metrics
        ? h(
            'div',
            { class: 'muted' },
            t('{reactions} lượt thích · {comments} bình luận · {shares} chia sẻ', post.metrics),
          )
        : null,
      h('h2', {}, t('Lý do hệ thống gắn cờ (điểm {score})', { score: classification.score.toFixed(2) })),
      h(
        'ul',
        { class: 'reasons' },
        classification.reasons.map((r) =>
          h(
            'li',
            { class: `reason-${r.kind}` },
            r.message,
            r.phrases.length ? h('span', { class: 'muted' }, ` — “${r.phrases.join('”, “')}”`) : null,
          ),
        ),
      ),
      img
        ? h(
            'div',
            { class: 'evidence' },
            h('h2', {}, t('Ảnh chụp chứng cứ')),
            img,
            h(
              'div',
              { class: 'muted' },
              t('SHA-256 {sha256} · chụp lúc {at}', { sha256: shot.sha256, at: fmtTime(shot.capturedAt) }),
            ),
          )
        : null,
      h(
        'div',
        { class: 'muted' },
        t('Chứng cứ: {list}', { list: post.evidence.map((e) => `${e.kind} ${e.sha256.slice(0, 12)}…`).join(', ') }),
      ),
    );
  });

  const side = [];
  side.push(
    h(
      'div',
      { class: 'card' },
      h('h2', {}, t('Thông tin vụ việc')),
      h('div', {}, t('Trạng thái: '), badge(c.status)),
      h('div', {}, t('Loại tin: {kind}', { kind: c.claimType ? labelOf(CLAIM, c.claimType) : '—' })),
      h('div', {}, t('Người xử lý: {assignee}', { assignee: c.assignee || '—' })),
      h('div', {}, t('Phiên bản: {version}', { version: c.version })),
      c.verdict
        ? h(
            'div',
            {},
            t('Kết luận: {verdict} ({by}) — {note}', {
              verdict: labelOf(VERDICT, c.verdict.verdict),
              by: c.verdict.by,
              note: c.verdict.note,
            }),
          )
        : null,
    ),
  );

  side.push(
    h(
      'div',
      { class: 'card', id: 'poster-card' },
      h('h2', {}, t('Người đăng')),
      v.posterHidden
        ? h('p', { class: 'muted' }, t('Vai trò của bạn không được xem thông tin người đăng.'))
        : v.poster
          ? h(
              'div',
              {},
              h('div', {}, v.poster.displayName || v.poster.handle),
              h('div', { class: 'muted' }, `${v.poster.platform} · ${v.poster.handle}`),
              v.poster.profileUrl
                ? h(
                    'a',
                    { href: v.poster.profileUrl, rel: 'noopener noreferrer nofollow', target: '_blank' },
                    t('Trang cá nhân'),
                  )
                : null,
              POSTER_ROLES.includes(session.user.role)
                ? h(
                    'div',
                    {},
                    h(
                      'a',
                      { href: `#/posters/${encodeURIComponent(v.poster.id)}`, id: 'poster-link' },
                      t('Mọi vụ việc của người đăng này'),
                    ),
                  )
                : null,
            )
          : h('p', { class: 'muted' }, t('Chưa xác định.')),
    ),
  );

  if (v.escalations.length) {
    side.push(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('Chuyển cơ quan công an')),
        v.escalations.map((e) =>
          h(
            'div',
            { class: 'escalation', dataset: { escalationId: e.id } },
            h('div', {}, `${e.unit} — ${labelOf(ESCALATION_STATUS, e.status)}`),
            h('div', { class: 'muted' }, e.summary),
            e.outcome
              ? h(
                  'div',
                  { class: 'outcome' },
                  t('Kết quả: {outcome}', { outcome: labelOf(OUTCOME, e.outcome.kind) }),
                  e.outcome.amountVnd ? ` — ${t('{amount} đồng', { amount: fmtNumber(e.outcome.amountVnd) })}` : '',
                  e.outcome.legalBasis ? ` — ${e.outcome.legalBasis}` : '',
                )
              : null,
            BUNDLE_ROLES.includes(session.user.role) && e.status !== 'pending_approval'
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    id: 'download-bundle',
                    onclick: () =>
                      download(`/api/escalations/${e.id}/bundle`, `ho-so-${c.id}.zip`).catch((err) =>
                        toast(err.message, true),
                      ),
                  },
                  t('Tải hồ sơ chứng cứ (ZIP)'),
                )
              : null,
            v.allowedActions.includes('approve_escalation') && e.status === 'pending_approval'
              ? h(
                  'button',
                  {
                    type: 'button',
                    id: 'approve-escalation',
                    onclick: () => act('POST', `/api/escalations/${e.id}/approve`),
                  },
                  t('Duyệt chuyển công an'),
                )
              : null,
            v.allowedActions.includes('acknowledge_escalation') && e.status === 'sent'
              ? h(
                  'button',
                  {
                    type: 'button',
                    id: 'acknowledge-escalation',
                    onclick: () => act('POST', `/api/escalations/${e.id}/acknowledge`),
                  },
                  t('Xác nhận đã tiếp nhận'),
                )
              : null,
          ),
        ),
      ),
    );
  }
  if (v.corrections.length) {
    side.push(
      h(
        'div',
        { class: 'card' },
        h('h2', {}, t('Yêu cầu cải chính')),
        v.corrections.map((r) =>
          h(
            'div',
            { class: 'correction', dataset: { correctionId: r.id } },
            t('{recipient} ({channel}) — hạn {due}', {
              recipient: r.recipient,
              channel: labelOf(CHANNEL, r.channel),
              due: fmtTime(r.dueAt),
            }),
            LETTER_ROLES.includes(session.user.role)
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary download-letter',
                    onclick: () =>
                      download(`/api/corrections/${r.id}/letter`, `de-nghi-cai-chinh-${c.id}.docx`).catch((err) =>
                        toast(err.message, true),
                      ),
                  },
                  t('Tải công văn (DOCX)'),
                )
              : null,
          ),
        ),
      ),
    );
  }

  if (v.rebuttals.length) {
    side.push(
      h(
        'div',
        { class: 'card', id: 'rebuttals' },
        h('h2', {}, t('Tin phản bác')),
        v.rebuttals.map((r) =>
          h(
            'div',
            { class: 'rebuttal', dataset: { rebuttalId: r.id } },
            h('strong', {}, r.title),
            h('div', { class: 'rebuttal-status' }, labelOf(REBUTTAL_STATUS, r.status)),
            h('p', { class: 'muted' }, r.body),
            r.publishedWhere ? h('div', { class: 'muted' }, t('Đăng tại: {where}', { where: r.publishedWhere })) : null,
            v.allowedActions.includes('approve_rebuttal') && r.status === 'draft'
              ? h(
                  'button',
                  {
                    type: 'button',
                    id: 'approve-rebuttal',
                    onclick: () => act('POST', `/api/rebuttals/${r.id}/approve`),
                  },
                  t('Duyệt tin phản bác'),
                )
              : null,
            v.allowedActions.includes('publish_rebuttal') && r.status === 'approved' ? publishForm(r, act) : null,
          ),
        ),
      ),
    );
  }

  const forms = actionForms(v, act);
  const similar = POST_SEARCH_ROLES.includes(session.user.role) ? await similarPosts(v) : null;
  const timeline = h(
    'div',
    { class: 'card' },
    h('h2', {}, t('Diễn biến')),
    h(
      'ol',
      { class: 'timeline', id: 'timeline' },
      v.timeline.map((e) =>
        h(
          'li',
          {},
          `${fmtTime(e.at)} — ${labelOf(ACTION, e.action)} — ${e.actor}`,
          e.toStatus && e.fromStatus !== e.toStatus
            ? h('span', { class: 'muted' }, ` → ${labelOf(STATUS, e.toStatus)}`)
            : null,
        ),
      ),
    ),
  );

  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/' }, t('← Hàng đợi'))),
    h('h1', { id: 'case-title' }, c.title),
    h('div', { class: 'grid' }, h('div', {}, posts, similar, timeline), h('div', {}, side, forms)),
  );
}

/**
 * Other posts that carry the same claim: a search for the longest phrase the classifier matched
 * (folded, so spellings with and without diacritics meet), without the case's own posts.
 */
async function similarPosts(v) {
  const own = new Set(v.posts.map((p) => p.post.id));
  const phrases = v.posts
    .flatMap((p) => p.classification.reasons)
    .filter((r) => r.kind === 'claim')
    .flatMap((r) => r.phrases)
    .sort((a, b) => b.length - a.length);
  if (phrases.length === 0) return null;
  const found = await api('GET', `/api/posts?${new URLSearchParams({ q: phrases[0], limit: '20' })}`).catch(() => null);
  const others = (found?.items ?? []).filter((x) => !own.has(x.post.id)).slice(0, 10);
  return h(
    'div',
    { class: 'card', id: 'similar-posts' },
    h('h2', {}, t('Bài đăng tương tự ({n})', { n: others.length })),
    h('p', { class: 'muted' }, t('Tìm theo cụm từ “{phrase}”', { phrase: phrases[0] })),
    others.length
      ? h(
          'ul',
          { class: 'similar' },
          others.map(({ post, classification }) =>
            h(
              'li',
              { dataset: { postId: post.id } },
              h('div', {}, post.text.length > 240 ? `${post.text.slice(0, 240)}…` : post.text),
              h(
                'div',
                { class: 'muted' },
                `${labelOf(PLATFORM, post.platform)} · ${fmtTime(post.fetchedAt)} · `,
                classification.flagged ? t('Đã gắn cờ') : t('Không gắn cờ'),
                ' · ',
                h('a', { href: post.url, rel: 'noopener noreferrer nofollow', target: '_blank' }, t('Nguồn')),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('Không có bài đăng nào khác.')),
  );
}

// ---------------------------------------------------------------- poster

async function posterView(id) {
  const r = await api('GET', `/api/posters/${encodeURIComponent(id)}`);
  const p = r.poster;
  const identity = p.identity;
  const row = (label, value) => (value ? h('div', {}, h('span', { class: 'muted' }, `${label}: `), value) : null);
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/' }, t('← Hàng đợi'))),
    h('h1', { id: 'poster-title' }, p.displayName || p.handle),
    h(
      'div',
      { class: 'card', id: 'poster-details' },
      row(t('Nền tảng'), labelOf(PLATFORM, p.platform)),
      row(t('Tài khoản'), p.handle),
      p.profileUrl
        ? h('a', { href: p.profileUrl, rel: 'noopener noreferrer nofollow', target: '_blank' }, t('Trang cá nhân'))
        : null,
      identity
        ? h(
            'div',
            { class: 'identity' },
            row(t('Họ tên'), identity.realName),
            row(t('Số điện thoại'), identity.phone),
            row(t('Địa chỉ'), identity.address),
            row(t('Số định danh'), identity.idNumber),
            h('p', { class: 'muted' }, t('Mỗi lần xem thông tin này đều được ghi vào nhật ký.')),
          )
        : null,
    ),
    h('h2', {}, t('Vụ việc của người đăng ({n})', { n: r.cases.length })),
    caseTable('poster-cases', r.cases, false),
  );
}

function publishForm(r, act) {
  const where = h('input', {
    id: 'publish-where',
    name: 'where',
    required: true,
    value: 'Cổng thông tin điện tử tỉnh',
  });
  const url = h('input', { id: 'publish-url', name: 'url', type: 'url', placeholder: 'https://…' });
  const f = h(
    'form',
    { id: 'publish-form' },
    ...field(t('Đăng tại'), where),
    ...field(t('Đường dẫn bài đăng'), url),
    h('button', { type: 'submit' }, t('Đánh dấu đã đăng')),
  );
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    act('POST', `/api/rebuttals/${r.id}/publish`, {
      where: where.value,
      ...(url.value.trim() ? { url: url.value.trim() } : {}),
    });
  });
  return f;
}

function field(label, input) {
  return [h('label', { for: input.id }, label), input];
}

function actionForms(v, act) {
  const c = v.case;
  const user = session.user;
  const out = [];
  const allowed = new Set(v.allowedActions);
  const form = (id, title, fields, submitLabel, onSubmit) => {
    const f = h(
      'form',
      { class: 'card', id },
      h('h2', {}, title),
      fields,
      h('button', { type: 'submit' }, submitLabel),
    );
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      onSubmit(new FormData(f));
    });
    return f;
  };
  if (allowed.has('assign')) {
    if (user.role === 'analyst') {
      out.push(
        form('assign-form', t('Nhận xác minh'), [], t('Tôi nhận vụ việc này'), () =>
          act('POST', `/api/cases/${c.id}/assign`, { assignee: user.username }),
        ),
      );
    } else {
      const sel = h('select', { id: 'assignee', name: 'assignee' });
      api('GET', '/api/users').then((r) =>
        r.items
          .filter((u) => u.role === 'analyst' || u.role === 'supervisor')
          .forEach((u) => {
            sel.append(h('option', { value: u.username }, `${u.displayName || u.username} (${u.username})`));
          }),
      );
      out.push(
        form('assign-form', t('Phân công xác minh'), field(t('Chuyên viên'), sel), t('Phân công'), (fd) =>
          act('POST', `/api/cases/${c.id}/assign`, { assignee: fd.get('assignee') }),
        ),
      );
    }
  }
  if (allowed.has('verdict')) {
    const sel = h(
      'select',
      { id: 'verdict', name: 'verdict' },
      Object.entries(VERDICT()).map(([k, l]) => h('option', { value: k }, l)),
    );
    out.push(
      form(
        'verdict-form',
        t('Kết luận xác minh'),
        [
          ...field(t('Kết luận'), sel),
          ...field(t('Ghi chú'), h('textarea', { id: 'verdict-note', name: 'note' })),
          ...field(
            t('Nguồn chính thống (mỗi dòng một đường dẫn)'),
            h('textarea', { id: 'verdict-sources', name: 'sources', placeholder: 'https://moh.gov.vn/…' }),
          ),
        ],
        t('Lưu kết luận'),
        (fd) =>
          act('POST', `/api/cases/${c.id}/verdict`, {
            verdict: fd.get('verdict'),
            note: String(fd.get('note') || ''),
            sources: String(fd.get('sources') || '')
              .split('\n')
              .map((s) => s.trim())
              .filter(Boolean),
          }),
      ),
    );
  }
  if (allowed.has('link_poster')) {
    const author = (v.posts.find((p) => p.post.author?.profileUrl) ?? v.posts.find((p) => p.post.author))?.post;
    out.push(
      form(
        'poster-form',
        t('Xác định người đăng'),
        [
          ...field(
            t('Nền tảng'),
            h('input', { id: 'poster-platform', name: 'platform', value: author?.platform || '', required: true }),
          ),
          ...field(
            t('Tài khoản'),
            h('input', { id: 'poster-handle', name: 'handle', value: author?.author?.handle || '', required: true }),
          ),
          ...field(
            t('Trang cá nhân (URL)'),
            h('input', {
              id: 'poster-url',
              name: 'profileUrl',
              value: author?.author?.profileUrl || '',
              required: true,
            }),
          ),
          ...field(
            t('Tên hiển thị'),
            h('input', { id: 'poster-name', name: 'displayName', value: author?.author?.name || '' }),
          ),
        ],
        t('Lưu người đăng'),
        (fd) =>
          act('PUT', `/api/cases/${c.id}/poster`, {
            platform: fd.get('platform'),
            handle: fd.get('handle'),
            profileUrl: fd.get('profileUrl'),
            ...(fd.get('displayName') ? { displayName: fd.get('displayName') } : {}),
          }),
      ),
    );
  }
  if (allowed.has('request_correction')) {
    const due = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    out.push(
      form(
        'correction-form',
        t('Yêu cầu cải chính, gỡ bỏ'),
        [
          ...field(t('Gửi đến'), h('input', { id: 'correction-recipient', name: 'recipient', required: true })),
          ...field(
            t('Hình thức'),
            h(
              'select',
              { id: 'correction-channel', name: 'channel' },
              Object.entries(CHANNEL()).map(([k, l]) => h('option', { value: k }, l)),
            ),
          ),
          ...field(t('Nội dung'), h('textarea', { id: 'correction-message', name: 'message', required: true })),
          ...field(
            t('Hạn thực hiện'),
            h('input', { id: 'correction-due', name: 'dueAt', type: 'date', value: due, required: true }),
          ),
        ],
        t('Gửi yêu cầu'),
        (fd) =>
          act('POST', `/api/cases/${c.id}/corrections`, {
            recipient: fd.get('recipient'),
            channel: fd.get('channel'),
            message: fd.get('message'),
            dueAt: new Date(`${fd.get('dueAt')}T17:00:00+07:00`).toISOString(),
          }),
      ),
    );
  }
  if (allowed.has('request_escalation') && !v.escalations.some((e) => e.status !== 'closed')) {
    out.push(
      form(
        'escalation-form',
        t('Đề nghị chuyển cơ quan công an'),
        [
          ...field(
            t('Đơn vị nhận'),
            h('input', {
              id: 'escalation-unit',
              name: 'unit',
              value: 'Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao – Công an tỉnh',
              required: true,
            }),
          ),
          ...field(t('Tóm tắt'), h('textarea', { id: 'escalation-summary', name: 'summary', required: true })),
        ],
        t('Gửi đề nghị (chờ lãnh đạo duyệt)'),
        (fd) => act('POST', `/api/cases/${c.id}/escalations`, { unit: fd.get('unit'), summary: fd.get('summary') }),
      ),
    );
  }
  if (allowed.has('draft_rebuttal') && !v.rebuttals.some((r) => r.status !== 'published')) {
    out.push(
      form(
        'rebuttal-form',
        t('Soạn tin phản bác'),
        [
          ...field(t('Tiêu đề'), h('input', { id: 'rebuttal-title', name: 'title', required: true, maxlength: 300 })),
          ...field(t('Nội dung'), h('textarea', { id: 'rebuttal-body', name: 'body', required: true, rows: 6 })),
          ...field(
            t('Nguồn chính thống (mỗi dòng một đường dẫn)'),
            h('textarea', {
              id: 'rebuttal-sources',
              name: 'sources',
              required: true,
              placeholder: 'https://moh.gov.vn/…',
            }),
          ),
        ],
        t('Gửi lãnh đạo duyệt'),
        (fd) =>
          act('POST', `/api/cases/${c.id}/rebuttals`, {
            title: fd.get('title'),
            body: fd.get('body'),
            sources: String(fd.get('sources') || '')
              .split('\n')
              .map((x) => x.trim())
              .filter(Boolean),
          }),
      ),
    );
  }
  const open = v.escalations.find((e) => e.status === 'acknowledged' || e.status === 'in_progress');
  if (allowed.has('close_escalation') && open) {
    const kind = h(
      'select',
      { id: 'outcome-kind', name: 'kind' },
      Object.entries(OUTCOME()).map(([k, l]) => h('option', { value: k }, l)),
    );
    out.push(
      form(
        'outcome-form',
        t('Kết quả xử lý của cơ quan công an'),
        [
          ...field(t('Hình thức xử lý'), kind),
          ...field(
            t('Số tiền phạt (đồng)'),
            h('input', { id: 'outcome-amount', name: 'amountVnd', inputmode: 'numeric' }),
          ),
          ...field(
            t('Căn cứ pháp lý'),
            h('input', {
              id: 'outcome-basis',
              name: 'legalBasis',
              placeholder: t('Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP'),
            }),
          ),
          ...field(t('Ghi chú'), h('textarea', { id: 'outcome-note', name: 'note' })),
        ],
        t('Gửi kết quả và đóng hồ sơ'),
        (fd) => {
          const amount = String(fd.get('amountVnd') || '').replace(/[.\s,]/g, '');
          if (amount && !/^\d+$/.test(amount)) return toast(t('Số tiền phạt chỉ gồm chữ số.'), true);
          if (fd.get('kind') === 'administrative_fine' && (!amount || !String(fd.get('legalBasis') || '').trim())) {
            return toast(t('Xử phạt hành chính cần số tiền phạt và căn cứ pháp lý.'), true);
          }
          act('POST', `/api/escalations/${open.id}/outcome`, {
            kind: fd.get('kind'),
            ...(amount ? { amountVnd: Number(amount) } : {}),
            ...(String(fd.get('legalBasis') || '').trim() ? { legalBasis: String(fd.get('legalBasis')).trim() } : {}),
            note: String(fd.get('note') || ''),
          });
        },
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- supervisor and press office desks

/** A titled list of cases from GET /api/cases with the given query. */
async function caseSection(id, title, query, pickable = false) {
  const data = await api('GET', `/api/cases?${new URLSearchParams({ limit: '50', sort: 'priority', ...query })}`);
  const table = caseTable(`${id}-table`, data.items, pickable);
  return {
    table,
    el: h(
      'section',
      { class: 'desk-section', id },
      h('h2', {}, `${title} `, h('span', { class: 'count' }, `(${data.total})`)),
      table,
    ),
  };
}

async function supervisorView() {
  const [approvals, rebuttals, overdue, unassigned, workload, users] = await Promise.all([
    caseSection('awaiting-escalation', t('Đề nghị chuyển công an chờ duyệt'), { awaiting: 'escalation_approval' }),
    caseSection('awaiting-rebuttal', t('Tin phản bác chờ duyệt'), { awaiting: 'rebuttal_approval' }),
    caseSection('overdue', t('Quá hạn kết luận'), { overdue: 'true' }),
    caseSection('unassigned', t('Mới phát hiện, chưa phân công'), { status: 'new' }, true),
    api('GET', '/api/workload'),
    api('GET', '/api/users'),
  ]);
  // Every analyst, with nothing in review shown as 0: who can take more.
  const load = new Map(workload.items.map((w) => [w.assignee, w]));
  const people = users.items.filter((u) => u.role === 'analyst' || load.has(u.username));
  const rows = people
    .map((u) => ({ u, w: load.get(u.username) ?? { inReview: 0, overdue: 0 } }))
    .sort((a, b) => b.w.inReview - a.w.inReview || a.u.username.localeCompare(b.u.username));
  const workloadTable = h(
    'table',
    { id: 'workload' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, t('Chuyên viên')), h('th', {}, t('Đang xác minh')), h('th', {}, t('Quá hạn'))),
    ),
    h(
      'tbody',
      {},
      rows.map(({ u, w }) =>
        h(
          'tr',
          { dataset: { user: u.username } },
          h('td', {}, `${u.displayName || u.username} (${u.username})`),
          h('td', {}, String(w.inReview)),
          h('td', { class: w.overdue ? 'bad' : '' }, String(w.overdue)),
        ),
      ),
    ),
  );
  const assignee = h(
    'select',
    { id: 'bulk-assignee' },
    users.items
      .filter((u) => u.role === 'analyst' || u.role === 'supervisor')
      .map((u) => h('option', { value: u.username }, `${u.displayName || u.username} (${u.username})`)),
  );
  const assignForm = h(
    'form',
    { class: 'filters bulk', id: 'bulk-assign' },
    h('div', {}, h('label', { for: 'bulk-assignee' }, t('Phân công các vụ đã chọn cho')), assignee),
    h('button', { type: 'submit' }, t('Phân công')),
  );
  assignForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const caseIds = pickedIn(unassigned.table);
    if (caseIds.length === 0) return toast(t('Hãy chọn ít nhất một vụ việc (phím x hoặc ô chọn).'), true);
    try {
      const r = await api('POST', '/api/cases/bulk/assign', { caseIds, assignee: assignee.value });
      const failed = r.results.filter((x) => !x.ok);
      toast(
        failed.length
          ? t('Đã phân công {done} vụ việc; {failed} vụ không phân công được: {details}', {
              done: r.results.length - failed.length,
              failed: failed.length,
              details: failed.map((x) => `${x.caseId} (${x.message})`).join('; '),
            })
          : t('Đã phân công {n} vụ việc cho {assignee}.', { n: r.results.length, assignee: assignee.value }),
        failed.length > 0,
      );
      render();
    } catch (err) {
      toast(err.message, true);
    }
  });
  return h(
    'section',
    {},
    h('h1', {}, t('Điều phối')),
    approvals.el,
    rebuttals.el,
    overdue.el,
    h('section', { class: 'desk-section' }, h('h2', {}, t('Khối lượng công việc')), workloadTable),
    unassigned.el,
    assignForm,
  );
}

async function pressView() {
  const sections = await Promise.all([
    caseSection('to-draft', t('Đã kết luận sai sự thật, cần tin phản bác'), {
      status: 'verified_false,verified_misleading,correction_requested',
    }),
    caseSection('awaiting-publication', t('Tin phản bác đã duyệt, chờ đăng'), { awaiting: 'rebuttal_publication' }),
    caseSection('awaiting-approval', t('Tin phản bác chờ lãnh đạo duyệt'), { awaiting: 'rebuttal_approval' }),
    caseSection('corrections-due', t('Đang chờ cải chính, gỡ bỏ'), { status: 'correction_requested' }),
  ]);
  return h(
    'section',
    {},
    h('h1', {}, t('Báo chí, phản bác')),
    sections.map((x) => x.el),
  );
}

// ---------------------------------------------------------------- weekly report

/** A day in Vietnam time (YYYY-MM-DD), `daysAgo` days before today. */
function vnDay(daysAgo = 0) {
  return new Date(Date.now() + 7 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** Downloads an API file with the session's token (a plain link could not send it). */
async function download(path, filename) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${session.token}` } });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    throw new Error(data.message || t('Lỗi {status}', { status: res.status }));
  }
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The from / to / district form of the report and statistics pages (`name` is the route and the
 * prefix of the ids), with the range it shows: the last `days` + 1 days by default.
 */
function dayRangeForm(name, params, days, submitLabel) {
  const from = params.get('from') || vnDay(days);
  const to = params.get('to') || vnDay(0);
  const district = params.get('district') || '';
  const query = new URLSearchParams({ from, to });
  if (district) query.set('district', district);
  const fromInput = h('input', { id: `${name}-from`, type: 'date', value: from, required: true });
  const toInput = h('input', { id: `${name}-to`, type: 'date', value: to, required: true });
  const districtInput = h('input', { id: `${name}-district`, value: district, placeholder: t('Toàn tỉnh') });
  const form = h(
    'form',
    { class: 'filters', id: `${name}-form` },
    h('div', {}, h('label', { for: `${name}-from` }, t('Từ ngày')), fromInput),
    h('div', {}, h('label', { for: `${name}-to` }, t('Đến ngày')), toInput),
    h('div', {}, h('label', { for: `${name}-district` }, t('Địa bàn')), districtInput),
    h('button', { type: 'submit' }, submitLabel),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams({ from: fromInput.value, to: toInput.value });
    if (districtInput.value.trim()) p.set('district', districtInput.value.trim());
    location.hash = `#/${name}?${p}`;
  });
  return { from, to, query, form };
}

async function reportView(params) {
  const { from, to, query, form } = dayRangeForm('report', params, 6, t('Xem báo cáo'));
  const r = await api('GET', `/api/reports/weekly?${query}&format=json`);
  const file = (format, label) =>
    h(
      'button',
      {
        type: 'button',
        id: `report-${format}`,
        onclick: () =>
          download(`/api/reports/weekly?${query}&format=${format}`, `bao-cao-tuan-${from}-${to}.${format}`).catch(
            (err) => toast(err.message, true),
          ),
      },
      label,
    );
  const table = (id, head, rows) =>
    h(
      'table',
      { id },
      h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))),
      h(
        'tbody',
        {},
        rows.length
          ? rows.map((row) => h('tr', {}, ...row.map((x) => h('td', {}, String(x)))))
          : h('tr', {}, h('td', { colspan: head.length }, t('Không có.'))),
      ),
    );
  const unusual = r.unusual.map((c) =>
    h(
      'li',
      {},
      h('a', { href: `#/cases/${c.id}` }, c.title),
      h(
        'span',
        { class: 'muted' },
        ` · ${c.claimType ? labelOf(CLAIM, c.claimType) : '—'} · ${labelOf(STATUS, c.status)}`,
      ),
    ),
  );
  return h(
    'section',
    {},
    h('h1', {}, t('Báo cáo tuần')),
    form,
    h(
      'p',
      { class: 'muted', id: 'report-scope' },
      t('Từ {from} đến {to} · {scope}', {
        from: r.from,
        to: r.to,
        scope: r.district ? t('Địa bàn: {district}', { district: r.district }) : t('Toàn tỉnh'),
      }),
    ),
    h('div', { class: 'actions' }, file('docx', t('Tải báo cáo (DOCX)')), file('csv', t('Tải số liệu (CSV)'))),
    table(
      'report-summary',
      [t('Chỉ tiêu'), t('Số lượng')],
      [
        [t('Bài đăng được giám sát'), r.monitoredPosts],
        [t('Bài đăng bị gắn cờ'), r.flaggedPosts],
        [t('Yêu cầu cải chính'), r.corrections],
        [t('Tin phản bác đã đăng'), r.rebuttals],
        [t('Chuyển công an'), r.escalations],
      ],
    ),
    h('h2', {}, t('Vụ việc theo loại tin')),
    table(
      'report-kinds',
      [t('Loại tin'), t('Số vụ việc')],
      Object.entries(r.casesByKind).map(([k, n]) => [labelOf(CLAIM, k), n]),
    ),
    h('h2', {}, t('Vụ việc theo kết quả xử lý')),
    table(
      'report-outcomes',
      [t('Kết quả'), t('Số vụ việc')],
      Object.entries(r.casesByOutcome).map(([k, n]) => [labelOf(STATUS, k), n]),
    ),
    h('h2', {}, t('Thông tin bất thường trên địa bàn')),
    h('ol', { id: 'report-unusual' }, ...unusual),
  );
}

// ---------------------------------------------------------------- statistics

const SVG = 'http://www.w3.org/2000/svg';
/** Builds an SVG element; text children become text nodes. */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Vertical bars, one per item (days): the shape a briefing slide wants. */
function columnChart(id, title, items) {
  const max = Math.max(1, ...items.map(([, n]) => n));
  const w = 640;
  const height = 200;
  const gap = 2;
  const bw = Math.max(2, (w - 40) / Math.max(1, items.length) - gap);
  const bars = items.map(([label, n], i) => {
    const bh = Math.round((n / max) * (height - 40));
    const x = 30 + i * (bw + gap);
    return svg(
      'g',
      {},
      svg(
        'rect',
        { class: 'bar', x, y: height - 20 - bh, width: bw, height: bh, 'data-label': label, 'data-value': n },
        svg('title', {}, `${label}: ${n}`),
      ),
      items.length <= 31 && n > 0
        ? svg('text', { x: x + bw / 2, y: height - 24 - bh, 'text-anchor': 'middle', class: 'value' }, String(n))
        : null,
      items.length <= 16 || i % Math.ceil(items.length / 12) === 0
        ? svg(
            'text',
            { x: x + bw / 2, y: height - 5, 'text-anchor': 'middle', class: 'axis' },
            label.slice(5).split('-').reverse().join('/'),
          )
        : null,
    );
  });
  return h(
    'figure',
    { class: 'card chart', id },
    h('figcaption', {}, title),
    svg(
      'svg',
      { viewBox: `0 0 ${w} ${height}`, role: 'img', 'aria-label': title },
      svg('line', { x1: 28, x2: w, y1: height - 20, y2: height - 20, class: 'axis-line' }),
      bars,
    ),
  );
}

/** Horizontal bars with their labels, largest first. */
function barChart(id, title, items) {
  const sorted = [...items].sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...sorted.map(([, n]) => n));
  const row = 26;
  const w = 640;
  const labelW = 230;
  const height = Math.max(1, sorted.length) * row + 6;
  const rows = sorted.map(([label, n], i) => {
    const bw = Math.max(1, Math.round((n / max) * (w - labelW - 50)));
    const y = i * row + 4;
    return svg(
      'g',
      {},
      svg('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'axis' }, label),
      svg(
        'rect',
        { class: 'bar', x: labelW, y, width: bw, height: row - 8, 'data-label': label, 'data-value': n },
        svg('title', {}, `${label}: ${n}`),
      ),
      svg('text', { x: labelW + bw + 6, y: y + 15, class: 'value' }, String(n)),
    );
  });
  return h(
    'figure',
    { class: 'card chart', id },
    h('figcaption', {}, title),
    sorted.length
      ? svg('svg', { viewBox: `0 0 ${w} ${height}`, role: 'img', 'aria-label': title }, rows)
      : h('p', { class: 'muted' }, t('Không có số liệu.')),
  );
}

/** Chart items of a record of counts, its keys named by a label function (or as they are, without one). */
const named = (record, labels) =>
  Object.entries(record).map(([k, n]) => [k === 'unknown' ? t('Chưa rõ') : labels ? labelOf(labels, k) : k, n]);
/** A duration in hours as the reader writes it: "45 phút", "2,5 giờ" (45 min, 2.5 h). */
const hours = (x) =>
  x === null ? '—' : x < 1 ? t('{n} phút', { n: Math.round(x * 60) }) : t('{n} giờ', { n: fmtNumber(x) });

async function statsView(params) {
  const { query, form } = dayRangeForm('stats', params, 29, t('Xem thống kê'));
  const r = await api('GET', `/api/stats?${query}`);
  const verdictTime = r.cases.timeToVerdict;
  const figure = (id, label, value) =>
    h(
      'div',
      { class: 'card figure', id },
      h('div', { class: 'figure-value' }, String(value)),
      h('div', { class: 'muted' }, label),
    );
  return h(
    'section',
    {},
    h('h1', {}, t('Thống kê')),
    form,
    h(
      'p',
      { class: 'muted', id: 'stats-scope' },
      t('Từ {from} đến {to} · {scope}', {
        from: r.from,
        to: r.to,
        scope: r.district ? t('Địa bàn: {district}', { district: r.district }) : t('Toàn tỉnh'),
      }),
    ),
    h(
      'div',
      { class: 'figures' },
      figure('stat-monitored', t('Bài đăng được giám sát'), r.posts.monitored),
      figure('stat-flagged', t('Bài đăng bị gắn cờ'), r.posts.flagged),
      figure(
        'stat-verdict-median',
        t('Thời gian đến kết luận (trung vị, {n} vụ việc)', { n: verdictTime.count }),
        hours(verdictTime.medianHours),
      ),
      figure('stat-verdict-p90', t('90% vụ việc có kết luận trong'), hours(verdictTime.p90Hours)),
      figure('stat-corrections', t('Yêu cầu cải chính'), r.cases.corrections),
      figure('stat-escalations', t('Chuyển công an'), r.cases.escalations),
    ),
    columnChart('chart-days', t('Bài đăng bị gắn cờ theo ngày'), Object.entries(r.posts.flaggedByDay)),
    h(
      'div',
      { class: 'charts' },
      barChart('chart-kinds', t('Bài bị gắn cờ theo loại tin'), named(r.posts.flaggedByKind, CLAIM)),
      barChart('chart-platforms', t('Bài bị gắn cờ theo nền tảng'), named(r.posts.flaggedByPlatform, PLATFORM)),
      barChart('chart-districts', t('Bài bị gắn cờ theo địa bàn'), named(r.posts.flaggedByRegion, null)),
      barChart('chart-outcomes', t('Vụ việc theo kết quả xử lý'), named(r.cases.byStatus, STATUS)),
    ),
  );
}

// ---------------------------------------------------------------- router

/** The page's own texts, outside the views: written in index.html in Vietnamese, set here in the reader's language. */
function pageTexts() {
  document.title = t('Kiểm Chứng — Thanh tra Sở Thông tin và Truyền thông');
  const subtitle = document.querySelector('.topbar .subtitle');
  if (subtitle) subtitle.textContent = t('Giám sát và xử lý tin sai sự thật về Covid-19');
  const logout = document.getElementById('logout');
  if (logout) logout.textContent = t('Đăng xuất');
  // The switch offers the other language, named in that language (as language pickers do).
  const other = lang() === 'vi' ? 'en' : 'vi';
  const langSwitch = document.getElementById('lang-switch');
  if (langSwitch) {
    langSwitch.textContent = other === 'en' ? 'English' : 'Tiếng Việt';
    langSwitch.setAttribute('lang', other);
  }
}

/** Counts render() calls: a view whose data came back after a later render's is dropped. */
let renders = 0;

async function render() {
  const generation = ++renders;
  pageTexts();
  const user = session.user;
  const who = /** @type {HTMLElement} */ (document.getElementById('whoami'));
  const logout = /** @type {HTMLButtonElement} */ (document.getElementById('logout'));
  who.textContent = user ? `${user.displayName || user.username} · ${labelOf(ROLE, user.role)}` : '';
  logout.hidden = !user;
  if (!user || !session.token) {
    /** @type {HTMLElement} */ (document.getElementById('nav')).hidden = true;
    main.replaceChildren(loginView());
    return;
  }
  const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
  // replaceChildren would write a null as the text "null": only the links this role has.
  nav.replaceChildren(
    ...[
      h('a', { href: '#/' }, user.role === 'police_liaison' ? t('Hồ sơ chuyển đến') : t('Hàng đợi')),
      ['supervisor', 'admin'].includes(user.role)
        ? h('a', { href: '#/supervisor', id: 'nav-supervisor' }, t('Điều phối'))
        : null,
      ['press_office', 'supervisor'].includes(user.role)
        ? h('a', { href: '#/press', id: 'nav-press' }, t('Báo chí'))
        : null,
      REPORT_ROLES.includes(user.role) ? h('a', { href: '#/stats', id: 'nav-stats' }, t('Thống kê')) : null,
      REPORT_ROLES.includes(user.role) ? h('a', { href: '#/report', id: 'nav-report' }, t('Báo cáo tuần')) : null,
    ].filter((link) => link !== null),
  );
  nav.hidden = false;
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  try {
    const m = /^\/cases\/([\w-]+)$/.exec(path);
    const poster = /^\/posters\/([\w-]+)$/.exec(path);
    const view = m
      ? await caseView(m[1])
      : poster
        ? await posterView(poster[1])
        : path === '/report'
          ? await reportView(params)
          : path === '/stats'
            ? await statsView(params)
            : path === '/supervisor'
              ? await supervisorView()
              : path === '/press'
                ? await pressView()
                : await queueView(params);
    // A later render (a filter submitted while the first queue loaded) owns the page now.
    if (generation !== renders) return;
    main.replaceChildren(view);
  } catch (err) {
    // After an ended session the login form is already shown.
    if (err instanceof SessionEnded || generation !== renders) return;
    main.replaceChildren(
      h('div', { class: 'card' }, h('p', {}, err.message), h('a', { href: '#/' }, t('Về hàng đợi'))),
    );
  }
}

document.getElementById('lang-switch')?.addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  render();
});
document.getElementById('logout')?.addEventListener('click', async () => {
  await api('POST', '/api/auth/logout').catch(() => {});
  session.clear();
  location.hash = '#/';
  render();
});
// Triage keys: j/k move through the queue, Enter opens (on the row), x picks for bulk dismissal.
document.addEventListener('keydown', (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  if (e.ctrlKey || e.metaKey || e.altKey || target.closest('input, textarea, select')) return;
  const table = target.closest('table.cases') ?? document.querySelector('table.cases');
  const rows = /** @type {HTMLElement[]} */ (table ? [...table.querySelectorAll('tr.case-row')] : []);
  if (rows.length === 0) return;
  const at = rows.indexOf(/** @type {HTMLElement} */ (target.closest('tr.case-row')));
  if (e.key === 'j' || e.key === 'k') {
    e.preventDefault();
    const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + (e.key === 'j' ? 1 : -1)));
    rows[next]?.focus();
  } else if (e.key === 'x' && at >= 0) {
    const box = /** @type {HTMLInputElement | null} */ (rows[at]?.querySelector('input.pick') ?? null);
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
});
window.addEventListener('hashchange', render);
render();
