import type { ModuleManifest } from '../../kernel/module';
import { initPaymentModels } from './models';
import { initReconModels } from './recon-models';
import { paymentRoutes } from './routes';
import { paymentMpRoutes } from './mp.routes';
import { paymentAdminRoutes } from './admin.routes';
import { PAYMENT_MENUS } from './menu-seed';
import { reconcilePayments } from './service';
import { reconcileYesterday } from './reconcile-daily';

export const PAYMENT_PERMS = {
  orderList: 'payment:order:list',
  orderExport: 'payment:order:export',
  refundAdd: 'payment:refund:add',
  refundRetry: 'payment:refund:retry',
  refundPayout: 'payment:refund:payout',
  reconList: 'payment:recon:list',
  reconRun: 'payment:recon:run',
} as const;

/** WeChat Pay orders and refunds for any subject; the subject's domain registers what a payment does to it. */
export const paymentModule: ModuleManifest = {
  name: 'payment',
  initModels: (sequelize) => {
    initPaymentModels(sequelize);
    initReconModels(sequelize);
  },
  mpRoutes: paymentMpRoutes,
  otherRoutes: [{ prefix: '/api/pay', tag: 'payment', routes: paymentRoutes }],
  adminRoutes: paymentAdminRoutes,
  menus: PAYMENT_MENUS,
  jobs: [
    { name: 'payment-reconcile', everyMs: 60_000, handler: () => reconcilePayments() },
    // WeChat publishes a day's trade bill at about 10:00 the next day
    { name: 'payment-daily-bill', cron: '0 30 10 * * *', handler: () => reconcileYesterday() },
  ],
  permissions: PAYMENT_PERMS,
};
