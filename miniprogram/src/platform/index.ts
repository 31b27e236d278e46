// The only door to wx.* / Taro platform APIs. Pages, components and the api layer import from here,
// so the h5 preview (simulated WeChat) and the real mini-program run the same screens.
export { rawRequest, type RawResponse } from './http'
export { storage } from './storage'
export { toast, showLoading, hideLoading, confirm } from './ui'
export {
  routes,
  go,
  redirect,
  back,
  restartAt,
  stopPullDownRefresh,
  setTitle,
  useDidShow,
  useLoad,
  useRouter,
  usePullDownRefresh,
  useShareAppMessage,
} from './nav'
export { wechatLoginCode, simulatedPhoneCode, usesSimulatedWeChat, requestSubscribe } from './wechat'
export { default as PhoneNumberButton } from './PhoneNumberButton.vue'
export { apiBase } from './config'
export { requestPayment, isPayCancel, type WxPayParams } from './payment'
export { openSocket, onAppShow, onAppHide, type RawSocket } from './socket'
export { chooseImageBytes, uploadBytes, authorizedImage, openAuthorizedFile, readLocalFile } from './files'
export {
  privacyPrompt,
  PRIVACY_AGREE_BUTTON_ID,
  listenForPrivacyRequests,
  askPrivacy,
  settlePrivacy,
  requireWechatPrivacy,
  openWechatPrivacyContract,
  openMap,
  mapLink,
  callPhone,
} from './privacy'
export { fieldName, makeKeyboardReachable, makeVideoPlayersKeyboardOperable, vKeyTap, vModalFocus } from './a11y'
