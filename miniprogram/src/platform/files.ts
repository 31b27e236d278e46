import Taro from '@tarojs/taro'

/** Lets the patient pick one photo (album or camera) and returns its bytes, or null when they cancel. */
export async function chooseImageBytes(): Promise<ArrayBuffer | null> {
  if (process.env.TARO_ENV === 'h5') return pickInBrowser()
  let path: string
  try {
    const r = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] })
    path = r.tempFilePaths[0]
  } catch {
    return null
  }
  if (!path) return null
  // No encoding: the file's bytes as an ArrayBuffer.
  return Taro.getFileSystemManager().readFileSync(path) as ArrayBuffer
}

/** The browser's own file picker (the h5 preview): one image file, read into memory. */
function pickInBrowser(): Promise<ArrayBuffer | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'image/*'
    input.style.display = 'none'
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      input.remove()
      if (!file) return resolve(null)
      file.arrayBuffer().then(resolve, () => resolve(null))
    })
    input.addEventListener('cancel', () => {
      input.remove()
      resolve(null)
    })
    document.body.appendChild(input)
    input.click()
  })
}

/** POSTs raw bytes (the request body is the file itself) with the access token; resolves with status and JSON. */
export async function uploadBytes(
  url: string,
  bytes: ArrayBuffer,
  token: string,
): Promise<{ status: number; data: unknown }> {
  const headers = { Authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }
  if (process.env.TARO_ENV === 'h5') {
    const res = await fetch(url, { method: 'POST', headers, body: bytes })
    return { status: res.status, data: await res.json().catch(() => null) }
  }
  const res = await Taro.request({ url, method: 'POST', header: headers, data: bytes, dataType: 'json' })
  return { status: res.statusCode, data: res.data }
}

/**
 * A chat image is served only to the conversation's participants, so it is fetched with the token: read into
 * memory in h5 (as a data: URL), a temporary file (wx.downloadFile with the header) in the mini-program.
 */
export async function authorizedImage(url: string, token: string): Promise<string> {
  if (process.env.TARO_ENV === 'h5') {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`image ${res.status}`)
    // A data: URL: the BFF's CSP allows data: images, not blob: ones.
    const blob = await res.blob()
    return new Promise<string>((resolve, reject) => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.onerror = () => reject(reader.error)
      reader.readAsDataURL(blob)
    })
  }
  const r = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } })
  if (r.statusCode !== 200) throw new Error(`image ${r.statusCode}`)
  return r.tempFilePath
}

/**
 * Opens a file served only to its owner (a report's PDF or image), fetched with the token: in the mini-program a
 * temporary file (wx.downloadFile with the header) shown by wx.openDocument or wx.previewImage; in h5 the bytes
 * are handed to the browser as a download (the BFF's CSP keeps blob: pages out).
 */
export async function openAuthorizedFile(url: string, token: string, mime: string, name: string): Promise<void> {
  if (process.env.TARO_ENV === 'h5') {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`file ${res.status}`)
    const href = URL.createObjectURL(await res.blob())
    const a = document.createElement('a')
    a.href = href
    a.download = name
    a.style.display = 'none'
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(href), 10_000)
    return
  }
  const r = await Taro.downloadFile({ url, header: { Authorization: `Bearer ${token}` } })
  if (r.statusCode !== 200) throw new Error(`file ${r.statusCode}`)
  if (mime === 'application/pdf') await Taro.openDocument({ filePath: r.tempFilePath, fileType: 'pdf' })
  else await Taro.previewImage({ urls: [r.tempFilePath] })
}

/** A temporary file WeChat handed over (chooseAvatar), read into memory. */
export function readLocalFile(path: string): ArrayBuffer {
  return Taro.getFileSystemManager().readFileSync(path) as ArrayBuffer
}
