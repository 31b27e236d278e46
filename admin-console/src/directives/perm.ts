import { watchEffect, type Directive, type WatchStopHandle } from 'vue'
import { useAuthStore } from '@/stores/auth'

interface PermState {
  stop: WatchStopHandle
  placeholder: Comment
  value: string[]
}
const state = new WeakMap<HTMLElement, PermState>()

/**
 * v-perm="['system:user:add']": the element exists only while the user holds one of the permissions. It is
 * removed from the DOM (not just hidden) and tracks the store, so a re-login with other roles updates it.
 */
export const vPerm: Directive<HTMLElement, string[] | string> = {
  mounted(el, binding) {
    const auth = useAuthStore()
    const placeholder = document.createComment('v-perm')
    const entry: PermState = { placeholder, value: toList(binding.value), stop: () => undefined }
    entry.stop = watchEffect(() => {
      const allowed = auth.hasPerm(entry.value)
      if (allowed && placeholder.parentNode) placeholder.parentNode.replaceChild(el, placeholder)
      else if (!allowed && el.parentNode) el.parentNode.replaceChild(placeholder, el)
    })
    state.set(el, entry)
  },
  updated(el, binding) {
    const entry = state.get(el)
    if (entry && binding.value !== binding.oldValue) {
      entry.value = toList(binding.value)
      const allowed = useAuthStore().hasPerm(entry.value)
      if (allowed && entry.placeholder.parentNode) entry.placeholder.parentNode.replaceChild(el, entry.placeholder)
      else if (!allowed && el.parentNode) el.parentNode.replaceChild(entry.placeholder, el)
    }
  },
  beforeUnmount(el) {
    const entry = state.get(el)
    entry?.stop()
    // give Vue its element back where it expects it, so its own removal doesn't trip over the placeholder
    if (entry?.placeholder.parentNode) entry.placeholder.parentNode.replaceChild(el, entry.placeholder)
    state.delete(el)
  },
}

function toList(v: string[] | string | undefined): string[] {
  if (!v) return []
  return Array.isArray(v) ? v : [v]
}

/** for script code and v-if: `hasPerm('system:user:edit')` */
export function hasPerm(required: string | readonly string[]): boolean {
  return useAuthStore().hasPerm(required)
}
