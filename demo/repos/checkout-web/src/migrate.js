const { Pool } = require('pg');
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
pool.query('create table if not exists carts (id text primary key, items jsonb)').then(() => pool.end());
