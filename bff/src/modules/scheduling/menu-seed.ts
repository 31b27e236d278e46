import { btn, type MenuSeed } from '../../kernel/menus';

/** 门诊管理 › 排班管理. */
export const SCHEDULING_MENUS: MenuSeed[] = [
  {
    name: '门诊管理',
    order: 20,
    type: 'D',
    path: '/clinic',
    icon: 'FirstAidKit',
    roles: ['dept_admin', 'chief_physician', 'physician'],
    children: [
      {
        name: '排班管理',
        type: 'M',
        path: 'schedule',
        component: 'scheduling/schedule/index',
        icon: 'Calendar',
        perms: 'scheduling:schedule:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('新增排班', 'scheduling:schedule:add', ['dept_admin', 'chief_physician']),
          btn('修改排班', 'scheduling:schedule:edit', ['dept_admin', 'chief_physician']),
          btn('停诊', 'scheduling:schedule:stop', ['dept_admin', 'chief_physician']),
          btn('导入排班', 'scheduling:schedule:import', ['dept_admin', 'chief_physician']),
          btn('加号', 'scheduling:schedule:addslot', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
      {
        name: '医生管理',
        type: 'M',
        path: 'doctor',
        component: 'scheduling/doctor/index',
        icon: 'Avatar',
        perms: 'scheduling:doctor:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('修改医生资料', 'scheduling:doctor:edit', ['dept_admin']),
          btn('上传医生照片', 'common:file:upload', ['dept_admin']),
          btn('修改号别费用', 'scheduling:level:edit'),
        ],
      },
    ],
  },
];
