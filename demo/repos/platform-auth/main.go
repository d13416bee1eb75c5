package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	opts, _ := redis.ParseURL(os.Getenv("REDIS_URL"))
	sessions := redis.NewClient(opts)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	server := &http.Server{Addr: ":" + os.Getenv("PORT"), Handler: mux}
	go func() { logger.Info("listening", "addr", server.Addr); server.ListenAndServe() }()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	server.Shutdown(context.Background())
	sessions.Close()
}
