/**
 * Classifier v0 lexicon. Every phrase is written in the folded form (no diacritics, đ→d,
 * lower case) and matched on syllable boundaries, so accented, unaccented and NFD input hit
 * alike. User-facing labels are Vietnamese because the console shows them to analysts.
 */
import type { ClaimKind } from '../schema.js';

export interface TopicRule {
  readonly phrases: readonly string[];
}

/** A claim frame: every group must match at least one phrase for the frame to fire. */
export interface ClaimFrame {
  readonly id: string;
  readonly kind: ClaimKind;
  readonly label: string;
  readonly weight: number;
  readonly groups: readonly (readonly string[])[];
}

export interface SignalRule {
  readonly id: string;
  readonly label: string;
  readonly weight: number;
  readonly phrases: readonly string[];
}

export const COVID_TERMS: readonly string[] = [
  'covid',
  'covid-19',
  'corona',
  'virus corona',
  'sars-cov-2',
  'ncov',
  'f0',
  'f1',
  'vac xin',
  'vac-xin',
  'tiem chung',
  'di tiem',
  'mui tiem',
  'tiem mui',
  'sau khi tiem',
  'sau tiem',
  'phong toa',
  'gian cach',
  'cach ly',
  'test nhanh',
  'xet nghiem',
  'pc-covid',
  'pc covid',
  'bluezone',
  'omicron',
  'bien chung delta',
  'dich benh',
  'chong dich',
  'ca nhiem',
  'nhiem benh',
  '5k',
];

const CURE_AGENTS = [
  'bai thuoc',
  'nuoc suc mieng',
  'uong con',
  'con cong nghiep',
  'xong nha',
  'mat ong',
  'hanh tay',
  'tam nang',
  'phoi nang',
  'cau nguyen',
  'xong hoi',
  'xong la',
  'xong bang',
  'sa chanh',
  'chanh sa',
  'nuoc chanh',
  'chanh gung',
  'toi song',
  'an toi',
  'nuoc toi',
  'uong ruou',
  'ruou manh',
  'nuoc muoi',
  'suc mieng',
  'suc hong',
  'nuoc nong',
  'thuoc nam',
  'la tia to',
  'gung tuoi',
];

const CURE_EFFECTS = [
  'giet chet',
  'ngan chan covid',
  'ngan ngua covid',
  'phong ngua hieu qua',
  'khong mot nguoi nao bi nhiem',
  'vuot qua virus',
  'chua lanh',
  'diet sach',
  'diet virus',
  'diet duoc virus',
  'tieu diet',
  'chua khoi',
  'chua duoc',
  'khoi benh',
  'khoi han',
  'khoi covid',
  'het covid',
  'het virus',
  'khong bi nhiem',
  'khong lay',
  'mien nhiem',
  'phong duoc covid',
  'chong duoc covid',
  'khong can tiem',
  'khong can di tiem',
  'virus chet',
];

const VACCINE = ['vac xin', 'vac-xin', 'tiem', 'mui tiem'];
const VACCINE_HARMS = [
  'vo sinh',
  'gay vo sinh',
  'gan chip',
  'con chip',
  'cay chip',
  'bien doi gen',
  'thay doi adn',
  'chet sau khi tiem',
  'tu vong sau khi tiem',
  'tu vong sau tiem',
  'chet ngay sau',
  'chet hang loat',
  'liet nua nguoi',
  'doc hai',
  'thuoc doc',
];

const LOCKDOWN = [
  'phong toa toan',
  'phong toa thanh pho',
  'phong toa ca',
  'cam ra duong',
  'cam ra khoi nha',
  'gioi nghiem',
  'dong cua toan bo',
  'cach ly toan',
  'cam luu thong',
  'gian cach toan',
];
const ORDER_TIME = [
  'tu 0h',
  'tu 0 gio',
  'tu 00h',
  'tu 12h dem',
  'dem nay',
  'toi nay',
  'ngay mai',
  'tu ngay mai',
  'sang mai',
  'tu mai',
];

export const CLAIM_FRAMES: readonly ClaimFrame[] = [
  {
    id: 'frame.false_cure',
    kind: 'false_cure',
    label: 'Mẹo chữa/phòng Covid chưa được kiểm chứng',
    weight: 2.2,
    groups: [CURE_AGENTS, CURE_EFFECTS],
  },
  {
    id: 'frame.vaccine_harm',
    kind: 'vaccine_harm',
    label: 'Tin đồn vắc xin gây hại',
    weight: 2.2,
    groups: [VACCINE, VACCINE_HARMS],
  },
  {
    id: 'frame.fake_order',
    kind: 'fake_order',
    label: 'Lệnh phong tỏa/giới nghiêm kèm thời điểm, chưa có nguồn chính thống',
    weight: 2.2,
    groups: [LOCKDOWN, ORDER_TIME],
  },
  {
    id: 'frame.hidden_cases',
    kind: 'hidden_cases',
    label: 'Cáo buộc giấu số ca mắc/tử vong',
    weight: 2.0,
    groups: [
      [
        'giau so ca',
        'che giau',
        'che dau',
        'giau nhem',
        'giau ca',
        'giau so nguoi chet',
        'giau benh nhan',
        'bung bit',
        'so lieu that',
        'so that la',
        'khong cong bo',
        'chet rat nhieu',
        'chet hang tram',
      ],
    ],
  },
  {
    id: 'frame.tracing_rumour',
    kind: 'tracing_rumour',
    label: 'Tin đồn có F0 tại địa điểm cụ thể',
    weight: 1.6,
    groups: [
      [
        'co f0',
        'phat hien f0',
        'co ca duong tinh',
        'co nguoi nhiem',
        've den',
        'da ve den',
        'tron cach ly',
        'nghi nhiem',
        'nghi bi',
      ],
      ['tai cho', 'o cho', 'sieu thi', 'truong', 'tai quan', 'tai phuong', 'di cho', 'o xom', 'chung cu', 'ben xe'],
    ],
  },
  {
    id: 'frame.app_data_theft',
    kind: 'app_data_theft',
    label: 'Tin đồn ứng dụng phòng dịch đánh cắp dữ liệu',
    weight: 2.0,
    groups: [
      ['pc-covid', 'pc covid', 'bluezone', 'ung dung', 'app'],
      ['danh cap', 'lay cap', 'nghe len', 'theo doi dien thoai', 'do thong tin', 'ban du lieu', 'doc tin nhan', 'hack'],
    ],
  },
  {
    id: 'frame.shortage_panic',
    kind: 'shortage_panic',
    label: 'Gây hoang mang về khan hiếm hàng hóa',
    weight: 1.6,
    groups: [
      ['het hang', 'het gao', 'het sach', 'khan hiem', 'tich tru', 'vet sach', 'dong cua het'],
      ['mua gap', 'mua ngay', 'di mua', 'tranh mua', 'keo het', 'se het', 'sieu thi', 'cho'],
    ],
  },
  {
    id: 'frame.conspiracy',
    kind: 'conspiracy',
    label: 'Thuyết âm mưu về dịch bệnh',
    weight: 1.8,
    groups: [
      [
        'bia ra',
        'chien tranh sinh hoc',
        'vu khi sinh hoc',
        'qua bao',
        'dan dung',
        'am muu',
        'khong co that',
        'covid la gia',
        'dich la gia',
        'lua dan',
        'de ban vac xin',
        'kiem tien tu',
      ],
    ],
  },
  {
    id: 'frame.fake_test_result',
    kind: 'fake_test_result',
    label: 'Tin đồn về kết quả xét nghiệm giả',
    weight: 1.8,
    groups: [
      ['test nhanh', 'xet nghiem', 'pcr', 'que test', 'kit test', 'giay xet nghiem', 'ket qua'],
      [
        'duong tinh gia',
        'am tinh gia',
        'lam gia',
        'gia mao',
        'luon duong tinh',
        'toan duong tinh',
        'bi lam gia',
        'ban giay',
        'mua giay',
        'khong can test',
        'bat duong tinh',
        'cho duong tinh',
      ],
    ],
  },
  {
    id: 'frame.forged_document',
    kind: 'forged_document',
    label: 'Văn bản, công văn không rõ nguồn gốc',
    weight: 1.4,
    groups: [['cong van khan', 'van ban noi bo', 'cong van noi bo', 'quyet dinh moi nhat', 'lenh moi nhat']],
  },
];

/** Hearsay and urgency: they strengthen a claim frame but never flag on their own. */
export const AMPLIFIERS: readonly SignalRule[] = [
  {
    id: 'amp.hearsay',
    label: 'Nguồn tin truyền miệng',
    weight: 0.6,
    phrases: [
      'nghe noi',
      'nghe bao',
      'tin noi bo',
      'nguon tin rieng',
      'nguoi nha lam',
      'ban toi lam',
      'nguoi quen lam',
      'chi nguoi quen',
      'dang lan truyen',
    ],
  },
  {
    id: 'amp.urgency',
    label: 'Kêu gọi chia sẻ gấp',
    weight: 0.6,
    phrases: [
      'share gap',
      'chia se gap',
      'chia se ngay',
      'khan cap',
      'khan',
      'gap gap',
      'truoc khi bi xoa',
      'lan truyen ngay',
    ],
  },
];

/** Counter-signals: official attribution, debunk framing and official plans. */
export const COUNTER_SIGNALS: readonly SignalRule[] = [
  {
    id: 'counter.official_source',
    label: 'Dẫn nguồn chính thống',
    weight: 1.6,
    phrases: [
      'theo bo y te',
      'bo y te thong bao',
      'bo y te khuyen cao',
      'so y te thong bao',
      'theo so y te',
      'so y te cho biet',
      'cdc tinh',
      'trung tam kiem soat benh tat',
      'ban chi dao phong chong dich',
      'ubnd tinh',
      'uy ban nhan dan tinh',
      'theo thong bao cua',
      'nguon chinh thong',
      'nguoi phat ngon',
      'thu tuong chinh phu',
      'thu tuong chi thi',
      'chinh phu yeu cau',
      'bo cong thuong khang dinh',
      'who khuyen cao',
      'to chuc y te the gioi',
    ],
  },
  {
    id: 'counter.debunk',
    label: 'Nội dung bác bỏ tin giả',
    // Debunks quote the claim they refute, so this must outweigh a full claim match.
    weight: 5.0,
    phrases: [
      'la tin gia',
      'tin gia',
      'tin sai su that',
      'sai su that',
      'khong co co so khoa hoc',
      'chua co co so khoa hoc',
      'bac bo',
      'phan bac',
      'canh bao tin gia',
      'khong dung su that',
      'thong tin bia dat',
      'tin don that thiet',
      'khong chinh xac',
      'chua duoc kiem chung',
    ],
  },
  {
    id: 'counter.sanction',
    label: 'Tin xử phạt người đăng tin sai',
    weight: 2.0,
    phrases: ['xu phat', 'bi phat', 'xu ly nghiem', 'moi len lam viec', 'nghi dinh 15', 'vi pham hanh chinh'],
  },
  {
    id: 'counter.official_plan',
    label: 'Văn bản chỉ đạo, kế hoạch chính thức',
    weight: 1.5,
    phrases: [
      'ke hoach so',
      'chi thi so',
      'quyet dinh so',
      'cong van so',
      'trien khai thuc hien',
      'cac so ban nganh',
      'cong tac tuyen truyen',
    ],
  },
];

/** Two syllables before a counter-signal that cancel it: "không phải tin giả". */
export const NEGATORS: readonly string[] = ['khong phai', 'chua phai', 'dung nghe', 'dau phai', 'chang phai'];

/** Official document numbers such as "824/KH-BCĐ" or "1777/QĐ-UBND" (folded form). */
export const DOCUMENT_NUMBER = /\b\d{1,5}\/(?:kh|qd|ct|cv|tb|bc|nq|nd|ubnd|tt|ttg|byt|stttt)(?:-[a-z0-9]+)*\b/;
