// Taro compiles Vue SFCs and TypeScript through babel; `import type` (e.g. from @bff) is erased here.
module.exports = {
  presets: [['taro', { framework: 'vue3', ts: true, compiler: 'webpack5' }]],
}
