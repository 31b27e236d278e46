import Taro from '@tarojs/taro'

export function toast(title: string, kind: 'none' | 'success' | 'error' = 'none'): void {
  // WeChat cuts success/error toasts to 7 characters; longer text needs icon "none" (2 lines).
  const icon = kind !== 'none' && title.length <= 7 ? kind : 'none'
  void Taro.showToast({ title, icon, duration: icon === 'none' ? 2500 : 1500 })
}

export function showLoading(title = '加载中'): void {
  void Taro.showLoading({ title, mask: true })
}

export function hideLoading(): void {
  Taro.hideLoading()
}

export async function confirm(opts: {
  title: string
  content: string
  confirmText?: string
  danger?: boolean
}): Promise<boolean> {
  const res = await Taro.showModal({
    title: opts.title,
    content: opts.content,
    confirmText: opts.confirmText ?? '确定',
    cancelText: '取消',
    confirmColor: opts.danger ? '#d93026' : '#0a7d6f',
  })
  return !!res.confirm
}
