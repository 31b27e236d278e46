import { btn, type MenuSeed } from '../../kernel/menus';

/** 门诊管理 › 预约管理 (随访管理 is the followup module's; the directory is scheduling's too: the entries join it). */
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
        name: '患者管理',
        type: 'M',
        path: 'patient',
        component: 'booking/patient/index',
        icon: 'User',
        perms: 'booking:patient:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('解除爽约限制', 'booking:patient:lift', ['dept_admin']),
          // staff who call patients (随访) see one whole number at a time, each reveal in the data-access log
          btn('查看完整手机号', 'booking:patient:phone', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
    ],
  },
];
