export default definePageConfig({ navigationBarTitleText: '问诊', disableScroll: true })
