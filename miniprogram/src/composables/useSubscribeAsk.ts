// Subscribe messages (订阅消息): WeChat sends one for a template only after the user accepted it — one send per
// acceptance — and shows its dialog only from a tap. A page loads the template ids (and the sends left) as it opens;
// `ask` then runs first thing in a tap handler, before any await, and reports the answer to the BFF at once, whatever
// the tap then leads to (a booking refused still leaves WeChat holding the acceptance, so the BFF must know of it).
import { shallowRef } from 'vue'
import { reportSubscriptions, subscribeTemplates, subscriptionQuota } from '@/api/notifications'
import { requestSubscribe } from '@/platform'

export function useSubscribeAsk(names: string[]) {
  // the configured ones only, by name: a page shows what depends on a template (随访's 开启提醒) once it is known
  const templates = shallowRef<Record<string, string>>({})
  let quota: Record<string, number> = {}
  // asked on this page already: a patient who said 取消 is not asked again at every 发送 or 确认并支付
  const asked = new Set<string>()
  void subscribeTemplates(names).then(
    (r) => (templates.value = r.templates),
    () => undefined,
  )
  void subscriptionQuota().then(
    (r) => (quota = r.quota),
    () => undefined,
  )

  /**
   * Asks WeChat for the templates named in `which` (configured ones only), each at most once per visit of the page;
   * `whenSpent`: only for those the patient has no send left of, so a tap repeated all day (发送) does not bring the
   * dialog up when a send is still there. Resolves with WeChat's answer once reported, or null when nothing was asked
   * or it failed — the notices are in 我的消息 either way, and a refusal never stops what the tap was for.
   */
  function ask(which: string[] = names, opts: { whenSpent?: boolean } = {}) {
    const tmplIds = which
      .map((n) => templates.value[n])
      .filter((id): id is string => !!id && !asked.has(id) && !(opts.whenSpent && (quota[id] ?? 0) > 0))
    if (!tmplIds.length) return Promise.resolve(null)
    tmplIds.forEach((id) => asked.add(id))
    return requestSubscribe(tmplIds)
      .then(async (answer) => {
        quota = (await reportSubscriptions(answer)).quota
        return answer
      })
      .catch(() => null)
  }
  return { ask, templates }
}
