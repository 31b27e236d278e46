export default definePageConfig({ navigationBarTitleText: '入驻申请进度', enablePullDownRefresh: true })
