const { Logger } = require('@aws-lambda-powertools/logger');
const { Tracer } = require('@aws-lambda-powertools/tracer');
const { SESv2Client, SendEmailCommand } = require('@aws-sdk/client-sesv2');

const logger = new Logger();
const tracer = new Tracer();
const ses = tracer.captureAWSv3Client(new SESv2Client({}));

module.exports.handler = async (event) => {
  for (const record of event.Records) {
    await ses.send(new SendEmailCommand(JSON.parse(record.body)));
    logger.info('sent', { from: process.env.SENDER });
  }
};
