import type { ModuleManifest } from '../../kernel/module';
import { initPaymentModels } from './models';
import { paymentRoutes } from './routes';
import { paymentMpRoutes } from './mp.routes';
import { reconcilePayments } from './service';

/** WeChat Pay orders and refunds for any subject; the subject's domain registers what a payment does to it. */
export const paymentModule: ModuleManifest = {
  name: 'payment',
  initModels: initPaymentModels,
  mpRoutes: paymentMpRoutes,
  otherRoutes: [{ prefix: '/api/pay', tag: 'payment', routes: paymentRoutes }],
  jobs: [{ name: 'payment-reconcile', everyMs: 60_000, handler: () => reconcilePayments() }],
  permissions: {},
};
