/**
 * Documents in Vietnamese administrative format (Nghị định 30/2020/NĐ-CP): the correction
 * request letter and the weekly report, as DOCX. The number is left for the clerk (văn thư),
 * who assigns it when the letter is signed, as offices do.
 */
import type { Case, CaseDetail, Correction, IndexedPost } from '@kc/pipeline';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';

export interface LetterHeading {
  /** e.g. "UBND TỈNH GIA LAI" */
  readonly parentOrg: string;
  /** e.g. "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" */
  readonly org: string;
  /** e.g. "STTTT-TTra" */
  readonly symbol: string;
  /** e.g. "Gia Lai" */
  readonly place: string;
}

const FONT = 'Times New Roman';
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

const run = (text: string, o: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number } = {}) =>
  new TextRun({
    text,
    font: FONT,
    size: (o.size ?? 13) * 2,
    bold: o.bold,
    italics: o.italics,
    underline: o.underline ? {} : undefined,
  });
const center = (...runs: TextRun[]) => new Paragraph({ alignment: AlignmentType.CENTER, children: runs });
const body = (text: string, o: { indent?: boolean } = {}) =>
  new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: o.indent === false ? undefined : { firstLine: 567 },
    spacing: { after: 120 },
    children: [run(text, { size: 14 })],
  });

export function vnDate(d: Date, place: string): string {
  const local = new Date(d.getTime() + 7 * 3_600_000);
  return `${place}, ngày ${String(local.getUTCDate()).padStart(2, '0')} tháng ${String(local.getUTCMonth() + 1).padStart(2, '0')} năm ${local.getUTCFullYear()}`;
}

function heading(h: LetterHeading, subject: string, date: Date): Table {
  const cell = (children: Paragraph[]) =>
    new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE }, borders: NO_BORDERS });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          cell([
            center(run(h.parentOrg.toUpperCase(), { size: 13 })),
            center(run(h.org.toUpperCase(), { bold: true })),
            center(run(`Số:        /${h.symbol}`)),
            center(run(subject, { size: 12 })),
          ]),
          cell([
            center(run('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true, size: 12 })),
            center(run('Độc lập - Tự do - Hạnh phúc', { bold: true, underline: true })),
            center(run(vnDate(date, h.place), { italics: true, size: 14 })),
          ]),
        ],
      }),
    ],
  });
}

function signature(recipients: readonly string[]): Table {
  const cell = (children: Paragraph[]) =>
    new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE }, borders: NO_BORDERS });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [
      new TableRow({
        children: [
          cell([
            new Paragraph({ children: [run('Nơi nhận:', { bold: true, italics: true, size: 12 })] }),
            ...recipients.map((r) => new Paragraph({ children: [run(`- ${r};`, { size: 11 })] })),
          ]),
          cell([center(run('KT. GIÁM ĐỐC', { bold: true })), center(run('PHÓ GIÁM ĐỐC', { bold: true }))]),
        ],
      }),
    ],
  });
}

/** The official letter asking an outlet or a poster to correct or take down a post. */
export async function correctionLetter(input: {
  heading: LetterHeading;
  detail: CaseDetail;
  correction: Correction;
  posts: readonly IndexedPost[];
  now?: Date;
}): Promise<Buffer> {
  const { heading: h, detail, correction, posts } = input;
  const now = input.now ?? new Date();
  const verdict = detail.case.verdict;
  const due = vnDate(new Date(correction.dueAt), '').replace(/^, /, '');
  const first = posts[0]?.post;
  const excerpt = first ? (first.title ?? first.text).slice(0, 300) : detail.case.title;
  const children = [
    heading(h, 'V/v đề nghị cải chính, gỡ bỏ thông tin sai sự thật', now),
    new Paragraph({
      spacing: { before: 240, after: 240 },
      alignment: AlignmentType.CENTER,
      children: [run(`Kính gửi: ${correction.recipient}`, { size: 14 })],
    }),
    body(
      `Qua công tác theo dõi, giám sát thông tin trên mạng, ${h.org} phát hiện ${posts.length > 1 ? `${posts.length} bài đăng` : 'bài đăng'} ` +
        `có nội dung “${excerpt}”${first ? `, tại địa chỉ ${first.url}` : ''}.`,
    ),
    body(
      `Kết quả xác minh: thông tin trên là ${verdict?.verdict === 'misleading' ? 'gây hiểu lầm' : 'sai sự thật'}` +
        `${verdict?.note ? ` (${verdict.note})` : ''}${verdict?.sources.length ? `; nguồn chính thống: ${verdict.sources.join(', ')}` : ''}. ` +
        'Việc cung cấp, chia sẻ thông tin giả mạo, sai sự thật có thể bị xử phạt theo Nghị định số 15/2020/NĐ-CP của Chính phủ.',
    ),
    body(correction.message),
    body(
      `${h.org} đề nghị ${correction.recipient} gỡ bỏ nội dung nêu trên và đăng cải chính trước ${due}, đồng thời thông báo kết quả về ${h.org} để tổng hợp.`,
    ),
    body('Trân trọng./.'),
    signature(['Như trên', 'Giám đốc Sở (để b/c)', 'Lưu: VT, TTra']),
  ];
  return Packer.toBuffer(new Document({ creator: h.org, title: 'Đề nghị cải chính', sections: [{ children }] }));
}

export interface WeeklyReport {
  readonly from: string;
  readonly to: string;
  readonly district: string | null;
  readonly monitoredPosts: number;
  readonly flaggedPosts: number;
  readonly casesByKind: Readonly<Record<string, number>>;
  readonly casesByOutcome: Readonly<Record<string, number>>;
  readonly corrections: number;
  readonly rebuttals: number;
  readonly escalations: number;
  /** "Thông tin bất thường trên địa bàn": the highest-priority cases of the week. */
  readonly unusual: readonly Case[];
}

/** The weekly report as a DOCX, following the template at the end of seed 001. */
export async function weeklyReportDocx(h: LetterHeading, r: WeeklyReport, now = new Date()): Promise<Buffer> {
  const row = (cells: string[], bold = false) =>
    new TableRow({
      children: cells.map(
        (c) => new TableCell({ children: [new Paragraph({ children: [run(c, { bold, size: 12 })] })] }),
      ),
    });
  const table = (head: string[], rows: string[][]) =>
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [row(head, true), ...rows.map((x) => row(x))],
    });
  const children = [
    heading(h, 'Báo cáo tình hình thông tin về dịch Covid-19 trên mạng', now),
    new Paragraph({
      spacing: { before: 240, after: 120 },
      alignment: AlignmentType.CENTER,
      children: [run('BÁO CÁO', { bold: true, size: 14 })],
    }),
    center(
      run(
        `Tình hình thông tin sai sự thật về dịch Covid-19 từ ${r.from} đến ${r.to}${r.district ? ` — ${r.district}` : ''}`,
        { italics: true },
      ),
    ),
    body(`1. Số bài viết, bài đăng được theo dõi: ${r.monitoredPosts}; số bài bị hệ thống gắn cờ: ${r.flaggedPosts}.`),
    body('2. Vụ việc theo loại thông tin:'),
    table(
      ['Loại thông tin', 'Số vụ việc'],
      Object.entries(r.casesByKind).map(([k, n]) => [k, String(n)]),
    ),
    body('3. Kết quả xử lý:'),
    table(
      ['Kết quả', 'Số vụ việc'],
      Object.entries(r.casesByOutcome).map(([k, n]) => [k, String(n)]),
    ),
    body(
      `4. Đề nghị cải chính: ${r.corrections}; bài phản bác đã đăng: ${r.rebuttals}; chuyển cơ quan công an: ${r.escalations}.`,
    ),
    body('5. Thông tin bất thường trên địa bàn:'),
    ...(r.unusual.length
      ? r.unusual.map((c) =>
          body(`- ${c.title} (ưu tiên ${c.priority.toFixed(1)}, ${c.postCount} bài đăng)`, { indent: false }),
        )
      : [body('Không có.', { indent: false })]),
    signature(['UBND tỉnh (để b/c)', 'Giám đốc Sở', 'Lưu: VT, TTra']),
  ];
  return Packer.toBuffer(new Document({ creator: h.org, title: 'Báo cáo tuần', sections: [{ children }] }));
}
