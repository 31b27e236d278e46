export default definePageConfig({ navigationBarTitleText: '学习内容' })
