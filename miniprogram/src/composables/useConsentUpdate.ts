import { reactive } from 'vue'
import {
  answerConsents,
  onConsentsAnswered,
  outdatedConsents,
  type ConsentKind,
  type OutdatedConsent,
} from '@/api/privacy'
import { ApiError } from '@/api/errors'
import { ErrorCode } from '@bff/shared/error-codes'

/**
 * Re-consent when the app opens: documents the patient agreed to that 协议管理 has since published anew (the BFF lists
 * them, GET /privacy/consents/outdated). ConsentUpdatePopup on the tab pages shows them until the patient answers;
 * either answer is recorded for the new version, so the same version is never asked about again.
 */
export const consentUpdate = reactive({
  items: [] as OutdatedConsent[],
  /** 'ask': the list with 同意 / 不同意; 'declined': what not agreeing means, before it is recorded */
  step: 'ask' as 'ask' | 'declined',
  saving: false,
  error: '',
})

/** Called once the silent login at launch has succeeded. */
export async function checkConsentUpdates(): Promise<void> {
  const r = await outdatedConsents({ toast: false }).catch(() => null)
  consentUpdate.items = r?.items ?? []
  consentUpdate.step = 'ask'
  consentUpdate.error = ''
}

// A document answered on another screen (the policy page's 我已阅读并同意, the consents of 添加就诊人, 设置) is not
// asked about again.
onConsentsAnswered((kinds) => {
  consentUpdate.items = consentUpdate.items.filter((i) => !kinds.includes(i.kind))
})

/** Records the answer for every listed document's new version; true when recorded. */
export async function answerConsentUpdate(granted: boolean): Promise<boolean> {
  consentUpdate.saving = true
  consentUpdate.error = ''
  try {
    await answerConsents(
      consentUpdate.items.map((i) => ({ kind: i.kind, version: i.version, granted })),
      { toast: false },
    )
    consentUpdate.items = []
    return true
  } catch (e) {
    if (e instanceof ApiError && e.code === ErrorCode.CONSENT_OUTDATED) {
      // published again while the patient was reading: show the newest versions
      await checkConsentUpdates()
      consentUpdate.error = '协议刚刚又有更新，请查看最新版本后再确认'
    } else consentUpdate.error = (e as Error).message || '保存失败，请重试'
    return false
  } finally {
    consentUpdate.saving = false
  }
}

const GATED_ADDING: ConsentKind[] = ['privacy_policy', 'health_data', 'id_number']

/** What the patient cannot do, and what goes on, without agreeing to these documents (what the BFF enforces). */
export function withoutConsent(items: { kind: ConsentKind; title: string }[]): { lost: string[]; kept: string[] } {
  const kinds = items.map((i) => i.kind)
  const lost: string[] = []
  const adding = items.filter((i) => GATED_ADDING.includes(i.kind))
  if (adding.length) lost.push(`添加新的就诊人（需要同意${adding.map((i) => `《${i.title}》`).join('')}）`)
  if (kinds.includes('privacy_policy') || kinds.includes('user_agreement'))
    lost.push('绑定手机号、设置头像和昵称（使用时会再请您阅读并同意）')
  return {
    lost,
    kept: ['已添加的就诊人照常预约挂号、问诊、查看病历和随访', '浏览医生、科室、医院公告和健康科普'],
  }
}
