module.exports.handler = async () => ({ purged: 0 });
