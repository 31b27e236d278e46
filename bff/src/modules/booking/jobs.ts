import type { JobRunner } from '../../infra/jobs';
import { expireHolds } from './service';
import { reconcilePayments } from '../payment/service';

export function registerBookingJobs(jobs: JobRunner) {
  jobs.define('booking-hold-expiry', 15_000, () => expireHolds());
  jobs.define('payment-reconcile', 60_000, () => reconcilePayments());
}
