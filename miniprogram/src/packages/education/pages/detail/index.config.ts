export default definePageConfig({ navigationBarTitleText: '健康科普', enableShareAppMessage: true })
