import { btn, type MenuSeed } from '../../kernel/menus';

/** 首页 (the dashboard) and 系统监控. */
export const MONITOR_MENUS: MenuSeed[] = [
  {
    name: '首页',
    order: 0,
    type: 'M',
    path: '/dashboard',
    component: 'dashboard/index',
    icon: 'HomeFilled',
    roles: ['dept_admin', 'chief_physician', 'physician'],
  },
  {
    name: '系统监控',
    order: 40,
    type: 'D',
    path: '/monitor',
    icon: 'Monitor',
    children: [
      {
        name: '在线用户',
        type: 'M',
        path: 'online',
        component: 'monitor/online/index',
        icon: 'Connection',
        perms: 'monitor:online:list',
        children: [btn('强制下线', 'monitor:online:forceLogout')],
      },
      {
        name: '操作日志',
        type: 'M',
        path: 'operlog',
        component: 'monitor/operlog/index',
        icon: 'Document',
        perms: 'monitor:operlog:list',
        children: [btn('数据访问日志', 'monitor:accesslog:list')],
      },
      {
        name: '登录日志',
        type: 'M',
        path: 'logininfor',
        component: 'monitor/logininfor/index',
        icon: 'Tickets',
        perms: 'monitor:logininfor:list',
        children: [btn('账号解锁', 'system:user:unlock')],
      },
    ],
  },
];
