// Subscribe messages (订阅消息): template ids by name from the BFF, and what the user answered in WeChat's dialog.
import { http } from './client'

export const subscribeTemplates = (names: string[]) =>
  http.get<{ templates: Record<string, string> }>(`/api/mp/notifications/templates?names=${names.join(',')}`, {
    toast: false,
  })
export const reportSubscriptions = (result: Record<string, string>) =>
  http.post<{ quota: Record<string, number> }>('/api/mp/notifications/subscriptions', result, { toast: false })
/** Sends left per template id: one per acceptance, spent by each WeChat message. */
export const subscriptionQuota = () =>
  http.get<{ quota: Record<string, number> }>('/api/mp/notifications/subscriptions', { toast: false })
