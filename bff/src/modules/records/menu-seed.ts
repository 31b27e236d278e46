import { btn, type MenuSeed } from '../../kernel/menus';
import { RECORDS_PERMS as P } from './perms';

/** 门诊管理 › 接诊工作台 (the physician's clinic today, the record and prescription editor, a patient's access history). */
export const RECORDS_MENUS: MenuSeed[] = [
  {
    name: '门诊管理',
    type: 'D',
    path: '/clinic',
    children: [
      {
        name: '接诊工作台',
        type: 'M',
        path: 'workbench',
        component: 'records/workbench/index',
        icon: 'FirstAidKit',
        perms: P.clinicList,
        roles: ['chief_physician', 'physician'],
        children: [
          btn('叫号', P.clinicCall, ['chief_physician', 'physician']),
          btn('书写病历', P.visitEdit, ['chief_physician', 'physician']),
          btn('签名病历', P.visitSign, ['chief_physician', 'physician']),
          btn('修订病历', P.visitAmend, ['chief_physician', 'physician']),
          btn('编辑健康档案', P.profileEdit, ['chief_physician', 'physician']),
        ],
      },
      {
        name: '病历查询',
        type: 'M',
        path: 'records',
        component: 'records/patient/index',
        icon: 'Document',
        perms: P.visitList,
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [btn('访问记录', P.accessList, ['dept_admin', 'chief_physician'])],
      },
    ],
  },
];
