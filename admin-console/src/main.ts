import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router, forgetRoutes } from './router'
import { vPerm } from './directives/perm'
import { watchTreeA11y } from './utils/tree-a11y'
import { setPasswordChangeHandler, setSessionEndHandler } from './api/http'
import { useAuthStore } from './stores/auth'
import './styles/index.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.directive('perm', vPerm)

setSessionEndHandler(() => {
  useAuthStore().reset()
  forgetRoutes()
  const here = router.currentRoute.value
  void router.replace({ name: 'Login', query: here.meta.public ? {} : { redirect: here.fullPath } })
})

setPasswordChangeHandler(() => {
  useAuthStore().requirePasswordChange()
  forgetRoutes()
  const here = router.currentRoute.value
  if (here.name !== 'ChangePassword')
    void router.replace({ name: 'ChangePassword', query: here.meta.public ? {} : { redirect: here.fullPath } })
})

app.mount('#app')
// trees whole for screen readers wherever they show (checkboxes named, tree-select dropdowns teleported to <body>)
watchTreeA11y()
