const express = require('express');
const session = require('express-session');
const winston = require('winston');
const { Pool } = require('pg');
const redis = require('redis');

const logger = winston.createLogger({
  transports: [new winston.transports.File({ filename: '/var/log/shop/app.log' })],
});

const pool = new Pool({ connectionString: 'postgres://shop:hunter2hunter2@db.internal.acme.net:5432/shop' });
const cache = redis.createClient({ url: 'redis://cache.internal.acme.net:6379' });

const app = express();
app.use(session({ secret: 'keyboard cat', store: new session.MemoryStore() }));

app.get('/', async (req, res) => {
  const { rows } = await pool.query('select count(*) from orders');
  logger.info('orders counted');
  res.send(`orders: ${rows[0].count}`);
});

app.listen(3000);
