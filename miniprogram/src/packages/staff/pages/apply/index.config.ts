export default definePageConfig({ navigationBarTitleText: '医护人员入驻' })
