import type { UserConfigExport } from '@tarojs/cli'

// `npm run dev:h5` serves the app at http://localhost:10086/h5/ and forwards API calls to a local BFF (`npm start`).
const bff = process.env.YIYUN_API_BASE || 'http://127.0.0.1:3000'

export default {
  logger: { quiet: false, stats: true },
  mini: {},
  h5: {
    devServer: {
      port: 10086,
      proxy: {
        '/api': { target: bff, changeOrigin: true },
        '/sim-wechat': { target: bff, changeOrigin: true },
      },
    },
  },
} satisfies UserConfigExport<'webpack5'>
