import { createApp } from 'vue'
import { startSession } from '@/api/session'
import { checkConsentUpdates } from '@/composables/useConsentUpdate'
import { listenForPrivacyRequests, makeKeyboardReachable, makeVideoPlayersKeyboardOperable } from '@/platform'
import './app.css'

const App = createApp({
  onLaunch() {
    listenForPrivacyRequests()
    makeKeyboardReachable()
    makeVideoPlayersKeyboardOperable()
    // Silent WeChat login before the first screen asks for data; pages await the same promise. Then: has a document
    // the patient agreed to been published anew? (the tab pages' ConsentUpdatePopup asks again)
    startSession()
      .then(checkConsentUpdates)
      .catch(() => {
        /* the page shows session.error with a retry button */
      })
  },
})

export default App
