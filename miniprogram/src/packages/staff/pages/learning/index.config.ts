export default definePageConfig({ navigationBarTitleText: '我的学习', enablePullDownRefresh: true })
