import { btn, type MenuSeed } from '../../kernel/menus';

/** 健康宣教 › 学习任务 (chief physicians assign) and 我的学习 (physicians do them). */
export const LEARNING_MENUS: MenuSeed[] = [
  {
    name: '健康宣教',
    type: 'D',
    path: '/education',
    children: [
      {
        name: '学习任务',
        type: 'M',
        path: 'learning-task',
        component: 'learning/task/index',
        icon: 'List',
        perms: 'learning:task:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('布置任务', 'learning:task:add', ['chief_physician']),
          btn('导出进度', 'learning:task:export', ['dept_admin', 'chief_physician']),
          btn('提醒学习', 'learning:task:remind', ['chief_physician']),
        ],
      },
      {
        name: '我的学习',
        type: 'M',
        path: 'my-learning',
        component: 'learning/my/index',
        icon: 'Notebook',
        perms: 'learning:my:list',
        // Department admins hold every physician permission, so they may still grant the physician role.
        roles: ['dept_admin', 'chief_physician', 'physician'],
      },
    ],
  },
];
