import { EduContent, EduRevision, SensitiveWord } from './models';
import { sanitizeBody } from './sanitize';
import { Dept, User } from '../system/models';

const ARTICLES: { title: string; dept: string; tags: string[]; summary: string; body: string }[] = [
  {
    title: '高血压患者如何在家正确测血压',
    dept: '心血管内科',
    tags: ['高血压', '慢病管理'],
    summary: '家庭自测血压是管理高血压的重要手段，测量时间、姿势和记录方法都有讲究。',
    body: `<h2>什么时候测</h2><p>建议每天早晨起床后 1 小时内（服药前、早餐前、排尿后）和晚上睡前各测一次，每次测 2～3 遍，间隔 1 分钟，取平均值。</p>
<h2>怎么测</h2><ul><li>测量前安静休息 5 分钟，30 分钟内不吸烟、不喝咖啡或浓茶。</li><li>坐位，背部有支撑，上臂与心脏同一高度。</li><li>袖带下缘在肘窝上 2～3 厘米，松紧以能插入一指为宜。</li></ul>
<h2>记下来</h2><p>把每次的日期、时间和读数记在本子上或手机里，复诊时带给医生，比单次诊室血压更能反映真实情况。</p>`,
  },
  {
    title: '糖尿病饮食：主食怎么吃',
    dept: '内分泌科',
    tags: ['糖尿病', '饮食'],
    summary: '控制总量、粗细搭配、先吃菜后吃饭，是糖尿病患者吃主食的三条原则。',
    body: `<p>糖尿病患者并不需要完全不吃主食。主食是身体能量的主要来源，关键在于<strong>吃多少</strong>和<strong>怎么吃</strong>。</p>
<ol><li>定量：每餐主食约一拳头大小（生重 50～100 克），具体请遵医嘱。</li><li>粗细搭配：用燕麦、糙米、杂豆替换三分之一的白米白面。</li><li>进餐顺序：先喝汤、再吃蔬菜和肉蛋，最后吃主食，餐后血糖更平稳。</li></ol>`,
  },
  {
    title: '儿童发热的家庭护理',
    dept: '儿科',
    tags: ['儿童', '发热'],
    summary: '孩子发烧先别慌：看精神状态，正确使用退热药，出现这些情况要及时就医。',
    body: `<p>发热是身体对抗感染的一种反应。体温超过 38.5℃ 或孩子明显不适时，可按说明书剂量使用对乙酰氨基酚或布洛芬，两次用药间隔不少于 4～6 小时。</p>
<p>不建议酒精擦浴、捂汗。多喝水，穿着宽松透气。</p>
<h3>出现以下情况请及时就医</h3><ul><li>3 个月以下婴儿发热；</li><li>精神差、嗜睡、抽搐；</li><li>发热超过 3 天或反复高热。</li></ul>`,
  },
];

/** Demo health education: a few published articles by the demo chief physician, and a starter word list. */
export async function seedDemoEducation() {
  if ((await EduContent.count()) > 0) return;
  const chief = await User.findOne({ where: { username: 'chief' } });
  if (!chief) return;
  const depts = new Map((await Dept.findAll()).map((d) => [d.name, d.id]));
  const now = new Date();
  for (const a of ARTICLES) {
    const deptId = depts.get(a.dept);
    if (!deptId) continue;
    const body = sanitizeBody(a.body);
    const c = await EduContent.create({
      kind: 'article',
      title: a.title,
      summary: a.summary,
      coverUrl: null,
      body,
      videoUrl: null,
      durationSec: null,
      deptId,
      tags: a.tags.join(','),
      status: 'published',
      authorId: chief.id,
      reviewerId: chief.id,
      reviewedAt: now,
      publishedAt: now,
    });
    await EduRevision.create({
      contentId: c.id,
      version: 1,
      action: 'publish',
      title: c.title,
      summary: c.summary,
      body,
      editorId: chief.id,
    });
  }
  if ((await SensitiveWord.count()) === 0)
    await SensitiveWord.bulkCreate([
      { word: '代开发票', action: 'block' },
      { word: '加微信', action: 'review' },
      { word: '祖传秘方', action: 'review' },
    ]);
}
