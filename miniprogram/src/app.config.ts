const tab = (page: string, text: string, icon: string) => ({
  pagePath: `pages/${page}/index`,
  text,
  iconPath: `assets/tab/${icon}.png`,
  selectedIconPath: `assets/tab/${icon}-on.png`,
})

export default defineAppConfig({
  // Main package: only the tab pages. Longer flows live in subpackages so the first download stays small.
  pages: ['pages/home/index', 'pages/booking/index', 'pages/consult/index', 'pages/education/index', 'pages/me/index'],
  subPackages: [
    { root: 'packages/patient', pages: ['pages/list/index', 'pages/edit/index'] },
    // staff: the application, and 我的学习 for staff whose console account is linked to this WeChat user
    {
      root: 'packages/staff',
      pages: ['pages/apply/index', 'pages/status/index', 'pages/learning/index', 'pages/learn/index'],
    },
    {
      root: 'packages/booking',
      pages: [
        'pages/mine/index',
        'pages/doctors/index',
        'pages/doctor/index',
        'pages/confirm/index',
        'pages/detail/index',
        'pages/notices/index',
      ],
    },
    { root: 'packages/education', pages: ['pages/detail/index', 'pages/mine/index'] },
    { root: 'packages/consult', pages: ['pages/start/index', 'pages/chat/index'] },
    // 我的病历: every family member's signed records, prescriptions and health profile (issue 14).
    { root: 'packages/records', pages: ['pages/index/index', 'pages/detail/index'] },
    // 我的随访: every family member's follow-up plans; questionnaires to answer.
    { root: 'packages/followup', pages: ['pages/index/index', 'pages/task/index'] },
    // 我的 › 设置, 隐私政策/用户协议, 关于, 我的订单, 注销账号, 头像昵称, 公告详情 (issue 15).
    {
      root: 'packages/me',
      pages: [
        'pages/settings/index',
        'pages/policy/index',
        'pages/about/index',
        'pages/orders/index',
        'pages/delete/index',
        'pages/profile/index',
        'pages/announcement/index',
      ],
    },
  ],
  preloadRule: {
    'pages/me/index': { network: 'all', packages: ['packages/patient', 'packages/me'] },
    'pages/booking/index': { network: 'all', packages: ['packages/booking'] },
    'pages/education/index': { network: 'all', packages: ['packages/education'] },
    'pages/consult/index': { network: 'all', packages: ['packages/consult'] },
  },
  // WeChat's privacy check: privacy APIs pause until the user agreed in our popup (platform/privacy.ts). It is on for
  // every mini-program since 2023-09-15; said out loud so DevTools and older base libraries behave the same.
  __usePrivacyCheck__: true,
  // h5 only: no sliding page transitions. Taro's router shades the page it leaves a transition (350 ms) later, even
  // when that page has been shown again meanwhile: 返回 in the title bar within that time left a blank page (seen on
  // 我的 under load). Without the transition the shade comes at once, before anything can be shown again.
  ...(process.env.TARO_ENV === 'h5' ? { animation: false } : {}),
  // Inject only the components a page uses (WeChat's recommendation for start-up time).
  lazyCodeLoading: 'requiredComponents',
  // Which pages WeChat search may index: public ones only (src/sitemap.json, copied by config/index.ts).
  sitemapLocation: 'sitemap.json',
  window: {
    // WeChat's own default; said out loud because the h5 build shows its title bar (with 返回 on sub-pages) only then
    navigationStyle: 'default',
    navigationBarTitleText: '医云',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f3f5f7',
    backgroundTextStyle: 'dark',
  },
  tabBar: {
    color: '#5b6470',
    selectedColor: '#0a7d6f',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      tab('home', '首页', 'home'),
      tab('booking', '预约', 'booking'),
      tab('consult', '问诊', 'consult'),
      tab('education', '科普', 'education'),
      tab('me', '我的', 'me'),
    ],
  },
})
