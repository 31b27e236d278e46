import { ref, type Ref } from 'vue'
import type { FormInstance } from 'element-plus'

/**
 * The save button of a form dialog: validate the el-form (when there is one), run the save with `saving` set,
 * say it worked and call `onDone` (close the dialog, emit). Server refusals are already shown by the http client,
 * so a failure only needs to stop here. Every form dialog uses this instead of repeating it.
 */
export function useSubmit(opts: { form?: Ref<FormInstance | undefined>; onDone: () => void }) {
  const saving = ref(false)

  /**
   * `save` runs after validation, so it is where the body is built; it may return nothing to stop quietly
   * (it has already told the user why, or closed the dialog itself). `successText` may depend on what the
   * save returned; an empty one says nothing. Resolves true when the save ran and succeeded.
   */
  async function submit<T>(
    save: () => Promise<T> | undefined,
    successText: string | ((result: T) => string),
  ): Promise<boolean> {
    if (opts.form && !(await opts.form.value?.validate().catch(() => false))) return false
    saving.value = true
    try {
      const pending = save()
      if (!pending) return false
      const result = await pending
      const text = typeof successText === 'function' ? successText(result) : successText
      if (text) ElMessage.success(text)
      opts.onDone()
      return true
    } catch {
      // shown by the client
      return false
    } finally {
      saving.value = false
    }
  }

  return { saving, submit }
}
