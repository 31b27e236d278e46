export default definePageConfig({ navigationBarTitleText: '医院公告' })
