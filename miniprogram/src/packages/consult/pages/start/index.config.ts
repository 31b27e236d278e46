export default definePageConfig({ navigationBarTitleText: '发起问诊' })
