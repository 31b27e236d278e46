import { btn, type MenuSeed, type RoleKey } from '../../kernel/menus';
import { RECORDS_PERMS as P } from './perms';

const CLINICAL: RoleKey[] = ['dept_admin', 'chief_physician', 'physician'];

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
        // A dept admin holds every permission a physician does (a role is grantable only by a holder of all its
        // permissions); who writes a record is decided by the record: its own physician only.
        roles: CLINICAL,
        children: [
          btn('叫号', P.clinicCall, CLINICAL),
          btn('书写病历', P.visitEdit, CLINICAL),
          btn('签名病历', P.visitSign, CLINICAL),
          btn('修订病历', P.visitAmend, CLINICAL),
          btn('编辑健康档案', P.profileEdit, CLINICAL),
          btn('打印病历与处方', P.visitPrint, CLINICAL),
          btn('录入检查检验报告', P.reportEdit, CLINICAL),
        ],
      },
      {
        name: '病历模板',
        type: 'M',
        path: 'templates',
        component: 'records/templates/index',
        icon: 'Notebook',
        perms: P.templateList,
        // Physicians apply their department's templates; chiefs and dept admins keep them, within their scope.
        roles: CLINICAL,
        children: [btn('编辑模板', P.templateEdit, ['dept_admin', 'chief_physician'])],
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
