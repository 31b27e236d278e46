import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

// weapp and h5 write to separate folders so one build never clobbers the other
// (the BFF serves dist-h5 at /h5, WeChat DevTools opens dist-weapp through ../project.config.json).
// `dev:h5` (served from memory) gets its own folder so it never wipes the production h5 build.
const isH5 = process.env.TARO_ENV === 'h5'
const outputRoot = isH5 ? (process.env.NODE_ENV === 'development' ? 'dist-h5-dev' : 'dist-h5') : 'dist-weapp'

// Where the weapp build finds the BFF. On h5 the app always talks to its own origin.
const apiBase = process.env.YIYUN_API_BASE || 'http://127.0.0.1:3000'

// The rules shared with the BFF and the console (bff/src/shared) are TypeScript outside src/: compile them too.
const shared = path.resolve(__dirname, '..', '..', 'bff', 'src', 'shared')

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'yiyun-miniprogram',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot,
    plugins: [],
    defineConstants: {
      YIYUN_API_BASE: JSON.stringify(apiBase),
      YIYUN_SIMULATED_WECHAT: JSON.stringify(process.env.YIYUN_SIMULATED_WECHAT === '1'),
    },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
      '@bff': path.resolve(__dirname, '..', '..', 'bff', 'src'),
    },
    // WeChat reads sitemap.json beside app.json (app.config.ts names it); the h5 build has no use for it
    copy: { patterns: isH5 ? [] : [{ from: 'src/sitemap.json', to: `${outputRoot}/sitemap.json` }], options: {} },
    framework: 'vue3',
    // prebundle crashes `taro build --type h5 --watch` (measured), and gains little on this small app
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      compile: { include: [shared] },
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      compile: { include: [shared] },
      publicPath: '/h5/',
      staticDirectory: 'static',
      router: { mode: 'browser', basename: '/h5' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  }
  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
