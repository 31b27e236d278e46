import { routes } from '@/platform'

/** Where a message in 我的消息 leads (its link names the subject: an appointment, a consultation, a record …). */
export function noticeTarget(link: { type: string; id: string } | null): { url: string; action: string } | null {
  if (!link) return null
  const id = encodeURIComponent(link.id)
  switch (link.type) {
    case 'appointment':
      return { url: `${routes.appointment}?id=${id}`, action: '查看预约' }
    case 'appointment_pay':
      return { url: `${routes.appointment}?id=${id}`, action: '去支付' }
    case 'consultation':
      return { url: `${routes.consultChat}?id=${id}`, action: '查看问诊' }
    case 'visit_record':
      return { url: `${routes.recordDetail}?id=${id}`, action: '查看病历' }
    case 'edu_prescription':
      return { url: routes.eduMine, action: '查看宣教' }
    default:
      return null
  }
}
