import { createApp } from 'vue'
import { startSession } from '@/api/session'
import { listenForPrivacyRequests, makePagesKeyboardScrollable } from '@/platform'
import './app.css'

const App = createApp({
  onLaunch() {
    listenForPrivacyRequests()
    makePagesKeyboardScrollable()
    // Silent WeChat login before the first screen asks for data; pages await the same promise.
    startSession().catch(() => {
      /* the page shows session.error with a retry button */
    })
  },
})

export default App
