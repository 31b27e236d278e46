// Mocha's spec output, plus the run's counts written to a file so test/run.mjs can add up its runs.
const fs = require('node:fs');
const Mocha = require('mocha');

class YiyunReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.YIYUN_STATS_FILE;
      if (file)
        fs.writeFileSync(
          file,
          JSON.stringify({ passes: this.stats.passes, failures: this.stats.failures, pending: this.stats.pending }),
        );
    });
  }
}
module.exports = YiyunReporter;
