module github.com/acme/platform-auth

go 1.23

require (
	github.com/redis/go-redis/v9 v9.7.0
	go.opentelemetry.io/otel v1.31.0
)
