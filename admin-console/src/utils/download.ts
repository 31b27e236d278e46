import type { AxiosResponse } from 'axios'
import { http } from '@/api/http'

/** The file name from Content-Disposition (RFC 5987 filename* first), else the fallback. */
function filenameOf(res: AxiosResponse, fallback: string): string {
  const cd = String(res.headers['content-disposition'] ?? '')
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(cd)
  return plain ? plain[1] : fallback
}

/**
 * GET a file through the authenticated client (token, refresh, server messages on refusal) and hand it to the
 * browser as a download. Resolves with the file name used.
 */
export async function downloadFile(url: string, params: object | undefined, fallbackName: string): Promise<string> {
  const res = await http.get<Blob>(url, { params, responseType: 'blob', timeout: 120_000 })
  const name = filenameOf(res, fallbackName)
  const href = URL.createObjectURL(res.data)
  const a = document.createElement('a')
  a.href = href
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
  return name
}
