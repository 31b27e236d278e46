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
  ],
  preloadRule: {
    'pages/me/index': { network: 'all', packages: ['packages/patient'] },
    'pages/booking/index': { network: 'all', packages: ['packages/booking'] },
    'pages/education/index': { network: 'all', packages: ['packages/education'] },
    'pages/consult/index': { network: 'all', packages: ['packages/consult'] },
  },
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
