/** The console's menu tree and which built-in role gets which entry. Permission strings are `module:entity:action`. */
export type RoleKey = 'admin' | 'dept_admin' | 'chief_physician' | 'physician';

export interface MenuSeed {
  name: string;
  type: 'D' | 'M' | 'B';
  path?: string;
  component?: string;
  perms?: string;
  icon?: string;
  visible?: boolean;
  roles?: RoleKey[];
  children?: MenuSeed[];
}

const btn = (name: string, perms: string, roles: RoleKey[] = []): MenuSeed => ({ name, type: 'B', perms, roles });

export const MENUS: MenuSeed[] = [
  {
    name: '首页',
    type: 'M',
    path: '/dashboard',
    component: 'dashboard/index',
    icon: 'HomeFilled',
    roles: ['dept_admin', 'chief_physician', 'physician'],
  },
  {
    name: '系统管理',
    type: 'D',
    path: '/system',
    icon: 'Setting',
    roles: ['dept_admin', 'chief_physician'],
    children: [
      {
        name: '用户管理',
        type: 'M',
        path: 'user',
        component: 'system/user/index',
        icon: 'User',
        perms: 'system:user:list',
        roles: ['dept_admin', 'chief_physician'],
        children: [
          btn('用户查询', 'system:user:query', ['dept_admin', 'chief_physician']),
          btn('用户新增', 'system:user:add', ['dept_admin']),
          btn('用户修改', 'system:user:edit', ['dept_admin']),
          btn('用户删除', 'system:user:remove'),
          btn('重置密码', 'system:user:resetPwd', ['dept_admin']),
          btn('解锁账号', 'system:user:unlock', ['dept_admin']),
        ],
      },
      {
        name: '角色管理',
        type: 'M',
        path: 'role',
        component: 'system/role/index',
        icon: 'UserFilled',
        perms: 'system:role:list',
        children: [
          btn('角色查询', 'system:role:query'),
          btn('角色新增', 'system:role:add'),
          btn('角色修改', 'system:role:edit'),
          btn('角色删除', 'system:role:remove'),
        ],
      },
      {
        name: '菜单管理',
        type: 'M',
        path: 'menu',
        component: 'system/menu/index',
        icon: 'Menu',
        perms: 'system:menu:list',
        children: [
          btn('菜单新增', 'system:menu:add'),
          btn('菜单修改', 'system:menu:edit'),
          btn('菜单删除', 'system:menu:remove'),
        ],
      },
      {
        name: '部门管理',
        type: 'M',
        path: 'dept',
        component: 'system/dept/index',
        icon: 'OfficeBuilding',
        perms: 'system:dept:list',
        roles: ['dept_admin'],
        children: [
          btn('部门新增', 'system:dept:add', ['dept_admin']),
          btn('部门修改', 'system:dept:edit', ['dept_admin']),
          btn('部门删除', 'system:dept:remove'),
        ],
      },
      {
        name: '岗位管理',
        type: 'M',
        path: 'post',
        component: 'system/post/index',
        icon: 'Postcard',
        perms: 'system:post:list',
        children: [
          btn('岗位新增', 'system:post:add'),
          btn('岗位修改', 'system:post:edit'),
          btn('岗位删除', 'system:post:remove'),
        ],
      },
      {
        name: '字典管理',
        type: 'M',
        path: 'dict',
        component: 'system/dict/index',
        icon: 'Collection',
        perms: 'system:dict:list',
        children: [
          btn('字典新增', 'system:dict:add'),
          btn('字典修改', 'system:dict:edit'),
          btn('字典删除', 'system:dict:remove'),
        ],
      },
      {
        name: '字典数据',
        type: 'M',
        path: 'dict-data/:type',
        component: 'system/dict/data',
        icon: 'Collection',
        perms: 'system:dict:list',
        visible: false,
      },
      {
        name: '人员申请',
        type: 'M',
        path: 'staff-application',
        component: 'system/staff-application/index',
        icon: 'Stamp',
        perms: 'system:staffApply:list',
        roles: ['dept_admin'],
        children: [btn('审核申请', 'system:staffApply:approve', ['dept_admin'])],
      },
    ],
  },
  {
    name: '门诊管理',
    type: 'D',
    path: '/clinic',
    icon: 'FirstAidKit',
    roles: ['dept_admin', 'chief_physician', 'physician'],
    children: [
      {
        name: '排班管理',
        type: 'M',
        path: 'schedule',
        component: 'scheduling/schedule/index',
        icon: 'Calendar',
        perms: 'scheduling:schedule:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('新增排班', 'scheduling:schedule:add', ['dept_admin', 'chief_physician']),
          btn('修改排班', 'scheduling:schedule:edit', ['dept_admin', 'chief_physician']),
          btn('停诊', 'scheduling:schedule:stop', ['dept_admin', 'chief_physician']),
          btn('导入排班', 'scheduling:schedule:import', ['dept_admin', 'chief_physician']),
        ],
      },
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
        ],
      },
      {
        name: '随访管理',
        type: 'M',
        path: 'follow-up',
        component: 'booking/followup/index',
        icon: 'Notebook',
        perms: 'booking:followup:list',
        roles: ['dept_admin', 'chief_physician', 'physician'],
        children: [
          btn('新增随访', 'booking:followup:add', ['dept_admin', 'chief_physician', 'physician']),
          btn('修改随访', 'booking:followup:edit', ['dept_admin', 'chief_physician', 'physician']),
        ],
      },
    ],
  },
  {
    name: '在线问诊',
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
  {
    name: '系统监控',
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
