import { ref } from 'vue'
import { storage } from '@/platform'

// 关怀模式 (适老化): larger type and touch targets, higher contrast, a simpler home page. Remembered on the device.
const KEY = 'yiyun.careMode'
export const careMode = ref<boolean>(storage.get<boolean>(KEY) === true)

export function setCareMode(on: boolean): void {
  careMode.value = on
  storage.set(KEY, on)
}
