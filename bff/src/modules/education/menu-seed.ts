import { btn, type MenuSeed } from '../../kernel/menus';

/**
 * 健康宣教 (content, comments, sensitive words), and the 宣教处方 buttons on booking's 预约管理 page and on records'
 * 接诊工作台 (the visit record).
 */
export const EDUCATION_MENUS: MenuSeed[] = [
  {
    name: '门诊管理',
    type: 'D',
    path: '/clinic',
    children: [
      {
        name: '预约管理',
        type: 'M',
        path: 'appointment',
        children: [
          btn('查看宣教处方', 'edu:prescription:list', ['dept_admin', 'chief_physician', 'physician']),
          btn('开具宣教处方', 'edu:prescription:add', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
      {
        // records' 接诊工作台: the same buttons, for 宣教处方 from the visit record (keyed by its appointment)
        name: '接诊工作台',
        type: 'M',
        path: 'workbench',
        children: [
          btn('查看宣教处方', 'edu:prescription:list', ['dept_admin', 'chief_physician', 'physician']),
          btn('开具宣教处方', 'edu:prescription:add', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
    ],
  },
  {
    name: '健康宣教',
    order: 35,
    type: 'D',
    path: '/education',
    icon: 'Reading',
    roles: ['dept_admin', 'chief_physician', 'physician'],
    children: [
      {
        name: '宣教内容',
        type: 'M',
        path: 'content',
        component: 'education/content/index',
        icon: 'Document',
        perms: 'edu:content:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('编写草稿', 'edu:content:add', ['dept_admin', 'chief_physician', 'physician']),
          btn('审核发布', 'edu:content:publish', ['chief_physician']),
          btn('上传图片视频', 'common:file:upload', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
      {
        name: '评论管理',
        type: 'M',
        path: 'comment',
        component: 'education/comment/index',
        icon: 'ChatLineSquare',
        perms: 'edu:comment:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('删除评论', 'edu:comment:remove', ['dept_admin', 'chief_physician']),
          btn('回复评论', 'edu:comment:reply', ['dept_admin', 'chief_physician']),
          btn('审核评论', 'edu:comment:approve', ['dept_admin', 'chief_physician']),
        ],
      },
      {
        name: '关键词管理',
        type: 'M',
        path: 'sensitive-word',
        component: 'education/word/index',
        icon: 'Warning',
        perms: 'edu:word:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('新增关键词', 'edu:word:add', ['dept_admin']),
          btn('修改关键词', 'edu:word:edit', ['dept_admin']),
          btn('删除关键词', 'edu:word:remove', ['dept_admin']),
        ],
      },
    ],
  },
];
