import { askPrivacy, requireWechatPrivacy } from '@/platform'
import { myConsents } from '@/api/privacy'

/**
 * Before a privacy-relevant action (binding a phone, choosing an avatar): the user has agreed to our privacy policy
 * and user agreement (recorded by the BFF with their versions), and WeChat's privacy check passes. Resolves false
 * when the user declined.
 */
export async function ensurePrivacyConsent(): Promise<boolean> {
  const c = await myConsents({ toast: false }).catch(() => null)
  const agreed =
    !!c && ['privacy_policy', 'user_agreement'].every((k) => c.items.find((i) => i.kind === k)?.granted === true)
  if (!agreed && !(await askPrivacy())) return false
  return requireWechatPrivacy()
}
