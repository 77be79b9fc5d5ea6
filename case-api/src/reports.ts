import { type CaseStore, type DurationSummary, type PostIndex, type PostStats, STATUS_LABELS } from '@kc/pipeline';
import type { WeeklyReport } from './letters.js';

/** Vietnamese names of claim kinds in reports. */
export const KIND_LABELS: Readonly<Record<string, string>> = {
  false_cure: 'Mẹo chữa bệnh sai',
  vaccine_harm: 'Tin đồn về vắc xin',
  fake_order: 'Lệnh phong tỏa giả',
  hidden_cases: 'Giấu số ca',
  tracing_rumour: 'Tin đồn có F0',
  app_data_theft: 'Ứng dụng lấy cắp dữ liệu',
  shortage_panic: 'Hoang mang khan hiếm',
  conspiracy: 'Thuyết âm mưu',
  forged_document: 'Văn bản giả',
  fake_test_result: 'Kết quả xét nghiệm giả',
  unknown: 'Khác',
};

/** Whole days in Vietnam time as instants: [from 00:00, to + 1 day 00:00) at UTC+7. */
export function vietnamDayRange(from: string, to: string): { start: string; end: string } {
  return {
    start: new Date(`${from}T00:00:00+07:00`).toISOString(),
    end: new Date(Date.parse(`${to}T00:00:00+07:00`) + 86_400_000).toISOString(),
  };
}

type Stores = { readonly index: PostIndex; readonly cases: CaseStore };

/** Post statistics and the case report of whole Vietnam days, read in parallel. */
async function gather(stores: Stores, from: string, to: string, district?: string) {
  const { start, end } = vietnamDayRange(from, to);
  const [posts, cases] = await Promise.all([
    stores.index.stats(start, end, district),
    stores.cases.report(start, end, district),
  ]);
  return { posts, cases };
}

/** What the console's statistics page and a briefing chart need, for whole Vietnam days. */
export interface Statistics {
  readonly from: string;
  readonly to: string;
  readonly district: string | null;
  readonly posts: PostStats;
  readonly cases: {
    readonly byKind: Readonly<Record<string, number>>;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly timeToVerdict: DurationSummary;
    readonly corrections: number;
    readonly rebuttalsPublished: number;
    readonly escalations: number;
  };
}

export async function statistics(stores: Stores, from: string, to: string, district?: string): Promise<Statistics> {
  const { posts, cases } = await gather(stores, from, to, district);
  return {
    from,
    to,
    district: district ?? null,
    posts,
    cases: {
      byKind: cases.casesByKind,
      byStatus: cases.casesByStatus,
      timeToVerdict: cases.timeToVerdict,
      corrections: cases.corrections,
      rebuttalsPublished: cases.rebuttalsPublished,
      escalations: cases.escalations,
    },
  };
}

/**
 * The weekly report of seed 001 for whole days in Vietnam time, [from 00:00, to + 1 day 00:00)
 * at UTC+7; with a district, posts and cases of that district only.
 */
export async function weeklyReport(stores: Stores, from: string, to: string, district?: string): Promise<WeeklyReport> {
  const { posts, cases } = await gather(stores, from, to, district);
  return {
    from,
    to,
    district: district ?? null,
    monitoredPosts: posts.monitored,
    flaggedPosts: posts.flagged,
    casesByKind: Object.fromEntries(Object.entries(cases.casesByKind).map(([k, n]) => [KIND_LABELS[k] ?? k, n])),
    casesByOutcome: Object.fromEntries(
      Object.entries(cases.casesByStatus).map(([k, n]) => [STATUS_LABELS[k as keyof typeof STATUS_LABELS] ?? k, n]),
    ),
    corrections: cases.corrections,
    rebuttals: cases.rebuttalsPublished,
    escalations: cases.escalations,
    unusual: cases.top,
  };
}

/** The report as CSV, with a BOM so that Excel opens the Vietnamese text as UTF-8. */
export function weeklyReportCsv(report: WeeklyReport): string {
  const q = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
  const rows = [
    ['Mục', 'Nội dung', 'Số lượng'],
    ['Thời gian', `${report.from} – ${report.to}`, ''],
    ['Địa bàn', report.district ?? 'Toàn tỉnh', ''],
    ['Bài được theo dõi', '', report.monitoredPosts],
    ['Bài bị gắn cờ', '', report.flaggedPosts],
    ...Object.entries(report.casesByKind).map(([k, n]) => ['Vụ việc theo loại', k, n]),
    ...Object.entries(report.casesByOutcome).map(([k, n]) => ['Kết quả xử lý', k, n]),
    ['Đề nghị cải chính', '', report.corrections],
    ['Bài phản bác đã đăng', '', report.rebuttals],
    ['Chuyển cơ quan công an', '', report.escalations],
    ...report.unusual.map((c) => ['Thông tin bất thường', c.title, c.postCount]),
  ];
  return `\ufeff${rows.map((r) => r.map(q).join(',')).join('\r\n')}\r\n`;
}
