/**
 * Publication times as Vietnamese sites print them, read as Vietnam time (UTC+7) unless the
 * text says otherwise: "Thứ hai, 19/7/2021, 10:30 (GMT+7)", "19/07/2021 10:30", "10:30 19/07/2021",
 * "ngày 19 tháng 7 năm 2021", ISO 8601, and relative times ("2 giờ trước", "hôm qua").
 */
const VN_OFFSET_MIN = 7 * 60;

export function parseVietnameseDate(input: string | null | undefined, now: Date = new Date()): string | null {
  if (!input) return null;
  const text = input.normalize('NFC').trim().toLowerCase();
  if (text === '') return null;

  if (/^\d{4}-\d{2}-\d{2}(t[\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !/^\d{4}-\d{2}-\d{2}t[\d:.]+$/.test(text)) {
    const iso = /t.*(z|[+-]\d{2}:?\d{2})$/.test(text) || !text.includes('t') ? text : `${text}+07:00`;
    const d = new Date(iso.length === 10 ? `${iso}T00:00:00+07:00` : iso.toUpperCase());
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }

  const isoSpace = /^(\d{4})-(\d{2})-(\d{2})[ t](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (isoSpace) {
    const [, y, mo, d, h, mi, se] = isoSpace.map(Number) as number[];
    return fromLocal(y!, mo!, d!, h!, mi!, se ?? 0, VN_OFFSET_MIN);
  }

  const rel = /(\d+)\s*(giây|phút|giờ|tiếng|ngày|tuần|tháng)\s*trước/.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    const unit: Record<string, number> = {
      giây: 1_000,
      phút: 60_000,
      giờ: 3_600_000,
      tiếng: 3_600_000,
      ngày: 86_400_000,
      tuần: 7 * 86_400_000,
      tháng: 30 * 86_400_000,
    };
    return new Date(now.getTime() - n * unit[rel[2]!]!).toISOString();
  }
  if (/vừa xong|vừa đăng/.test(text)) return now.toISOString();

  const offset = /gmt\s*([+-])\s*(\d{1,2})/.exec(text);
  const offsetMin = offset ? (offset[1] === '-' ? -1 : 1) * Number(offset[2]) * 60 : VN_OFFSET_MIN;
  const time = /(\d{1,2})[:h](\d{2})(?::(\d{2}))?/.exec(text.replace(/\d{1,2}\/\d{1,2}\/\d{2,4}/, ' '));
  const [hh, mm, ss] = time ? [Number(time[1]), Number(time[2]), Number(time[3] ?? 0)] : [0, 0, 0];

  if (text.includes('hôm qua') || text.includes('hôm nay')) {
    const local = new Date(now.getTime() + VN_OFFSET_MIN * 60_000);
    const today = fromLocal(
      local.getUTCFullYear(),
      local.getUTCMonth() + 1,
      local.getUTCDate(),
      hh,
      mm,
      ss,
      VN_OFFSET_MIN,
    );
    if (!today) return null;
    return text.includes('hôm qua') ? new Date(Date.parse(today) - 86_400_000).toISOString() : today;
  }

  let y: number;
  let m: number;
  let d: number;
  const slash = /(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})/.exec(text);
  const words = /ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})/.exec(text);
  if (slash) {
    d = Number(slash[1]);
    m = Number(slash[2]);
    y = Number(slash[3]);
    if (y < 100) y += 2000;
  } else if (words) {
    d = Number(words[1]);
    m = Number(words[2]);
    y = Number(words[3]);
  } else return null;
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59) return null;
  return fromLocal(y, m, d, hh, mm, ss, offsetMin);
}

function fromLocal(
  y: number,
  m: number,
  d: number,
  hh: number,
  mm: number,
  ss: number,
  offsetMin: number,
): string | null {
  // 31/02 is not a date; Date.UTC would quietly roll it over into March.
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCDate() !== d || check.getUTCMonth() !== m - 1) return null;
  const utc = Date.UTC(y, m - 1, d, hh, mm, ss) - offsetMin * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
