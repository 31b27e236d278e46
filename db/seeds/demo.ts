import { infra, tx } from '../../bff/src/infra';
import { hashPassword } from '../../bff/src/infra/crypto';
import { Dept, DoctorProfile, Post, Role, User, UserRole } from '../../bff/src/modules/system/models';
import { seedBase } from './base';
import { seedDemoSchedules } from './schedules';
import { seedDemoEducation } from './education';

/** Demo accounts (embedded/demo mode only). Documented in README.md. */
export const DEMO_ACCOUNTS = [
  {
    username: 'admin',
    password: 'Harbor-Lamp-2468',
    name: '系统管理员',
    role: 'admin',
    dept: '医云示范医院',
    post: 'staff',
  },
  {
    username: 'deptadmin',
    password: 'Maple-River-1357',
    name: '王科长',
    role: 'dept_admin',
    dept: '内科',
    post: 'staff',
  },
  {
    username: 'chief',
    password: 'Cedar-Stone-8642',
    name: '李建国',
    role: 'chief_physician',
    dept: '心血管内科',
    post: 'chief',
  },
  {
    username: 'doctor',
    password: 'Willow-Cloud-9753',
    name: '张晓明',
    role: 'physician',
    dept: '心血管内科',
    post: 'attending',
  },
] as const;

const TREE: [string, string[]][] = [
  ['内科', ['心血管内科', '呼吸内科', '消化内科', '内分泌科']],
  ['外科', ['普通外科', '骨科']],
  ['儿科', []],
  ['妇产科', []],
  ['眼科', []],
  ['耳鼻喉科', []],
  ['皮肤科', []],
  ['中医科', []],
  ['口腔科', []],
  ['全科医学科', []],
  ['行政后勤', ['信息科']],
];

const DOCTORS: [string, string, string, string][] = [
  ['chenjing', '陈静', '心血管内科', '高血压、冠心病的诊治与长期随访'],
  ['liuyang', '刘洋', '呼吸内科', '慢性阻塞性肺病、哮喘、肺部感染'],
  ['zhaomin', '赵敏', '消化内科', '胃肠镜检查，慢性胃炎与幽门螺杆菌治疗'],
  ['sunli', '孙丽', '内分泌科', '糖尿病、甲状腺疾病的规范管理'],
  ['zhouqiang', '周强', '普通外科', '疝气、胆囊结石等常见外科疾病'],
  ['wugang', '吴刚', '骨科', '关节损伤、颈腰椎病、运动损伤'],
  ['zhengfang', '郑芳', '儿科', '儿童呼吸道感染、生长发育评估'],
  ['wanghong', '王红', '妇产科', '孕期保健、妇科常见病'],
  ['fenglei', '冯磊', '眼科', '白内障、青光眼筛查，儿童近视防控'],
  ['heyun', '何云', '中医科', '中医调理、针灸推拿'],
  ['xuning', '徐宁', '全科医学科', '慢病管理、家庭医生签约服务'],
  ['gaojie', '高洁', '口腔科', '龋齿、牙周病治疗与口腔保健'],
];
const DOCTOR_POSTS = ['chief', 'associate_chief', 'attending', 'resident'];
const DEMO_PASSWORD = 'Willow-Cloud-9753';

/** Demo data: a hospital with its department tree, one account per built-in role and a dozen doctors. */
export async function seedDemo() {
  await seedBase();
  if ((await User.count()) > 0) {
    await seedDemoSchedules();
    await seedDemoEducation();
    return false;
  }
  const { fieldCrypto, log } = infra();
  const hashes = new Map<string, string>();
  for (const p of [...DEMO_ACCOUNTS.map((a) => a.password), DEMO_PASSWORD])
    if (!hashes.has(p)) hashes.set(p, await hashPassword(p));
  await tx(async (t) => {
    const depts = new Map<string, Dept>();
    const mk = async (
      name: string,
      parent: Dept | null,
      order: number,
      type: 'institution' | 'department' = 'department',
    ) => {
      const d = await Dept.create(
        { parentId: parent?.id ?? null, name, type, orderNum: order, leader: null, phone: null, status: 'active' },
        { transaction: t },
      );
      await d.update({ path: `${parent?.path ?? ','}${d.id},` }, { transaction: t });
      depts.set(name, d);
      return d;
    };
    const root = await mk('医云示范医院', null, 1, 'institution');
    let i = 1;
    for (const [name, children] of TREE) {
      const d = await mk(name, root, i++);
      let j = 1;
      for (const c of children) await mk(c, d, j++);
    }
    const posts = new Map((await Post.findAll({ transaction: t })).map((p) => [p.code, p.id]));
    const roles = new Map((await Role.findAll({ transaction: t })).map((r) => [r.key, r.id]));
    let phoneSeq = 13800000001;
    const mkUser = async (
      username: string,
      name: string,
      dept: string,
      post: string,
      password: string,
      role: string,
    ) => {
      const phone = String(phoneSeq++);
      const u = await User.create(
        {
          username,
          name,
          deptId: depts.get(dept)!.id,
          postId: posts.get(post) ?? null,
          phoneEnc: fieldCrypto.encrypt(phone),
          phoneHash: fieldCrypto.blindIndex(phone),
          email: `${username}@yiyun.example`,
          passwordHash: hashes.get(password)!,
          status: 'active',
          lockedUntil: null,
          mpUserId: null,
        },
        { transaction: t },
      );
      await UserRole.create({ userId: u.id, roleId: roles.get(role)! }, { transaction: t });
      return u;
    };
    for (const a of DEMO_ACCOUNTS) {
      const u = await mkUser(a.username, a.name, a.dept, a.post, a.password, a.role);
      if (a.role === 'chief_physician' || a.role === 'physician') {
        await DoctorProfile.create(
          {
            userId: u.id,
            specialty: '高血压、心律失常、心力衰竭',
            intro: `${a.name}，从事心血管内科临床工作多年。`,
            avatarUrl: null,
          },
          { transaction: t },
        );
      }
    }
    let k = 0;
    for (const [username, name, dept, specialty] of DOCTORS) {
      const u = await mkUser(username, name, dept, DOCTOR_POSTS[k++ % DOCTOR_POSTS.length], DEMO_PASSWORD, 'physician');
      await DoctorProfile.create(
        { userId: u.id, specialty, intro: `${name}医生，擅长${specialty}。`, avatarUrl: null },
        { transaction: t },
      );
    }
  });
  await seedDemoSchedules();
  await seedDemoEducation();
  log.info(
    'demo data seeded (demo accounts: admin/Harbor-Lamp-2468, deptadmin/Maple-River-1357, chief/Cedar-Stone-8642, doctor/Willow-Cloud-9753)',
  );
  return true;
}
