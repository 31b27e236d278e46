import { btn, type MenuSeed } from '../../kernel/menus';

/**
 * 收费管理: hospital-wide money, for administrators (a role given these permissions also needs the 全部 data scope).
 * No built-in role below the administrator gets it.
 */
export const PAYMENT_MENUS: MenuSeed[] = [
  {
    name: '收费管理',
    order: 30,
    type: 'D',
    path: '/finance',
    icon: 'Coin',
    children: [
      {
        name: '订单管理',
        type: 'M',
        path: 'order',
        component: 'payment/order/index',
        icon: 'Tickets',
        perms: 'payment:order:list',
        children: [
          btn('导出订单', 'payment:order:export'),
          btn('人工退款', 'payment:refund:add'),
          btn('重新退款', 'payment:refund:retry'),
          btn('登记线下支付', 'payment:refund:payout'),
        ],
      },
      {
        name: '对账管理',
        type: 'M',
        path: 'reconcile',
        component: 'payment/reconcile/index',
        icon: 'DataLine',
        perms: 'payment:recon:list',
        children: [btn('执行对账', 'payment:recon:run')],
      },
    ],
  },
];
