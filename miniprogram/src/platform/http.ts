import Taro from '@tarojs/taro'

export interface RawResponse {
  status: number
  data: unknown
}

/** One HTTP round trip. Network failures reject; HTTP error statuses resolve so the api layer can read the body. */
export async function rawRequest(opts: {
  url: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  data?: unknown
  headers?: Record<string, string>
  timeoutMs?: number
}): Promise<RawResponse> {
  const res = await Taro.request({
    url: opts.url,
    method: opts.method as any,
    data: opts.data as any,
    header: { 'content-type': 'application/json', ...(opts.headers ?? {}) },
    timeout: opts.timeoutMs ?? 15000,
    dataType: 'json',
  })
  let data: unknown = res.data
  if (typeof data === 'string' && data) {
    try {
      data = JSON.parse(data)
    } catch {
      /* non-JSON body, keep text */
    }
  }
  return { status: res.statusCode, data }
}
