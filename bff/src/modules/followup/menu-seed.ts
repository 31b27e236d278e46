import { btn, type MenuSeed, type RoleKey } from '../../kernel/menus';
import { FOLLOWUP_PERMS as P } from './perms';

const CLINICAL: RoleKey[] = ['dept_admin', 'chief_physician', 'physician'];

/** 门诊管理 › 随访管理 (follow-ups due, overdue, done; results; export) and 随访问卷 (questionnaires). */
export const FOLLOWUP_MENUS: MenuSeed[] = [
  {
    name: '门诊管理',
    type: 'D',
    path: '/clinic',
    children: [
      {
        name: '随访管理',
        type: 'M',
        path: 'follow-up',
        component: 'followup/manage/index',
        icon: 'Notebook',
        perms: P.list,
        roles: CLINICAL,
        children: [
          btn('新增随访', P.add, CLINICAL),
          btn('修改随访', P.edit, CLINICAL),
          btn('导出随访', P.export, ['dept_admin', 'chief_physician']),
        ],
      },
      {
        name: '随访问卷',
        type: 'M',
        path: 'questionnaire',
        component: 'followup/questionnaire/index',
        icon: 'List',
        perms: P.questionnaireList,
        roles: CLINICAL,
        children: [btn('编辑问卷', P.questionnaireEdit, CLINICAL)],
      },
    ],
  },
];
