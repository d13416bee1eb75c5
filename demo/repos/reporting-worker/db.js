const mysql = require('mysql');
const pool = mysql.createPool('mysql://reports@reports-db.internal.acme.net:3306/reports');
module.exports.query = (sql) => new Promise((ok, ko) => pool.query(sql, (e, rows) => (e ? ko(e) : ok(rows))));
