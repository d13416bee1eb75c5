const express = require('express');
const pino = require('pino');
const { Pool } = require('pg');
const Redis = require('ioredis');

const logger = pino();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const cache = new Redis(process.env.REDIS_URL);
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/cart/:id', async (req, res) => {
  const cached = await cache.get(`cart:${req.params.id}`);
  if (cached) return res.type('json').send(cached);
  const { rows } = await pool.query('select * from carts where id = $1', [req.params.id]);
  res.json(rows[0] || {});
});

const server = app.listen(process.env.PORT || 8080, () => logger.info({ port: process.env.PORT }, 'listening'));
process.on('SIGTERM', () => {
  logger.info('SIGTERM: draining');
  server.close(() => pool.end().then(() => process.exit(0)));
});
