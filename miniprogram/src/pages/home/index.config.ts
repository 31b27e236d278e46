export default definePageConfig({ navigationBarTitleText: '医云' })
