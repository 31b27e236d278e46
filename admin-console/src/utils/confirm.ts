/**
 * Ask before a destructive action, run it, and say it worked. Server refusals are already shown by the client,
 * so a failure only needs to stop here. Resolves true when the action ran.
 */
export async function confirmThen(
  message: string,
  action: () => Promise<unknown>,
  done = '操作成功',
  title = '请确认',
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { type: 'warning', confirmButtonText: '确定', cancelButtonText: '取消' })
  } catch {
    return false
  }
  try {
    await action()
  } catch {
    return false
  }
  ElMessage.success(done)
  return true
}
