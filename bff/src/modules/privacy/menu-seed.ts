import { btn, type MenuSeed } from '../../kernel/menus';
import { PRIVACY_PERMS as P } from './perms';

/** 系统管理 › 协议管理: the privacy policy, user agreement and separate consents patients agree to (administrators). */
export const PRIVACY_MENUS: MenuSeed[] = [
  {
    name: '系统管理',
    type: 'D',
    path: '/system',
    children: [
      {
        name: '协议管理',
        type: 'M',
        path: 'agreement',
        component: 'system/agreement/index',
        icon: 'Document',
        perms: P.documentList,
        roles: [],
        children: [btn('编辑', P.documentEdit), btn('发布', P.documentPublish)],
      },
    ],
  },
];
