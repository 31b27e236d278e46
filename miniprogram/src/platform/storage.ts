import Taro from '@tarojs/taro'

export const storage = {
  get<T>(key: string): T | null {
    try {
      const v = Taro.getStorageSync(key)
      return v === '' || v === undefined ? null : (v as T)
    } catch {
      return null
    }
  },
  set(key: string, value: unknown): void {
    Taro.setStorageSync(key, value)
  },
  remove(key: string): void {
    Taro.removeStorageSync(key)
  },
}
