/**
 * Content of the bundled demo web: a small provincial news site and a community page on a
 * social network. The texts are realistic Vietnamese of the kinds the inspectorate meets
 * (BRIEF.md): false cures, a fake lockdown order, a vaccine myth, official announcements,
 * a debunk, news of a sanction and posts that have nothing to do with Covid. Names of people
 * and pages are invented.
 */

/** What the classifier is expected to do with a demo item; the end-to-end test checks it. */
export type DemoExpectation = 'claim' | 'official' | 'debunk' | 'sanction' | 'off_topic';

export interface DemoArticle {
  readonly slug: string;
  readonly section: string;
  readonly title: string;
  readonly summary: string;
  readonly paragraphs: readonly string[];
  readonly author: string;
  readonly publishedAt: string;
  readonly expect: DemoExpectation;
  /** Known-claim id the article's claim should be grouped under, when it is a claim. */
  readonly claim?: string;
}

export interface DemoSocialPost {
  readonly id: string;
  readonly authorHandle: string;
  readonly authorName: string;
  readonly text: string;
  readonly postedAt: string;
  readonly reactions: number;
  readonly comments: number;
  readonly shares: number;
  readonly expect: DemoExpectation;
  readonly claim?: string;
}

export const DEMO_SITE_NAME = 'Tin Phố Núi';
export const DEMO_PAGE_NAME = 'Hội Những Người Yêu Pleiku';

export const DEMO_ARTICLES: readonly DemoArticle[] = [
  {
    slug: 'xong-hoi-sa-chanh-gung-diet-virus-corona',
    section: 'Sức khỏe',
    title: 'Mẹo dân gian: xông hơi sả, chanh, gừng mỗi ngày diệt sạch virus corona',
    summary: 'Nhiều người truyền tai nhau cách xông hơi bằng sả, chanh, gừng để phòng và chữa Covid-19 tại nhà.',
    paragraphs: [
      'Theo chia sẻ của một người dân ở phường Hoa Lư, chỉ cần xông hơi bằng nồi nước sả, chanh, gừng mỗi ngày 3 lần, hơi nóng sẽ diệt sạch virus corona trong cổ họng và phổi.',
      'Người này khẳng định cả nhà đã làm theo và không ai bị nhiễm dù trong xóm có F0, nên không cần đi tiêm vắc xin cho tốn thời gian.',
      'Mẹo này đang được chia sẻ rộng rãi trong các nhóm Zalo của khu phố.',
    ],
    author: 'Minh Khang',
    publishedAt: '2021-07-19T08:15:00+07:00',
    expect: 'claim',
    claim: 'kc-2020-0001',
  },
  {
    slug: 'khan-phong-toa-toan-thanh-pho-pleiku-tu-0h',
    section: 'Thời sự',
    title: 'KHẨN: Phong tỏa toàn thành phố Pleiku từ 0h ngày mai, cấm ra đường',
    summary: 'Một văn bản được cho là của thành phố yêu cầu người dân không ra khỏi nhà từ 0h ngày mai.',
    paragraphs: [
      'Tin nội bộ từ người quen làm ở phường cho biết toàn thành phố Pleiku sẽ bị phong tỏa từ 0h ngày mai, cấm ra đường trong 21 ngày.',
      'Các chợ và siêu thị sẽ đóng cửa hết, mọi người nên đi mua lương thực ngay tối nay trước khi hết hàng.',
      'Chia sẻ gấp cho người thân và bạn bè biết để chuẩn bị!',
    ],
    author: 'Tin Phố Núi',
    publishedAt: '2021-07-20T21:40:00+07:00',
    expect: 'claim',
    claim: 'kc-2021-0003',
  },
  {
    slug: 'so-y-te-thong-bao-lich-tiem-vac-xin-mui-3',
    section: 'Thời sự',
    title: 'Sở Y tế thông báo lịch tiêm vắc xin phòng Covid-19 mũi 3 tại các trạm y tế',
    summary: 'Sở Y tế tỉnh Gia Lai công bố lịch tiêm mũi 3 cho người từ 18 tuổi trở lên trong tháng 1/2022.',
    paragraphs: [
      'Thực hiện Kế hoạch số 824/KH-BCĐ ngày 31/12/2021 của Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh, Sở Y tế thông báo lịch tiêm vắc xin mũi 3 tại 14 trạm y tế phường, xã trên địa bàn thành phố Pleiku.',
      'Người dân mang theo căn cước công dân và giấy xác nhận đã tiêm mũi 2; thông tin chi tiết được cập nhật trên Cổng thông tin điện tử của Sở Y tế và ứng dụng PC-Covid.',
      'Theo Bộ Y tế, tiêm đủ liều vắc xin giúp giảm nguy cơ chuyển nặng và tử vong khi mắc Covid-19.',
    ],
    author: 'Hoàng Anh',
    publishedAt: '2022-01-05T10:00:00+07:00',
    expect: 'official',
  },
  {
    slug: 'bac-bo-tin-phong-toa-toan-thanh-pho-tu-0h',
    section: 'Thời sự',
    title: 'Thông tin “phong tỏa toàn thành phố Pleiku từ 0h” là tin giả',
    summary: 'Sở Thông tin và Truyền thông khẳng định thông tin lan truyền trên mạng xã hội là sai sự thật.',
    paragraphs: [
      'Chiều 21/7, Sở Thông tin và Truyền thông tỉnh Gia Lai khẳng định thông tin “phong tỏa toàn thành phố Pleiku từ 0h ngày mai, cấm ra đường” đang lan truyền trên mạng xã hội là tin giả.',
      'Ủy ban nhân dân tỉnh không ban hành bất kỳ văn bản nào về việc phong tỏa toàn thành phố. Người dân cần theo dõi thông tin từ nguồn chính thống, không chia sẻ tin chưa được kiểm chứng.',
      'Cơ quan chức năng đang xác minh người đăng tải để xử lý theo quy định.',
    ],
    author: 'Thu Hà',
    publishedAt: '2021-07-21T16:30:00+07:00',
    expect: 'debunk',
  },
  {
    slug: 'xu-phat-nguoi-dang-tin-sai-su-that-ve-covid',
    section: 'Pháp luật',
    title: 'Xử phạt 7,5 triệu đồng người đăng tin sai sự thật về Covid-19 trên Facebook',
    summary: 'Thanh tra Sở Thông tin và Truyền thông đã xử phạt vi phạm hành chính một chủ tài khoản Facebook.',
    paragraphs: [
      'Thanh tra Sở Thông tin và Truyền thông tỉnh Gia Lai vừa ban hành quyết định xử phạt vi phạm hành chính 7,5 triệu đồng đối với chủ tài khoản Facebook đã đăng tin sai sự thật về dịch Covid-19.',
      'Hành vi vi phạm được quy định tại Nghị định 15/2020/NĐ-CP. Người vi phạm đã gỡ bỏ bài viết và cam kết không tái phạm.',
    ],
    author: 'Quốc Việt',
    publishedAt: '2021-08-02T09:00:00+07:00',
    expect: 'sanction',
  },
  {
    slug: 'gia-ca-phe-hom-nay-tang-nhe',
    section: 'Kinh tế',
    title: 'Giá cà phê hôm nay tăng nhẹ 500 đồng/kg tại Tây Nguyên',
    summary: 'Giá cà phê nhân xô tại các tỉnh Tây Nguyên tăng nhẹ so với hôm qua.',
    paragraphs: [
      'Sáng nay, giá cà phê nhân xô tại Gia Lai dao động quanh mức 41.500 đồng/kg, tăng 500 đồng/kg so với hôm qua.',
      'Các thương lái cho biết lượng hàng về kho ít do mưa kéo dài, nông dân chưa vội bán.',
    ],
    author: 'Lan Phương',
    publishedAt: '2021-07-22T07:30:00+07:00',
    expect: 'off_topic',
  },
];

export const DEMO_SOCIAL_POSTS: readonly DemoSocialPost[] = [
  {
    id: '1029384756',
    authorHandle: 'tuan.pleiku88',
    authorName: 'Tuấn Pleiku',
    text: 'Nghe noi xong hoi bang sa chanh gung moi ngay la diet sach virus corona, ko can di tiem vacxin dau mn oi. Nha minh lam roi, share gap cho nguoi than nha!!!',
    postedAt: '2021-07-19T20:05:00+07:00',
    reactions: 312,
    comments: 87,
    shares: 154,
    expect: 'claim',
    claim: 'kc-2020-0001',
  },
  {
    id: '1029384757',
    authorHandle: 'me.bin.bon',
    authorName: 'Mẹ Bin Bon',
    text: 'Tin nội bộ từ chị người quen làm ở bệnh viện: tiêm vắc xin Covid xong bị vô sinh, mấy cô ở Chư Sê bị rồi. Các mẹ đừng cho con đi tiêm nhé, chia sẻ gấp!',
    postedAt: '2021-09-14T11:20:00+07:00',
    reactions: 95,
    comments: 230,
    shares: 61,
    expect: 'claim',
    claim: 'kc-2021-0004',
  },
  {
    id: '1029384758',
    authorHandle: 'hoangnam.gl',
    authorName: 'Hoàng Nam',
    text: 'Phong toa toan tp tu 0h dem nay nha mn, cam ra duong luon, di mua do an gap k la het sach',
    postedAt: '2021-07-20T22:10:00+07:00',
    reactions: 40,
    comments: 52,
    shares: 98,
    expect: 'claim',
    claim: 'kc-2021-0003',
  },
  {
    id: '1029384759',
    authorHandle: 'lan.anh.nguyen',
    authorName: 'Lan Anh Nguyễn',
    text: 'Chiều nay trời mưa to quá, đường Trần Hưng Đạo ngập gần tới đầu gối, mọi người đi lại cẩn thận nha.',
    postedAt: '2021-07-22T16:45:00+07:00',
    reactions: 25,
    comments: 9,
    shares: 1,
    expect: 'off_topic',
  },
  {
    id: '1029384760',
    authorHandle: 'tram.yte.hoalu',
    authorName: 'Trạm Y tế phường Hoa Lư',
    text: 'Theo Bộ Y tế, người dân tiếp tục thực hiện thông điệp 5K và tiêm vắc xin đầy đủ. Lịch tiêm mũi 3 tại Trạm Y tế phường Hoa Lư: sáng thứ Bảy, từ 7h30 đến 11h.',
    postedAt: '2022-01-06T08:00:00+07:00',
    reactions: 58,
    comments: 4,
    shares: 22,
    expect: 'official',
  },
  {
    id: '1029384761',
    // NFD on purpose: phones and some keyboards send decomposed tone marks.
    authorHandle: 'co.ba.ban.rau',
    authorName: 'Cô Ba bán rau',
    text: 'Mọi người ơi, tin “phong tỏa toàn thành phố từ 0h” là tin giả nha, Sở Thông tin và Truyền thông đã bác bỏ rồi, đừng hoang mang đi mua tích trữ.'.normalize(
      'NFD',
    ),
    postedAt: '2021-07-21T18:00:00+07:00',
    reactions: 140,
    comments: 12,
    shares: 75,
    expect: 'debunk',
  },
];
