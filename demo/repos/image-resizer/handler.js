const AWS = require('aws-sdk');
const sharp = require('sharp');
const s3 = new AWS.S3();

module.exports.resize = async (event) => {
  const key = event.Records[0].s3.object.key;
  const original = await s3.getObject({ Bucket: 'acme-product-images', Key: key }).promise();
  const thumb = await sharp(original.Body).resize(200).toBuffer();
  await s3.putObject({ Bucket: 'acme-product-thumbs', Key: key, Body: thumb }).promise();
  console.log('resized ' + key);
};
