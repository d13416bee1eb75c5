module.exports.export = async () => ({ exported: true });
