import { btn, type MenuSeed } from '../../kernel/menus';
import { HOSPITAL_PERMS as P } from './perms';

/** 系统管理 › 通知公告: the announcements patients see on the mini-program's home page (administrators). */
export const HOSPITAL_MENUS: MenuSeed[] = [
  {
    name: '系统管理',
    type: 'D',
    path: '/system',
    children: [
      {
        name: '通知公告',
        type: 'M',
        path: 'notice',
        component: 'system/notice/index',
        icon: 'Bell',
        perms: P.noticeList,
        roles: [],
        children: [btn('新增', P.noticeAdd), btn('修改', P.noticeEdit), btn('删除', P.noticeRemove)],
      },
    ],
  },
];
