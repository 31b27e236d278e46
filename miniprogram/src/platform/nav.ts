import Taro from '@tarojs/taro'

export { useDidShow, useLoad, useRouter, usePullDownRefresh, useShareAppMessage } from '@tarojs/taro'

/** Every screen's path in one place, so a moved page is a one-line change. */
export const routes = {
  home: '/pages/home/index',
  booking: '/pages/booking/index',
  consult: '/pages/consult/index',
  education: '/pages/education/index',
  me: '/pages/me/index',
  patientList: '/packages/patient/pages/list/index',
  patientEdit: '/packages/patient/pages/edit/index',
  staffApply: '/packages/staff/pages/apply/index',
  staffStatus: '/packages/staff/pages/status/index',
  staffLearning: '/packages/staff/pages/learning/index',
  staffLearn: '/packages/staff/pages/learn/index',
  myAppointments: '/packages/booking/pages/mine/index',
  bookingDoctors: '/packages/booking/pages/doctors/index',
  bookingDoctor: '/packages/booking/pages/doctor/index',
  bookingConfirm: '/packages/booking/pages/confirm/index',
  appointment: '/packages/booking/pages/detail/index',
  notices: '/packages/booking/pages/notices/index',
  eduDetail: '/packages/education/pages/detail/index',
  eduMine: '/packages/education/pages/mine/index',
  consultStart: '/packages/consult/pages/start/index',
  consultChat: '/packages/consult/pages/chat/index',
  records: '/packages/records/pages/index/index',
  recordDetail: '/packages/records/pages/detail/index',
  followup: '/packages/followup/pages/index/index',
  followupTask: '/packages/followup/pages/task/index',
  settings: '/packages/me/pages/settings/index',
  policy: '/packages/me/pages/policy/index',
  about: '/packages/me/pages/about/index',
  orders: '/packages/me/pages/orders/index',
  deleteAccount: '/packages/me/pages/delete/index',
  profile: '/packages/me/pages/profile/index',
  announcement: '/packages/me/pages/announcement/index',
} as const

const tabs: string[] = [routes.home, routes.booking, routes.consult, routes.education, routes.me]

export function go(url: string): void {
  const path = url.split('?')[0]
  if (tabs.includes(path)) void Taro.switchTab({ url: path })
  else void Taro.navigateTo({ url })
}

export function redirect(url: string): void {
  void Taro.redirectTo({ url })
}

/**
 * Starts the app over on one page, closing every other (after 退出登录 and 注销账号 nothing of the old session's pages
 * should stay). In the h5 build, going back or switching tabs from 设置 right after its own entry sometimes left the
 * 我的 page hidden (a blank page); a fresh start has no earlier page state to get wrong.
 */
export function restartAt(url: string): void {
  void Taro.reLaunch({ url })
}

export function back(): void {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack({ delta: 1 })
  else void Taro.switchTab({ url: routes.me })
}

export function stopPullDownRefresh(): void {
  Taro.stopPullDownRefresh()
}

/** The title bar's text (WeChat's, or the h5 preview's own bar). */
export function setTitle(title: string): void {
  void Taro.setNavigationBarTitle({ title })
}
