const express = require('express');
const report = require('./report');
const log4js = require('log4js');
log4js.configure({ appenders: { file: { type: 'file', filename: 'logs/reporting.log' } }, categories: { default: { appenders: ['file'], level: 'info' } } });
const logger = log4js.getLogger();
const app = express();
app.get('/reports/weekly', async (req, res) => res.json(await report.weekly()));
app.listen(3000, () => logger.info('listening on 3000'));
