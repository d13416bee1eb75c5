module github.com/acme/catalog-search

go 1.23

require (
	github.com/jackc/pgx/v5 v5.7.1
	go.opentelemetry.io/otel v1.31.0
)
