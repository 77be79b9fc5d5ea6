// @ts-check
// The console's languages, gettext-style: the Vietnamese text is the key, EN holds its English.
// Vietnamese is the default; the choice is kept per browser (localStorage), nothing is fetched,
// so the console reads the same with no internet. dashboards/test/i18n.test.ts checks that every
// t() key in app.js has its English here, that nothing here is unused, and that placeholders match.

/** localStorage key of the chosen language. */
const KEY = 'kc.lang';

/** @typedef {'vi' | 'en'} Lang */
/** @typedef {string | { one: string, other: string }} Entry An English text, or its singular and plural by `n`. */

/**
 * English of the console's Vietnamese texts. `{name}` placeholders are filled by t(); an entry
 * with `one` and `other` picks by the value of `n` (1 case, 2 cases).
 * @type {Readonly<Record<string, Entry>>}
 */
export const EN = Object.freeze({
  // Poster page and similar posts
  'Mọi vụ việc của người đăng này': 'All cases of this poster',
  'Bài đăng tương tự ({n})': 'Similar posts ({n})',
  'Tìm theo cụm từ “{phrase}”': 'Found by the phrase “{phrase}”',
  'Đã gắn cờ': 'Flagged',
  'Không gắn cờ': 'Not flagged',
  'Không có bài đăng nào khác.': 'No other posts.',
  'Họ tên': 'Full name',
  'Số điện thoại': 'Phone number',
  'Địa chỉ': 'Address',
  'Số định danh': 'ID number',
  'Mỗi lần xem thông tin này đều được ghi vào nhật ký.': 'Every view of this information is recorded in the audit log.',
  'Vụ việc của người đăng ({n})': 'Cases of this poster ({n})',

  // Page
  'Kiểm Chứng — Thanh tra Sở Thông tin và Truyền thông':
    'Kiểm Chứng — Inspectorate of the Department of Information and Communications',
  'Giám sát và xử lý tin sai sự thật về Covid-19': 'Monitoring and handling Covid-19 misinformation',
  'Đăng xuất': 'Sign out',
  'Hàng đợi': 'Queue',
  'Hồ sơ chuyển đến': 'Referred cases',
  'Điều phối': 'Coordination',
  'Báo chí': 'Press',
  'Thống kê': 'Statistics',
  'Báo cáo tuần': 'Weekly report',
  'Về hàng đợi': 'Back to the queue',
  'Phiên đăng nhập đã hết hạn, hãy đăng nhập lại.': 'Your session has expired; please sign in again.',
  'Lỗi {status}': 'Error {status}',
  'Đã lưu.': 'Saved.',

  // Sign-in
  'Đăng nhập': 'Sign in',
  'Tên đăng nhập': 'Username',
  'Mật khẩu': 'Password',

  // Case statuses
  'Mới phát hiện': 'Newly detected',
  'Đang xác minh': 'Under verification',
  'Sai sự thật': 'False',
  'Gây hiểu lầm': 'Misleading',
  'Không xử lý': 'No action',
  'Đã yêu cầu cải chính': 'Correction requested',
  'Đã đăng phản bác': 'Rebuttal published',
  'Đã chuyển công an': 'Referred to police',
  'Đã đóng': 'Closed',

  // Claim types
  'Mẹo chữa bệnh sai': 'False cure',
  'Tin đồn về vắc xin': 'Vaccine rumour',
  'Lệnh phong tỏa giả': 'Fake lockdown order',
  'Giấu số ca': 'Hidden case numbers',
  'Tin đồn có F0': 'Rumoured F0 case',
  'Ứng dụng lấy cắp dữ liệu': 'Data-stealing app',
  'Hoang mang khan hiếm': 'Shortage panic',
  'Thuyết âm mưu': 'Conspiracy theory',
  'Văn bản giả': 'Forged document',
  'Kết quả xét nghiệm giả': 'Fake test result',

  // Platforms
  'Báo điện tử, trang web': 'Online news, websites',
  'Diễn đàn': 'Forum',
  'Tin báo của người dân': 'Citizen tip',

  // Queue order
  'Ưu tiên (mức độ × lượt tiếp cận)': 'Priority (severity × reach)',
  'Mới cập nhật': 'Recently updated',

  // Roles
  'Chuyên viên thanh tra': 'Inspection officer',
  'Lãnh đạo Thanh tra': 'Inspectorate management',
  'Phòng Báo chí': 'Press office',
  'Công an tỉnh': 'Provincial police',
  'Quản trị': 'Administrator',

  // Verdicts
  'Đúng sự thật': 'True',
  'Không liên quan Covid': 'Not about Covid',

  // Timeline actions
  'Mở vụ việc': 'Case opened',
  'Gắn thêm bài đăng': 'Post attached',
  'Phân công xác minh': 'Verification assignment',
  'Kết luận xác minh': 'Verification verdict',
  'Xác định người đăng': 'Poster identification',
  'Yêu cầu cải chính': 'Correction requests',
  'Đề nghị chuyển công an': 'Police referral proposed',
  'Duyệt chuyển công an': 'Approve police referral',
  'Công an xác nhận tiếp nhận': 'Police acknowledged receipt',
  'Ý kiến': 'Comment',
  'Lưu chứng cứ (ảnh chụp, HTML)': 'Evidence saved (screenshot, HTML)',
  'Không chụp được chứng cứ': 'Evidence could not be captured',
  'Kiểm tra lại bài đăng': 'Post rechecked',
  'Cập nhật kết quả cải chính': 'Correction outcome updated',
  'Xem thông tin người đăng': 'Poster details viewed',
  'Gộp hồ sơ người đăng': 'Poster records merged',

  // Police outcomes
  'Nhắc nhở, cảnh cáo': 'Reminder or warning',
  'Xử phạt vi phạm hành chính': 'Administrative fine',
  'Chuyển xử lý hình sự': 'Referred for criminal prosecution',

  // Rebuttal and referral statuses
  'Bản nháp, chờ duyệt': 'Draft, awaiting approval',
  'Đã duyệt, chờ đăng': 'Approved, awaiting publication',
  'Đã đăng': 'Published',
  'chờ lãnh đạo duyệt': 'awaiting management approval',
  'đã gửi': 'sent',
  'công an đã tiếp nhận': 'received by the police',

  // Correction channels
  'Thư điện tử': 'Email',
  'Công văn': 'Official letter',
  'Báo cáo nền tảng': 'Platform report',
  'Điện thoại': 'Phone',
  'Làm việc trực tiếp': 'In person',

  // Case tables
  'Chọn vụ việc {id}': 'Select case {id}',
  ' quá hạn': ' overdue',
  'Nội dung': 'Content',
  'Trạng thái': 'Status',
  'Loại tin': 'Claim type',
  'Bài đăng': 'Posts',
  'Ưu tiên': 'Priority',
  'Người xử lý': 'Assignee',
  'Cập nhật': 'Updated',
  'Không có vụ việc nào.': 'No cases.',

  // Triage queue
  'Hàng đợi xác minh': 'Verification queue',
  'Hồ sơ được chuyển đến Công an': 'Cases referred to the police',
  'Tất cả trạng thái': 'All statuses',
  'Mọi loại tin': 'All claim types',
  'Mọi nền tảng': 'All platforms',
  'Tìm theo nội dung (có dấu hoặc không dấu)': 'Search the content (with or without diacritics)',
  'Tỉnh hoặc huyện, ví dụ Gia Lai': 'Province or district, e.g. Gia Lai',
  'Tìm kiếm': 'Search',
  'Nền tảng': 'Platform',
  'Địa bàn': 'Area',
  'Từ ngày': 'From',
  'Đến ngày': 'To',
  'Sắp xếp': 'Sort by',
  Lọc: 'Filter',
  'Tìm kiếm đã lưu': 'Saved searches',
  'Tìm kiếm đã lưu…': 'Saved searches…',
  'Chưa có tìm kiếm đã lưu': 'No saved searches yet',
  'Tên tìm kiếm': 'Search name',
  'Lưu tìm kiếm': 'Save search',
  'Hãy đặt tên cho tìm kiếm.': 'Give the search a name.',
  'Đã lưu tìm kiếm “{name}”.': 'Search “{name}” saved.',
  'Lý do không xử lý (bắt buộc)': 'Reason for no action (required)',
  'Chưa chọn vụ việc nào': 'No cases selected',
  'Không xử lý các vụ đã chọn': 'Mark selected cases “No action”',
  'Đã chọn {n} vụ việc': { one: '{n} case selected', other: '{n} cases selected' },
  'Hãy chọn ít nhất một vụ việc (phím x hoặc ô chọn).': 'Select at least one case (x key or checkbox).',
  'Hãy ghi lý do không xử lý.': 'Give the reason for no action.',
  'Đã chuyển {done} vụ việc sang “Không xử lý”; {failed} vụ không chuyển được: {details}':
    'Cases set to “No action”: {done}; not changed: {failed} — {details}',
  'Đã chuyển {n} vụ việc sang “Không xử lý”.': {
    one: '{n} case set to “No action”.',
    other: '{n} cases set to “No action”.',
  },
  '{n} vụ việc': { one: '{n} case', other: '{n} cases' },
  'Phím tắt: j/k — xuống/lên, Enter — mở, x — chọn.': 'Shortcuts: j/k — down/up, Enter — open, x — select.',

  // Case view
  'Ảnh chụp bài đăng': 'Screenshot of the post',
  'không rõ tác giả': 'unknown author',
  Nguồn: 'Source',
  '{reactions} lượt thích · {comments} bình luận · {shares} chia sẻ':
    'Likes: {reactions} · Comments: {comments} · Shares: {shares}',
  'Lý do hệ thống gắn cờ (điểm {score})': 'Why the system flagged it (score {score})',
  'Ảnh chụp chứng cứ': 'Evidence screenshot',
  'SHA-256 {sha256} · chụp lúc {at}': 'SHA-256 {sha256} · captured {at}',
  'Chứng cứ: {list}': 'Evidence: {list}',
  'Thông tin vụ việc': 'Case details',
  'Trạng thái: ': 'Status: ',
  'Loại tin: {kind}': 'Claim type: {kind}',
  'Người xử lý: {assignee}': 'Assignee: {assignee}',
  'Phiên bản: {version}': 'Version: {version}',
  'Kết luận: {verdict} ({by}) — {note}': 'Verdict: {verdict} ({by}) — {note}',
  'Người đăng': 'Poster',
  'Vai trò của bạn không được xem thông tin người đăng.': "Your role may not see the poster's details.",
  'Trang cá nhân': 'Profile',
  'Chưa xác định.': 'Not identified yet.',
  'Chuyển cơ quan công an': 'Referral to the police',
  'Kết quả: {outcome}': 'Outcome: {outcome}',
  '{amount} đồng': '{amount} VND',
  'Tải hồ sơ chứng cứ (ZIP)': 'Download evidence bundle (ZIP)',
  'Xác nhận đã tiếp nhận': 'Acknowledge receipt',
  '{recipient} ({channel}) — hạn {due}': '{recipient} ({channel}) — due {due}',
  'Tải công văn (DOCX)': 'Download letter (DOCX)',
  'Tin phản bác': 'Rebuttals',
  'Đăng tại: {where}': 'Published on: {where}',
  'Duyệt tin phản bác': 'Approve rebuttal',
  'Diễn biến': 'Timeline',
  '← Hàng đợi': '← Queue',

  // Case forms
  'Đăng tại': 'Published on',
  'Đường dẫn bài đăng': 'Link to the article',
  'Đánh dấu đã đăng': 'Mark as published',
  'Nhận xác minh': 'Take on verification',
  'Tôi nhận vụ việc này': 'I will take this case',
  'Chuyên viên': 'Officer',
  'Phân công': 'Assign',
  'Kết luận': 'Verdict',
  'Ghi chú': 'Note',
  'Nguồn chính thống (mỗi dòng một đường dẫn)': 'Official sources (one link per line)',
  'Lưu kết luận': 'Save verdict',
  'Tài khoản': 'Account',
  'Trang cá nhân (URL)': 'Profile (URL)',
  'Tên hiển thị': 'Display name',
  'Lưu người đăng': 'Save poster',
  'Yêu cầu cải chính, gỡ bỏ': 'Request a correction or removal',
  'Gửi đến': 'Send to',
  'Hình thức': 'Channel',
  'Hạn thực hiện': 'Deadline',
  'Gửi yêu cầu': 'Send request',
  'Đề nghị chuyển cơ quan công an': 'Propose referral to the police',
  'Đơn vị nhận': 'Receiving unit',
  'Tóm tắt': 'Summary',
  'Gửi đề nghị (chờ lãnh đạo duyệt)': 'Send proposal (for management approval)',
  'Soạn tin phản bác': 'Draft a rebuttal',
  'Tiêu đề': 'Title',
  'Gửi lãnh đạo duyệt': 'Send for management approval',
  'Kết quả xử lý của cơ quan công an': 'Outcome of police handling',
  'Hình thức xử lý': 'Action taken',
  'Số tiền phạt (đồng)': 'Fine amount (VND)',
  'Căn cứ pháp lý': 'Legal basis',
  'Điểm a khoản 1 Điều 101 Nghị định 15/2020/NĐ-CP': 'Point a, Clause 1, Article 101, Decree No. 15/2020/ND-CP',
  'Gửi kết quả và đóng hồ sơ': 'Submit outcome and close the file',
  'Số tiền phạt chỉ gồm chữ số.': 'The fine amount may contain digits only.',
  'Xử phạt hành chính cần số tiền phạt và căn cứ pháp lý.':
    'An administrative fine needs the amount and the legal basis.',

  // Supervisor and press office desks
  'Đề nghị chuyển công an chờ duyệt': 'Police referrals awaiting approval',
  'Tin phản bác chờ duyệt': 'Rebuttals awaiting approval',
  'Quá hạn kết luận': 'Verdict overdue',
  'Mới phát hiện, chưa phân công': 'Newly detected, unassigned',
  'Quá hạn': 'Overdue',
  'Phân công các vụ đã chọn cho': 'Assign selected cases to',
  'Đã phân công {done} vụ việc; {failed} vụ không phân công được: {details}':
    'Cases assigned: {done}; not assigned: {failed} — {details}',
  'Đã phân công {n} vụ việc cho {assignee}.': {
    one: '{n} case assigned to {assignee}.',
    other: '{n} cases assigned to {assignee}.',
  },
  'Khối lượng công việc': 'Workload',
  'Đã kết luận sai sự thật, cần tin phản bác': 'Found false, rebuttal needed',
  'Tin phản bác đã duyệt, chờ đăng': 'Rebuttals approved, awaiting publication',
  'Tin phản bác chờ lãnh đạo duyệt': 'Rebuttals awaiting management approval',
  'Đang chờ cải chính, gỡ bỏ': 'Awaiting correction or removal',
  'Báo chí, phản bác': 'Press and rebuttals',

  // Weekly report and statistics
  'Toàn tỉnh': 'Whole province',
  'Xem báo cáo': 'View report',
  'Không có.': 'None.',
  'Từ {from} đến {to} · {scope}': 'From {from} to {to} · {scope}',
  'Địa bàn: {district}': 'Area: {district}',
  'Tải báo cáo (DOCX)': 'Download report (DOCX)',
  'Tải số liệu (CSV)': 'Download data (CSV)',
  'Chỉ tiêu': 'Indicator',
  'Số lượng': 'Count',
  'Bài đăng được giám sát': 'Posts monitored',
  'Bài đăng bị gắn cờ': 'Posts flagged',
  'Tin phản bác đã đăng': 'Rebuttals published',
  'Chuyển công an': 'Police referrals',
  'Vụ việc theo loại tin': 'Cases by claim type',
  'Số vụ việc': 'Cases',
  'Vụ việc theo kết quả xử lý': 'Cases by outcome',
  'Kết quả': 'Outcome',
  'Thông tin bất thường trên địa bàn': 'Unusual claims in the area',
  'Không có số liệu.': 'No data.',
  'Chưa rõ': 'Unknown',
  '{n} phút': { one: '{n} minute', other: '{n} minutes' },
  '{n} giờ': { one: '{n} hour', other: '{n} hours' },
  'Xem thống kê': 'View statistics',
  'Thời gian đến kết luận (trung vị, {n} vụ việc)': {
    one: 'Time to verdict (median, {n} case)',
    other: 'Time to verdict (median, {n} cases)',
  },
  '90% vụ việc có kết luận trong': '90% of cases have a verdict within',
  'Bài đăng bị gắn cờ theo ngày': 'Posts flagged by day',
  'Bài bị gắn cờ theo loại tin': 'Posts flagged by claim type',
  'Bài bị gắn cờ theo nền tảng': 'Posts flagged by platform',
  'Bài bị gắn cờ theo địa bàn': 'Posts flagged by area',
});

/** @returns {Lang} */
function stored() {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'vi';
  } catch {
    // Storage refused (a locked-down browser profile): Vietnamese, and the switch still works for the page's life.
    return 'vi';
  }
}

/** @type {Lang} */
let current = stored();
if (globalThis.document) document.documentElement.lang = current;

/** The language the console is in: 'vi' (the default) or 'en'. */
export function lang() {
  return current;
}

/**
 * Switches the console's language and remembers it in this browser. The caller re-renders.
 * @param {Lang} code
 */
export function setLang(code) {
  if (code !== 'vi' && code !== 'en') throw new TypeError(`Unknown language ${JSON.stringify(code)}: use 'vi' or 'en'`);
  current = code;
  try {
    globalThis.localStorage?.setItem(KEY, code);
  } catch {
    // Not remembered across reloads; the page is still switched.
  }
  if (globalThis.document) document.documentElement.lang = code;
}

/** The locale for dates and numbers in the current language. */
export function locale() {
  return current === 'en' ? 'en-GB' : 'vi-VN';
}

/**
 * The text to show for the Vietnamese `vi`: its English when the console is in English and EN has
 * it, else `vi` itself. `{name}` placeholders are filled from `vars` as they are (the caller
 * formats amounts and decimals with locale()). Data (posts, names, server messages) never goes
 * through here, only into `vars`.
 * @param {string} vi
 * @param {Record<string, unknown>} [vars]
 * @returns {string}
 */
export function t(vi, vars) {
  const entry = current === 'en' && Object.hasOwn(EN, vi) ? EN[vi] : undefined;
  const text =
    entry === undefined
      ? vi
      : typeof entry === 'string'
        ? entry
        : entry[new Intl.PluralRules('en').select(Number(vars?.n)) === 'one' ? 'one' : 'other'];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
