const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

/** ISO UTC from the BFF → 2025/03/01 14:05:09 in China time */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d)
}

/** a rough browser name from a user agent, for log tables */
export function browserOf(ua: string | null | undefined): string {
  if (!ua) return '—'
  if (/HeadlessChrome/.test(ua)) return 'Headless Chrome'
  if (/Edg\//.test(ua)) return 'Edge'
  if (/Chrome\//.test(ua)) return 'Chrome'
  if (/Firefox\//.test(ua)) return 'Firefox'
  if (/Safari\//.test(ua)) return 'Safari'
  if (/MicroMessenger/.test(ua)) return '微信'
  return ua.slice(0, 24)
}
