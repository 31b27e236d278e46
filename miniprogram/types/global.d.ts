/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.css'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, any>
  export default component
}

/** Replaced at build time (config/index.ts defineConstants): the BFF origin the weapp build calls. */
declare const YIYUN_API_BASE: string

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'harmony' | 'rn'
  }
}
/** Build-time: use the BFF's simulated WeChat on weapp too (YIYUN_SIMULATED_WECHAT=1). */
declare const YIYUN_SIMULATED_WECHAT: boolean
