import { btn, type MenuSeed } from '../../kernel/menus';

/** 在线问诊: the physician's workbench and the consultation data pages. */
export const CONSULT_MENUS: MenuSeed[] = [
  {
    name: '在线问诊',
    order: 30,
    type: 'D',
    path: '/consult',
    icon: 'ChatDotRound',
    roles: ['dept_admin', 'chief_physician', 'physician'],
    children: [
      {
        name: '问诊工作台',
        type: 'M',
        path: 'workbench',
        component: 'consult/workbench/index',
        icon: 'ChatLineRound',
        perms: 'consult:workbench:list',
        // Department admins hold it too: a role is grantable only by someone who holds all of its permissions.
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [btn('回复问诊', 'consult:workbench:reply', ['dept_admin', 'chief_physician', 'physician'])],
      },
      {
        name: '问诊数据',
        type: 'M',
        path: 'messages',
        component: 'consult/messages/index',
        icon: 'Document',
        perms: 'consult:message:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('删除消息', 'consult:message:remove', ['dept_admin']),
          btn('添加系统消息', 'consult:message:add', ['dept_admin', 'chief_physician']),
        ],
      },
    ],
  },
];
