import { btn, type MenuSeed } from '../../kernel/menus';

/** 门诊管理 › 预约管理 and 随访管理 (the directory is scheduling's too: the entries join it). */
export const BOOKING_MENUS: MenuSeed[] = [
  {
    name: '门诊管理',
    type: 'D',
    path: '/clinic',
    children: [
      {
        name: '预约管理',
        type: 'M',
        path: 'appointment',
        component: 'booking/appointment/index',
        icon: 'Tickets',
        perms: 'booking:appointment:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('导出预约', 'booking:appointment:export', ['dept_admin', 'chief_physician']),
          btn('标记就诊', 'booking:appointment:mark', ['dept_admin', 'chief_physician', 'physician']),
          btn('扫码签到', 'booking:appointment:checkin', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
      {
        name: '随访管理',
        type: 'M',
        path: 'follow-up',
        component: 'booking/followup/index',
        icon: 'Notebook',
        perms: 'booking:followup:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('新增随访', 'booking:followup:add', ['dept_admin', 'chief_physician', 'physician']),
          btn('修改随访', 'booking:followup:edit', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
    ],
  },
];
