const db = require('./db');
module.exports.weekly = async () => db.query('select carrier, avg(delay) from deliveries group by carrier');
